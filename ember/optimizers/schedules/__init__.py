"""Learning rate schedules (`ember.optimizers.schedules`)."""

from ember.optimizers.schedules.learning_rate_schedule import CosineDecay
from ember.optimizers.schedules.learning_rate_schedule import (
    CosineDecayRestarts,
)
from ember.optimizers.schedules.learning_rate_schedule import ExponentialDecay
from ember.optimizers.schedules.learning_rate_schedule import InverseTimeDecay
from ember.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
)
from ember.optimizers.schedules.learning_rate_schedule import (
    PiecewiseConstantDecay,
)
from ember.optimizers.schedules.learning_rate_schedule import PolynomialDecay
from ember.optimizers.schedules.learning_rate_schedule import deserialize
from ember.optimizers.schedules.learning_rate_schedule import serialize

__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]
