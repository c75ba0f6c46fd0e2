"""`serialize` / `deserialize` of learning rate schedules."""

from ember.core.family import Family
from ember.core.family import register
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

_FAMILY = register(
    Family(
        "learning rate schedule",
        "keras.optimizers.schedules",
        (
            ExponentialDecay,
            PiecewiseConstantDecay,
            PolynomialDecay,
            InverseTimeDecay,
            CosineDecay,
            CosineDecayRestarts,
        ),
        hidden=(LearningRateSchedule,),
    )
)


def serialize(schedule: LearningRateSchedule) -> dict:
    """Returns the Keras-format dict of `schedule`.

    A user's schedule is written as Keras writes one: its own module, and
    its registered name (`"my_package>Halving"`), else its class name, as
    `registered_name`, so that loading finds it.
    """
    return _FAMILY.serialize(schedule)


def deserialize(config: dict, custom_objects=None) -> LearningRateSchedule:
    """Rebuilds a schedule from `serialize`'s (or Keras') dict; a
    registered schedule is found by its registered name."""
    return _FAMILY.deserialize(config, custom_objects)
