"""Config helpers shared by layers."""

from typing import Any


def serialize_optional(obj: Any) -> Any:
    """None stays None; an object with `get_config` becomes a Keras dict."""
    if obj is None or isinstance(obj, str | int | float | bool):
        return obj
    if hasattr(obj, "get_config"):
        return {
            "module": type(obj).__module__,
            "class_name": type(obj).__name__,
            "config": obj.get_config(),
            "registered_name": None,
        }
    raise ValueError(f"Cannot serialize {obj!r}: it has no get_config().")
