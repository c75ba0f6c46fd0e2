"""Optimizers (`ember.optimizers`): Keras 3 classes with optax inside."""

import optax

from ember.core.family import Family
from ember.core.family import register
from ember.optimizers import schedules
from ember.optimizers.adadelta import Adadelta
from ember.optimizers.adagrad import Adagrad
from ember.optimizers.adam import Adam
from ember.optimizers.adamax import Adamax
from ember.optimizers.adamw import AdamW
from ember.optimizers.lion import Lion
from ember.optimizers.loss_scale_optimizer import LossScaleOptimizer
from ember.optimizers.nadam import Nadam
from ember.optimizers.optax_optimizer import OptaxOptimizer
from ember.optimizers.optimizer import Optimizer
from ember.optimizers.rmsprop import RMSprop
from ember.optimizers.sgd import SGD

_FAMILY = register(
    Family(
        "optimizer",
        "keras.optimizers",
        (
            Adadelta,
            Adagrad,
            Adam,
            Adamax,
            AdamW,
            Lion,
            LossScaleOptimizer,
            Nadam,
            RMSprop,
            SGD,
        ),
        hidden=(Optimizer, OptaxOptimizer),
        case_insensitive=True,
    )
)


def serialize(optimizer) -> dict:
    """Returns the Keras-format dict of an optimizer: a user class is
    written under its registered name, else its class name, as Keras."""
    return _FAMILY.serialize(optimizer)


def deserialize(config: dict, custom_objects=None):
    """Rebuilds an optimizer from `serialize`'s (or Keras') dict."""
    return _FAMILY.deserialize(config, custom_objects)


def get(identifier):
    """Returns an optimizer for a name, a config dict, or an instance.

    Names are case-insensitive (`"adam"`, `"SGD"`, `"rmsprop"`) and give an
    optimizer with default arguments. An `optax.GradientTransformation` is
    wrapped in `OptaxOptimizer`.

    Example:

    >>> type(get("rmsprop")).__name__
    'RMSprop'
    """
    if isinstance(identifier, (Optimizer, OptaxOptimizer)):
        return identifier
    if isinstance(identifier, optax.GradientTransformation):
        return OptaxOptimizer(identifier)
    if isinstance(identifier, str | dict):
        return _FAMILY.get(identifier)
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Lion",
    "LossScaleOptimizer",
    "Nadam",
    "OptaxOptimizer",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
