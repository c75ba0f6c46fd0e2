"""`serialize` / `deserialize` of learning rate schedules."""

from ember.core import registry
from ember.core.lookup import unknown_identifier_error
from ember.optimizers.schedules.cosine_decay import CosineDecay
from ember.optimizers.schedules.cosine_decay import CosineDecayRestarts
from ember.optimizers.schedules.learning_rate_schedule import ExponentialDecay
from ember.optimizers.schedules.learning_rate_schedule import InverseTimeDecay
from ember.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
)
from ember.optimizers.schedules.learning_rate_schedule import (
    PiecewiseConstantDecay,
)
from ember.optimizers.schedules.learning_rate_schedule import PolynomialDecay

_MODULE = "keras.optimizers.schedules"

_SCHEDULES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        InverseTimeDecay,
        CosineDecay,
        CosineDecayRestarts,
    )
}


def serialize(schedule: LearningRateSchedule) -> dict:
    """Returns the Keras-format dict of `schedule`.

    A user's schedule is written as Keras writes one: its own module, and
    its registered name (`"my_package>Halving"`), else its class name, as
    `registered_name`, so that loading finds it.
    """
    cls = type(schedule)
    if _SCHEDULES.get(cls.__name__) is not cls:
        return registry.user_object_config(schedule)
    return {
        "module": _MODULE,
        "class_name": cls.__name__,
        "config": schedule.get_config(),
        "registered_name": None,
    }


def deserialize(config: dict, custom_objects=None) -> LearningRateSchedule:
    """Rebuilds a schedule from `serialize`'s (or Keras') dict; a
    registered schedule is found by its registered name."""
    known = dict(_SCHEDULES)
    known.update(custom_objects or {})
    name = config["class_name"]
    cls = registry.lookup(config.get("registered_name")) or known.get(name)
    if cls is None:
        raise unknown_identifier_error("learning rate schedule", name, known)
    return cls.from_config(config["config"])
