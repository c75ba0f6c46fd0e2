"""Learning rate schedules: the base class and the decays that are a
formula of the step (exponential, piecewise, polynomial, inverse time)."""

import jax.numpy as jnp

from ember.core import checks
from ember.core.arguments import parent_arguments


class LearningRateSchedule:
    """Base class: maps the optimizer's step (an int array) to a rate.

    Subclasses implement `__call__(step)` with jax operations only, so the
    schedule runs inside the compiled training step, and `get_config()`.

    Example:

    >>> class Halving(LearningRateSchedule):
    ...     def __call__(self, step):
    ...         return 0.1 * 0.5 ** (step // 100)
    ...     def get_config(self):
    ...         return {}
    """

    def __call__(self, step):
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' "
            "must override `__call__(self, step)`."
        )

    def get_config(self) -> dict:
        raise NotImplementedError(
            f"Learning rate schedule '{type(self).__name__}' "
            "must override `get_config()` in order to be serializable."
        )

    @classmethod
    def from_config(cls, config: dict) -> "LearningRateSchedule":
        """Creates the schedule from `get_config()`'s output."""
        return cls(**config)


def _float(value, step):
    """Returns `(rate, dtype, step)` with the step cast to the rate's dtype."""
    rate = jnp.asarray(value)
    if not jnp.issubdtype(rate.dtype, jnp.floating):
        rate = rate.astype(jnp.float32)
    return rate, rate.dtype, jnp.asarray(step).astype(rate.dtype)


def _check_numbers(schedule, **values) -> None:
    """Each of `values` (a schedule's numeric arguments) is a finite real
    number or a 0-d array, before anything computes with it."""
    for argument, value in values.items():
        if getattr(value, "shape", None) != ():
            checks.check_real(type(schedule).__name__, argument, value)


def _check_steps(decay_steps) -> None:
    if decay_steps <= 0:
        raise ValueError(
            f"Argument `decay_steps` must be > 0. Received: "
            f"decay_steps={decay_steps}"
        )


class _RateDecay(LearningRateSchedule):
    # A decay of `initial_learning_rate` by `decay_rate` per `decay_steps`.

    def __init__(
        self, initial_learning_rate, decay_steps, decay_rate, staircase, name
    ):
        _check_numbers(
            self,
            initial_learning_rate=initial_learning_rate,
            decay_steps=decay_steps,
            decay_rate=decay_rate,
        )
        _check_steps(decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class ExponentialDecay(_RateDecay):
    """`initial_learning_rate * decay_rate ** (step / decay_steps)`.

    With `staircase=True` the exponent is floored, so the rate drops in
    steps every `decay_steps`.

    Example:

    >>> schedule = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    >>> round(float(schedule(10)), 6)
    0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        super().__init__(**parent_arguments(_RateDecay, locals()))

    def __call__(self, step):
        rate, dtype, step = _float(self.initial_learning_rate, step)
        exponent = step / jnp.asarray(self.decay_steps, dtype)
        if self.staircase:
            exponent = jnp.floor(exponent)
        return rate * jnp.power(jnp.asarray(self.decay_rate, dtype), exponent)


class PiecewiseConstantDecay(LearningRateSchedule):
    """`values[i]` while `boundaries[i-1] < step <= boundaries[i]`.

    Example:

    >>> schedule = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    >>> [round(float(schedule(s)), 6) for s in (10, 11, 21)]
    [1.0, 0.5, 0.1]
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "The length of boundaries should be 1 less than the length of "
                f"values. Received: boundaries={boundaries} of length "
                f"{len(boundaries)}, and values={values} "
                f"of length {len(values)}."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = jnp.asarray(step)
        values = [jnp.asarray(v) for v in self.values]
        dtype = values[0].dtype
        bounds = [jnp.asarray(b).astype(step.dtype) for b in self.boundaries]
        result = (step <= bounds[0]).astype(dtype) * values[0]
        result = result + (step > bounds[-1]).astype(dtype) * values[-1]
        for low, high, value in zip(
            bounds[:-1], bounds[1:], values[1:-1], strict=True
        ):
            inside = ((step > low) & (step <= high)).astype(dtype)
            result = result + inside * value
        return result

    def get_config(self) -> dict:
        return {
            "boundaries": self.boundaries,
            "values": self.values,
            "name": self.name,
        }


class PolynomialDecay(LearningRateSchedule):
    """Decays from `initial_learning_rate` to `end_learning_rate` along
    `(1 - step / decay_steps) ** power`; with `cycle=True` the horizon
    restarts at multiples of `decay_steps`.

    Example:

    >>> schedule = PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0)
    >>> float(schedule(5))
    0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        _check_numbers(
            self,
            initial_learning_rate=initial_learning_rate,
            decay_steps=decay_steps,
            end_learning_rate=end_learning_rate,
            power=power,
        )
        _check_steps(decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        rate, dtype, step = _float(self.initial_learning_rate, step)
        end = jnp.asarray(self.end_learning_rate, dtype)
        horizon = jnp.asarray(self.decay_steps, dtype)
        if self.cycle:
            multiplier = jnp.where(
                step == 0, 1.0, jnp.ceil(step / self.decay_steps)
            ).astype(dtype)
            horizon = horizon * multiplier
        else:
            step = jnp.minimum(step, horizon)
        fraction = step / horizon
        power = jnp.asarray(self.power, dtype)
        return (rate - end) * jnp.power(1 - fraction, power) + end

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class InverseTimeDecay(_RateDecay):
    """`initial_learning_rate / (1 + decay_rate * step / decay_steps)`.

    Example:

    >>> schedule = InverseTimeDecay(1.0, decay_steps=1, decay_rate=1.0)
    >>> float(schedule(1))
    0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        super().__init__(**parent_arguments(_RateDecay, locals()))

    def __call__(self, step):
        rate, dtype, step = _float(self.initial_learning_rate, step)
        fraction = step / jnp.asarray(self.decay_steps, dtype)
        if self.staircase:
            fraction = jnp.floor(fraction)
        decay_rate = jnp.asarray(self.decay_rate, dtype)
        return rate / (jnp.asarray(1, dtype) + decay_rate * fraction)
