"""Where registered user classes and functions live, and the names configs
write for them.

`ember.saving.register_keras_serializable` fills these tables; they sit in
`core` so that every package that writes a nested config (a layer's
regularizer, an optimizer's schedule, a loss in a compile config) can write
a user object under its registered name (`"my_package>Halving"`), as Keras
does, without importing `ember.saving`.
"""

import threading
from typing import Any

GLOBAL_CUSTOM_OBJECTS: dict[str, Any] = {}
GLOBAL_CUSTOM_NAMES: dict[Any, str] = {}
_SCOPE = threading.local()


def scope_stack() -> list[dict]:
    """This thread's `custom_object_scope` dicts, innermost last."""
    if not hasattr(_SCOPE, "stack"):
        _SCOPE.stack = []
    return _SCOPE.stack


def registered_name(obj: Any) -> str | None:
    """The `"package>name"` `obj` is registered under, else None.

    Example:

    >>> registered_name(len) is None
    True
    """
    try:
        return GLOBAL_CUSTOM_NAMES.get(obj)
    except TypeError:  # Unhashable objects are never registered.
        return None


def lookup(name: Any) -> Any:
    """The object a `custom_object_scope` or the registry holds under
    `name` (innermost scope first), else None."""
    if not isinstance(name, str):
        return None
    for scope in reversed(scope_stack()):
        if name in scope:
            return scope[name]
    return GLOBAL_CUSTOM_OBJECTS.get(name)


def user_object_config(obj: Any) -> dict:
    """The Keras dict of an instance of a user class, as Keras writes it.

    `registered_name` is the registered name, else the class name; the
    module is the class's (None for `__main__`).
    """
    cls = type(obj)
    module = cls.__module__
    return {
        "module": None if module == "__main__" else module,
        "class_name": cls.__name__,
        "config": obj.get_config(),
        "registered_name": registered_name(cls) or cls.__name__,
    }


def function_config(fn: Any) -> dict:
    """The Keras dict of a named function: Keras writes the registered
    name (else the function's own) as `config`, and `"function"` as
    `registered_name`, for built-in and user functions alike."""
    return {
        "module": "builtins",
        "class_name": "function",
        "config": registered_name(fn) or getattr(fn, "__name__", repr(fn)),
        "registered_name": "function",
    }


# The full config codec lives in `ember.saving` (it knows every family and
# models); `ember.saving` installs it here on import, so that packages
# below it (`ember.layers.serialize`) can use it without importing it.
_CODEC: dict[str, Any] = {}


def install_codec(serialize: Any, deserialize: Any) -> None:
    """Called once by `ember.saving`: the functions behind
    `serialize_object` and `deserialize_object`."""
    _CODEC["serialize"] = serialize
    _CODEC["deserialize"] = deserialize


def _codec(name: str) -> Any:
    if name not in _CODEC:
        raise RuntimeError(
            "The config codec is installed by `ember.saving`; import "
            "`ember` (which imports it) first."
        )
    return _CODEC[name]


def serialize_object(obj: Any) -> Any:
    """`ember.saving.serialize_keras_object(obj)`."""
    return _codec("serialize")(obj)


def deserialize_object(config: Any, custom_objects: dict | None = None) -> Any:
    """`ember.saving.deserialize_keras_object(config, custom_objects)`."""
    return _codec("deserialize")(config, custom_objects=custom_objects)
