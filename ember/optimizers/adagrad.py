"""Adagrad: per-coordinate rates from accumulated squared gradients."""

import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.optimizers.optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad: `acc += g**2`, `w -= lr * g / sqrt(acc + epsilon)`.

    Args:
        learning_rate: a float, schedule or callable. Defaults to 0.001.
        initial_accumulator_value: starting value of the accumulators.
        epsilon: small constant for numerical stability.
        **kwargs: the `Optimizer` base arguments.

    Example:

    >>> opt = Adagrad(learning_rate=0.01)
    """

    _config_keys = ("initial_accumulator_value", "epsilon")

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        super().__init__(**parent_arguments(Optimizer, locals()))
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _slot_spec(self):
        return [[("accumulator", self.initial_accumulator_value)]]

    def _update_one(self, grad, param, slots, lr, step, extras):
        accumulator = slots["accumulator"] + jnp.square(grad)
        update = (lr * grad) / jnp.sqrt(accumulator + self.epsilon)
        return -update, {"accumulator": accumulator}
