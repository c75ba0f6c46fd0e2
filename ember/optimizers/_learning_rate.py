"""The three forms of an optimizer's learning rate, read and serialized.

A learning rate is a float (kept in a `Variable`, so it changes without
recompiling), a `LearningRateSchedule` evaluated at the step, or a callable
taking no arguments.
"""

import numbers

import numpy as np

from ember.core import config
from ember.core import naming
from ember.core.variable import Variable
from ember.optimizers import schedules as lr_schedules


def is_dynamic(learning_rate) -> bool:
    """Whether `learning_rate` is a schedule or a callable, not a number."""
    return isinstance(learning_rate, lr_schedules.LearningRateSchedule) or (
        callable(learning_rate)
    )


def check_number(learning_rate) -> None:
    """Raises unless `learning_rate` is a real number (not a bool)."""
    if isinstance(learning_rate, bool) or not isinstance(
        learning_rate, numbers.Real
    ):
        raise ValueError(
            "Argument `learning_rate` should be a float, a "
            "LearningRateSchedule, or a callable returning the "
            f"learning rate. Received: learning_rate={learning_rate!r}"
        )


def initial(scope: str, learning_rate):
    """The rate as an optimizer keeps it: a schedule or callable as given,
    a number in a new `learning_rate` variable under `scope`."""
    if is_dynamic(learning_rate):
        return learning_rate
    check_number(learning_rate)
    with naming.name_scope(scope):
        return Variable(
            float(learning_rate),
            dtype=config.floatx(),
            trainable=False,
            name="learning_rate",
        )


def check_settable(learning_rate) -> None:
    """Raises if `learning_rate` is a schedule, which a number can't replace."""
    if isinstance(learning_rate, lr_schedules.LearningRateSchedule):
        raise TypeError(
            "This optimizer was created with a `LearningRateSchedule` "
            "as its `learning_rate`, so its learning rate cannot be set "
            "to a number. Create the optimizer with a float "
            "`learning_rate` to make it settable."
        )


def current(learning_rate, raw_iterations, value=None):
    """The rate at `raw_iterations`; `value` replaces a variable's value."""
    if isinstance(learning_rate, lr_schedules.LearningRateSchedule):
        return learning_rate(raw_iterations)
    if isinstance(learning_rate, Variable):
        return learning_rate.value if value is None else value
    return learning_rate()


def serialize(learning_rate):
    """The `learning_rate` entry of an optimizer's config."""
    if isinstance(learning_rate, lr_schedules.LearningRateSchedule):
        return lr_schedules.serialize(learning_rate)
    if isinstance(learning_rate, Variable):
        return float(np.asarray(learning_rate._value))
    return learning_rate


def deserialize(config_value, custom_objects=None):
    """Inverse of `serialize`: a schedule's dict becomes the schedule."""
    if isinstance(config_value, dict):
        return lr_schedules.deserialize(
            config_value, custom_objects=custom_objects
        )
    return config_value
