"""Lion: sign of an interpolated momentum."""

import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.optimizers.optimizer import Optimizer


class Lion(Optimizer):
    """Lion (Chen et al., 2023): `w -= lr * sign(beta_1 * m + (1 - beta_1) *
    g)`, then `m = beta_2 * m + (1 - beta_2) * g`.

    Args:
        learning_rate: a float, schedule or callable. Defaults to 0.001.
        beta_1: interpolation factor of the update direction, in (0, 1].
        beta_2: decay rate of the momentum.
        **kwargs: the `Optimizer` base arguments.

    Example:

    >>> opt = Lion(learning_rate=1e-4)
    """

    _config_keys = ("beta_1", "beta_2")

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.99,
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
        if beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "Argument `beta_1` must be in the [0, 1] range. Otherwise, the "
                f"optimizer degenerates to SignSGD. Received: beta_1={beta_1}."
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def _slot_spec(self):
        return [[("momentum", 0.0)]]

    def _update_one(self, grad, param, slots, lr, step, extras):
        dtype = param.dtype
        # Not optax's `scale_by_lion`: compiled, its momentum
        # `(1 - b2) * g + b2 * m` differs from Keras' `m * b2 + g * (1 - b2)`
        # (up to 5e-6 relative after 7 steps in float32).
        beta_1 = jnp.asarray(self.beta_1, dtype)
        beta_2 = jnp.asarray(self.beta_2, dtype)
        m = slots["momentum"]
        update = lr * jnp.sign(m * beta_1 + grad * (1.0 - beta_1))
        m = m * beta_2 + grad * (1.0 - beta_2)
        return -update, {"momentum": m}
