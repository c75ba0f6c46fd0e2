"""Optimizers (`ember.optimizers`): Keras 3 classes with optax inside."""

import optax

from ember.core import registry
from ember.core.lookup import unknown_identifier_error
from ember.optimizers import schedules
from ember.optimizers.adadelta import Adadelta
from ember.optimizers.adagrad import Adagrad
from ember.optimizers.adam import Adam
from ember.optimizers.adamax import Adamax
from ember.optimizers.adamw import AdamW
from ember.optimizers.lion import Lion
from ember.optimizers.nadam import Nadam
from ember.optimizers.optax_optimizer import OptaxOptimizer
from ember.optimizers.optimizer import Optimizer
from ember.optimizers.rmsprop import RMSprop
from ember.optimizers.sgd import SGD

_ALL = (Adadelta, Adagrad, Adam, Adamax, AdamW, Lion, Nadam, RMSprop, SGD)
_BY_NAME = {cls.__name__.lower(): cls for cls in _ALL}


def serialize(optimizer) -> dict:
    """Returns the Keras-format dict of an optimizer: a user class is
    written under its registered name, else its class name, as Keras."""
    if type(optimizer) not in (*_ALL, OptaxOptimizer):
        return registry.user_object_config(optimizer)
    return {
        "module": "keras.optimizers",
        "class_name": type(optimizer).__name__,
        "config": optimizer.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict, custom_objects=None):
    """Rebuilds an optimizer from `serialize`'s (or Keras') dict."""
    name = config["class_name"]
    custom = dict(custom_objects or {})
    found = registry.lookup(config.get("registered_name")) or custom.get(name)
    if found is not None:
        return found.from_config(config["config"])
    cls = _BY_NAME.get(name.lower())
    if cls is None:
        known = [c.__name__ for c in _ALL] + list(custom)
        raise unknown_identifier_error("optimizer", name, known)
    return cls.from_config(config["config"], custom_objects=custom_objects)


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
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        cls = _BY_NAME.get(identifier.lower())
        if cls is None:
            raise unknown_identifier_error(
                "optimizer", identifier, [c.__name__.lower() for c in _ALL]
            )
        return cls()
    raise ValueError(f"Could not interpret optimizer identifier: {identifier}")


__all__ = [
    "SGD",
    "Adadelta",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Lion",
    "Nadam",
    "OptaxOptimizer",
    "Optimizer",
    "RMSprop",
    "deserialize",
    "get",
    "schedules",
    "serialize",
]
