"""Adamax: Adam with an infinity-norm second moment."""

import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.optimizers.optimizer import Optimizer


class Adamax(Optimizer):
    """Adamax: `m` is Adam's first moment, `u = max(beta_2 * u, |g|)`, and
    `w -= lr * m / ((1 - beta_1**t) * (u + epsilon))`.

    Args:
        learning_rate: a float, schedule or callable. Defaults to 0.001.
        beta_1: decay rate of the first moment.
        beta_2: decay rate of the infinity norm.
        epsilon: small constant for numerical stability.
        **kwargs: the `Optimizer` base arguments.

    Example:

    >>> opt = Adamax(learning_rate=0.002)
    """

    _config_keys = ("beta_1", "beta_2", "epsilon")

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def _slot_spec(self):
        return [[("momentum", 0.0), ("norm", 0.0)]]

    def _update_one(self, grad, param, slots, lr, step, extras):
        dtype = param.dtype
        t = jnp.asarray(step).astype(dtype)
        beta_1_power = jnp.power(jnp.asarray(self.beta_1, dtype), t)
        m = slots["momentum"]
        m = m + (grad - m) * (1 - self.beta_1)
        u = jnp.maximum(self.beta_2 * slots["norm"], jnp.abs(grad))
        update = (lr * m) / ((1 - beta_1_power) * (u + self.epsilon))
        return -update, {"momentum": m, "norm": u}
