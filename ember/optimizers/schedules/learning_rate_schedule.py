"""Learning rate schedules: pure, jit-able functions of the step number."""

import math

import jax
import jax.numpy as jnp

from ember.core import registry
from ember.core.lookup import unknown_identifier_error

_MODULE = "keras.optimizers.schedules"


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


def _check_steps(decay_steps) -> None:
    if decay_steps <= 0:
        raise ValueError(
            f"Argument `decay_steps` must be > 0. Received: "
            f"decay_steps={decay_steps}"
        )


class ExponentialDecay(LearningRateSchedule):
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
        _check_steps(decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        rate, dtype, step = _float(self.initial_learning_rate, step)
        exponent = step / jnp.asarray(self.decay_steps, dtype)
        if self.staircase:
            exponent = jnp.floor(exponent)
        return rate * jnp.power(jnp.asarray(self.decay_rate, dtype), exponent)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


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


class InverseTimeDecay(LearningRateSchedule):
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
        _check_steps(decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        rate, dtype, step = _float(self.initial_learning_rate, step)
        fraction = step / jnp.asarray(self.decay_steps, dtype)
        if self.staircase:
            fraction = jnp.floor(fraction)
        decay_rate = jnp.asarray(self.decay_rate, dtype)
        return rate / (jnp.asarray(1, dtype) + decay_rate * fraction)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay from the start (or warmup target) rate to
    `alpha` times it over `decay_steps`, after an optional linear warmup of
    `warmup_steps` from `initial_learning_rate` to `warmup_target`.

    Example:

    >>> schedule = CosineDecay(1.0, decay_steps=10)
    >>> round(float(schedule(5)), 6)
    0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        _check_steps(decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step, decay_steps, start, dtype):
        fraction = step / decay_steps
        cosine = 0.5 * (1.0 + jnp.cos(jnp.asarray(math.pi, dtype) * fraction))
        return start * ((1 - self.alpha) * cosine + self.alpha)

    def __call__(self, step):
        rate, dtype, step = _float(self.initial_learning_rate, step)
        decay_steps = jnp.asarray(self.decay_steps, dtype)
        if self.warmup_target is None:
            step = jnp.minimum(step, decay_steps)
            return self._decay(step, decay_steps, rate, dtype)
        target = jnp.asarray(self.warmup_target, dtype)
        warmup_steps = jnp.asarray(self.warmup_steps, dtype)
        step = jnp.minimum(step, decay_steps + warmup_steps)

        def warmup():
            return (target - rate) * (step / warmup_steps) + rate

        def decay():
            return self._decay(step - warmup_steps, decay_steps, target, dtype)

        return jax.lax.cond(step < warmup_steps, warmup, decay)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR, Loshchilov & Hutter 2016).

    The multiplier decays from 1 to `alpha` over `first_decay_steps`, then
    restarts; each period lasts `t_mul` times longer than the one before
    and starts from `m_mul` times its rate.

    Example:

    >>> schedule = CosineDecayRestarts(1.0, first_decay_steps=10)
    >>> [round(float(schedule(s)), 4) for s in (0, 5, 10, 20)]
    [1.0, 0.5, 1.0, 0.5]
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        if first_decay_steps <= 0:
            raise ValueError(
                "Argument `first_decay_steps` must be > 0. "
                f"Received: first_decay_steps={first_decay_steps}"
            )
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self.t_mul = t_mul
        self.m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        rate, dtype, step = _float(self.initial_learning_rate, step)
        fraction = step / jnp.asarray(self.first_decay_steps, dtype)
        t_mul = jnp.asarray(self.t_mul, dtype)
        if self.t_mul == 1.0:
            restart = jnp.floor(fraction)
            fraction = fraction - restart
        else:
            # Periods 1, t, t**2...: the restart index solves a geometric sum.
            restart = jnp.floor(
                jnp.log(1.0 - fraction * (1.0 - t_mul)) / jnp.log(t_mul)
            )
            done = (1.0 - t_mul**restart) / (1.0 - t_mul)
            fraction = (fraction - done) / t_mul**restart
        scale = jnp.asarray(self.m_mul, dtype) ** restart
        cosine = 0.5 * scale * (1.0 + jnp.cos(math.pi * fraction))
        alpha = jnp.asarray(self.alpha, dtype)
        return rate * ((1 - alpha) * cosine + alpha)

    def get_config(self) -> dict:
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self.t_mul,
            "m_mul": self.m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


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
