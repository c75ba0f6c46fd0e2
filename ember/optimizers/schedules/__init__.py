"""Learning rate schedules (`ember.optimizers.schedules`)."""

from ember.optimizers.schedules._lookup import deserialize
from ember.optimizers.schedules._lookup import serialize
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
