"""Losses by name: `get`, `serialize` and `deserialize`."""

import inspect
import types
from collections.abc import Callable
from typing import Any

from ember.core import registry
from ember.core.lookup import unknown_identifier_error
from ember.losses import _classes
from ember.losses import _functions
from ember.losses.loss import Loss
from ember.losses.loss import LossFunctionWrapper

_CLASSES: dict[str, type] = {
    cls.__name__: cls
    for cls in (
        _classes.KLDivergence,
        _classes.Poisson,
        _classes.BinaryCrossentropy,
        _classes.CategoricalCrossentropy,
        _classes.SparseCategoricalCrossentropy,
        _classes.MeanSquaredError,
        _classes.MeanAbsoluteError,
        _classes.MeanAbsolutePercentageError,
        _classes.MeanSquaredLogarithmicError,
        _classes.CosineSimilarity,
        _classes.LogCosh,
        _classes.Huber,
        _classes.Hinge,
        _classes.SquaredHinge,
        _classes.CategoricalHinge,
    )
}
_FUNCTIONS: dict[str, Callable] = {
    fn.__name__: fn
    for fn in (
        _functions.kl_divergence,
        _functions.poisson,
        _functions.binary_crossentropy,
        _functions.categorical_crossentropy,
        _functions.sparse_categorical_crossentropy,
        _functions.mean_squared_error,
        _functions.mean_absolute_error,
        _functions.mean_absolute_percentage_error,
        _functions.mean_squared_logarithmic_error,
        _functions.cosine_similarity,
        _functions.log_cosh,
        _functions.huber,
        _functions.hinge,
        _functions.squared_hinge,
        _functions.categorical_hinge,
    )
}
# The short names `keras.losses.get` accepts.
_ALIASES: dict[str, Callable] = {
    "bce": _functions.binary_crossentropy,
    "BCE": _functions.binary_crossentropy,
    "kld": _functions.kl_divergence,
    "KLD": _functions.kl_divergence,
    "mae": _functions.mean_absolute_error,
    "MAE": _functions.mean_absolute_error,
    "mse": _functions.mean_squared_error,
    "MSE": _functions.mean_squared_error,
    "mape": _functions.mean_absolute_percentage_error,
    "MAPE": _functions.mean_absolute_percentage_error,
    "msle": _functions.mean_squared_logarithmic_error,
    "MSLE": _functions.mean_squared_logarithmic_error,
}
_BY_NAME: dict[str, Any] = {**_CLASSES, **_FUNCTIONS, **_ALIASES}


def _by_name(name: str, custom_objects: dict | None) -> Any:
    """The function, or an instance of the class, called `name`."""
    obj = registry.lookup(name)
    if obj is None and custom_objects and name in custom_objects:
        obj = custom_objects[name]
    if obj is None:
        obj = _BY_NAME.get(name)
    if obj is None:
        raise unknown_identifier_error("loss", name, _BY_NAME)
    return obj() if inspect.isclass(obj) else obj


def serialize_function(fn: Callable) -> dict:
    """The Keras config dict of a loss function (built-in or not): a user
    function is named by its registered name (`"my_package>my_loss"`)."""
    return registry.function_config(fn)


def serialize(loss: Loss | Callable) -> dict:
    """Returns the Keras config dict of a loss function or `Loss`.

    Args:
        loss: a loss function or a `Loss` instance.

    Returns:
        A dict with `module`, `class_name`, `config` and `registered_name`,
        as `keras.losses.serialize` writes it.
    """
    if isinstance(loss, types.FunctionType):
        return serialize_function(loss)
    if isinstance(loss, Loss) or hasattr(loss, "get_config"):
        cls = type(loss)
        if _CLASSES.get(cls.__name__) is cls:
            module, registered = "keras.losses", None
        elif cls is LossFunctionWrapper:
            module, registered = "keras.src.losses.losses", cls.__name__
        else:
            # Its registered name ("my_package>MyLoss"), else its name.
            return registry.user_object_config(loss)
        return {
            "module": module,
            "class_name": cls.__name__,
            "config": loss.get_config(),
            "registered_name": registered,
        }
    raise ValueError(
        f"Cannot serialize loss {loss!r}: it is neither a function nor an "
        "object with a `get_config` method."
    )


def deserialize(config: str | dict, custom_objects: dict | None = None) -> Any:
    """Returns the loss described by `config`.

    Args:
        config: a name (a function's, or a class's, which is instantiated
            with its defaults) or a config dict as `serialize` returns.
        custom_objects: optional mapping of names to user functions or
            classes, searched before the built-ins.

    Returns:
        A loss function or a `Loss` instance.
    """
    if isinstance(config, str):
        return _by_name(config, custom_objects)
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "Could not deserialize a loss from config: expected a name or a "
            f"dict with a 'class_name' key. Received: {config!r}"
        )
    class_name = config["class_name"]
    inner = config.get("config")
    if class_name == "function":
        return _by_name(inner, custom_objects)
    known = {**_CLASSES, "LossFunctionWrapper": LossFunctionWrapper}
    if custom_objects:
        known.update(custom_objects)
    for name in (config.get("registered_name"), class_name):
        cls = registry.lookup(name) or known.get(name)
        if cls is not None:
            if hasattr(cls, "from_config"):
                return cls.from_config(inner or {})
            return cls(**(inner or {}))
    raise unknown_identifier_error("loss", class_name, known)


def get(identifier: str | dict | Callable | None) -> Any:
    """Returns a loss from a name, config dict or callable.

    Function names (`"mean_squared_error"`, `"mse"`) give the function;
    class names (`"MeanSquaredError"`) give an instance with default
    arguments; callables are returned as they are; None gives None.

    Example:

    >>> get("mse").__name__
    'mean_squared_error'
    >>> type(get("Huber")).__name__
    'Huber'
    """
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _by_name(identifier, None)
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if callable(identifier):
        return identifier
    raise ValueError(
        f"Could not interpret loss identifier: {identifier!r}. Expected "
        "None, a name, a config dict or a callable."
    )
