"""Activations by name: `get`, `serialize` and `deserialize`."""

import types
from collections.abc import Callable
from typing import Any

from ember.activations import _functions
from ember.activations import _other_functions
from ember.core import registry
from ember.core.lookup import unknown_identifier_error

_BUILTINS: dict[str, Callable] = {
    fn.__name__: fn
    for fn in (
        _functions.relu,
        _functions.leaky_relu,
        _functions.relu6,
        _functions.softmax,
        _functions.log_softmax,
        _functions.elu,
        _functions.selu,
        _functions.softplus,
        _functions.softsign,
        _functions.silu,
        _functions.gelu,
        _functions.tanh,
        _functions.sigmoid,
        _functions.exponential,
        _functions.hard_sigmoid,
        _functions.hard_silu,
        _functions.linear,
        _functions.mish,
        _other_functions.celu,
        _other_functions.glu,
        _other_functions.hard_tanh,
        _other_functions.hard_shrink,
        _other_functions.soft_shrink,
        _other_functions.tanh_shrink,
        _other_functions.threshold,
        _other_functions.squareplus,
        _other_functions.sparse_plus,
        _other_functions.sparse_sigmoid,
        _other_functions.log_sigmoid,
        _other_functions.sparsemax,
    )
}
_ALIASES = {"swish": _functions.silu, "hard_swish": _functions.hard_silu}
_BY_NAME = {**_BUILTINS, **_ALIASES}


def _is_builtin(fn: Any) -> bool:
    return any(fn is builtin for builtin in _BUILTINS.values())


def _by_name(name: str, custom_objects: dict | None) -> Callable:
    found = registry.lookup(name)
    if found is not None:
        return found
    if custom_objects and name in custom_objects:
        return custom_objects[name]
    if name in _BY_NAME:
        return _BY_NAME[name]
    raise unknown_identifier_error("activation", name, _BY_NAME)


def serialize(activation: Callable) -> str | dict:
    """Returns the serialized form of an activation function.

    Built-in activations serialize to their name (`"relu"`; aliases to the
    canonical name, so `swish` gives `"silu"`). Other functions and callable
    objects serialize to a Keras config dict.

    Args:
        activation: the function or callable object.

    Returns:
        A name string or a config dict, as `keras.activations.serialize`.
    """
    if _is_builtin(activation):
        return activation.__name__
    if isinstance(activation, types.FunctionType):
        # A user function by its registered name ("my_package>scaled").
        return registry.function_config(activation)
    if hasattr(activation, "get_config"):
        return registry.user_object_config(activation)
    raise ValueError(
        f"Cannot serialize activation {activation!r}: it is neither a "
        "function nor an object with a `get_config` method."
    )


def deserialize(
    config: str | dict, custom_objects: dict | None = None
) -> Callable:
    """Returns the activation function described by `config`.

    Args:
        config: a name (`"relu"`) or a config dict as `serialize` returns.
        custom_objects: optional mapping of names to user functions or
            classes, searched before the built-ins.

    Returns:
        The activation function (or callable object).
    """
    if isinstance(config, str):
        return _by_name(config, custom_objects)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "Could not deserialize an activation from config: expected a "
            f"name or a dict with a 'class_name' key. Received: {config!r}"
        )
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "function":
        return _by_name(inner, custom_objects)
    if class_name in _BY_NAME and inner in (None, {}):
        return _BY_NAME[class_name]
    for name in (config.get("registered_name"), class_name):
        cls = registry.lookup(name)
        if cls is None and custom_objects and name in custom_objects:
            cls = custom_objects[name]
        if cls is not None:
            if hasattr(cls, "from_config"):
                return cls.from_config(inner or {})
            return cls(**(inner or {}))
    raise unknown_identifier_error("activation", class_name, _BY_NAME)


def get(identifier: str | dict | Callable | None) -> Callable:
    """Returns an activation function from a name, config or callable.

    Args:
        identifier: None (the linear activation), a name such as `"relu"`,
            a config dict as `serialize` returns, or a callable (returned
            as is).

    Returns:
        A callable activation.

    Example:

    >>> get("relu").__name__
    'relu'
    """
    if identifier is None:
        return _functions.linear
    if isinstance(identifier, str):
        return _by_name(identifier, None)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        "Could not interpret activation function identifier: "
        f"{identifier!r}. Expected None, a name, a config dict or a "
        "callable."
    )
