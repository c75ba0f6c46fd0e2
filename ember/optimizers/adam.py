"""Adam: adaptive moment estimation."""

import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.optimizers.optimizer import Optimizer


class Adam(Optimizer):
    """Adam, with Keras' placement of epsilon and bias correction.

    The step is `w -= alpha * m / (sqrt(v) + epsilon)` with
    `alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)`: epsilon is added to
    the uncorrected `sqrt(v)`, which differs slightly from optax's `adam`.

    Args:
        learning_rate: a float, schedule or callable. Defaults to 0.001.
        beta_1: decay rate of the first moment.
        beta_2: decay rate of the second moment.
        epsilon: small constant for numerical stability.
        amsgrad: whether to use the maximum of past second moments.
        **kwargs: the `Optimizer` base arguments.

    Example:

    >>> opt = Adam(learning_rate=1e-3)
    """

    _config_keys = ("beta_1", "beta_2", "epsilon", "amsgrad")

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
        self.amsgrad = amsgrad

    def _slot_spec(self):
        groups = [[("momentum", 0.0), ("velocity", 0.0)]]
        if self.amsgrad:
            groups.append([("velocity_hat", 0.0)])
        return groups

    def _update_one(self, grad, param, slots, lr, step, extras):
        dtype = param.dtype
        t = jnp.asarray(step).astype(dtype)
        beta_1_power = jnp.power(jnp.asarray(self.beta_1, dtype), t)
        beta_2_power = jnp.power(jnp.asarray(self.beta_2, dtype), t)
        alpha = lr * jnp.sqrt(1 - beta_2_power) / (1 - beta_1_power)
        m = slots["momentum"]
        v = slots["velocity"]
        m = m + (grad - m) * (1 - self.beta_1)
        v = v + (jnp.square(grad) - v) * (1 - self.beta_2)
        new = {"momentum": m, "velocity": v}
        if self.amsgrad:
            v = jnp.maximum(slots["velocity_hat"], v)
            new["velocity_hat"] = v
        return -((m * alpha) / (jnp.sqrt(v) + self.epsilon)), new
