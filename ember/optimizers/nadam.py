"""Nadam: Adam with Nesterov momentum."""

import jax.numpy as jnp

from ember.core import config
from ember.core.arguments import parent_arguments
from ember.optimizers.optimizer import Optimizer


class Nadam(Optimizer):
    """Nadam (Dozat, 2016) with Keras' momentum schedule
    `mu_t = beta_1 * (1 - 0.5 * 0.96**t)`; the running product of `mu_t`
    is an extra scalar variable (Keras names it `variable`).

    Args:
        learning_rate: a float, schedule or callable. Defaults to 0.001.
        beta_1: decay rate of the first moment.
        beta_2: decay rate of the second moment.
        epsilon: small constant for numerical stability.
        **kwargs: the `Optimizer` base arguments.

    Example:

    >>> opt = Nadam(learning_rate=1e-3)
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
        return [[("momentum", 0.0), ("velocity", 0.0)]]

    def _extra_spec(self, var_list):
        dtype = var_list[0].dtype if var_list else config.floatx()
        return [("u_product", "variable", 1.0, dtype)]

    def _update_extras(self, extras, step, dtype):
        u_dtype = extras["u_product"].dtype
        t = jnp.asarray(step).astype(u_dtype)
        factor = self.beta_1 * (1.0 - 0.5 * jnp.power(0.96, t))
        extras["u_product"] = extras["u_product"] * factor
        return extras

    def _update_one(self, grad, param, slots, lr, step, extras):
        dtype = param.dtype
        t = jnp.asarray(step).astype(dtype)
        decay = jnp.asarray(0.96, dtype)
        beta_1 = jnp.asarray(self.beta_1, dtype)
        beta_2 = jnp.asarray(self.beta_2, dtype)
        u_t = beta_1 * (1.0 - 0.5 * jnp.power(decay, t))
        u_next = beta_1 * (1.0 - 0.5 * jnp.power(decay, t + 1))
        u_product = extras["u_product"].astype(dtype)
        u_product_next = u_product * u_next
        beta_2_power = jnp.power(beta_2, t)
        m = slots["momentum"]
        v = slots["velocity"]
        m = m + (grad - m) * (1 - beta_1)
        v = v + (jnp.square(grad) - v) * (1 - beta_2)
        m_hat = (u_next * m) / (1 - u_product_next) + ((1 - u_t) * grad) / (
            1 - u_product
        )
        v_hat = v / (1 - beta_2_power)
        update = (m_hat * lr) / (jnp.sqrt(v_hat) + self.epsilon)
        return -update, {"momentum": m, "velocity": v}
