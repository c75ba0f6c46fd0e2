"""Cosine decay schedules: with warmup, and with warm restarts."""

import math

import jax
import jax.numpy as jnp

from ember.optimizers.schedules.learning_rate_schedule import (
    LearningRateSchedule,
)
from ember.optimizers.schedules.learning_rate_schedule import _check_numbers
from ember.optimizers.schedules.learning_rate_schedule import _check_steps
from ember.optimizers.schedules.learning_rate_schedule import _float


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
        _check_numbers(
            self,
            initial_learning_rate=initial_learning_rate,
            decay_steps=decay_steps,
            alpha=alpha,
            warmup_steps=warmup_steps,
        )
        if warmup_target is not None:
            _check_numbers(self, warmup_target=warmup_target)
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
        _check_numbers(
            self,
            initial_learning_rate=initial_learning_rate,
            first_decay_steps=first_decay_steps,
            t_mul=t_mul,
            m_mul=m_mul,
            alpha=alpha,
        )
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
