"""Config helpers shared by layers."""

from collections.abc import Callable
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


def resolve(getter: Callable, identifier: Any, layer: Any, argument: str):
    """`getter(identifier)`, its errors prefixed with the layer's name.

    Example: `Dense "dense": invalid `activation`. Unknown activation: ...`
    """
    try:
        return getter(identifier)
    except ValueError as error:
        raise ValueError(
            f'{type(layer).__name__} "{layer.name}": invalid `{argument}`. '
            f"{error}"
        ) from None
