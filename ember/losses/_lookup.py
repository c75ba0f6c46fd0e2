"""Losses by name: `get`, `serialize` and `deserialize`."""

from collections.abc import Callable
from typing import Any

from ember.core import registry
from ember.core.family import Family
from ember.core.family import register
from ember.losses import _classes
from ember.losses import _functions
from ember.losses.loss import Loss
from ember.losses.loss import LossFunctionWrapper

_CLASSES = (
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
_FUNCTIONS = (
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
    "kullback_leibler_divergence": _functions.kl_divergence,
    "logcosh": _functions.log_cosh,
}
_FAMILY = register(
    Family(
        "loss",
        "keras.losses",
        _CLASSES,
        _FUNCTIONS,
        _ALIASES,
        hidden=(Loss, LossFunctionWrapper),
    )
)


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
    if type(loss) is LossFunctionWrapper:
        return {
            "module": "keras.src.losses.losses",
            "class_name": "LossFunctionWrapper",
            "config": loss.get_config(),
            "registered_name": "LossFunctionWrapper",
        }
    return _FAMILY.serialize(loss)


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
    return _FAMILY.deserialize(config, custom_objects)


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
    return _FAMILY.get(identifier)
