"""Adadelta: unit-corrected adaptive rates."""

import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.optimizers.optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta (Zeiler, 2012): the step is
    `-rms(delta_acc) / rms(grad_acc) * g`, scaled by the learning rate, with
    `rms(x) = sqrt(x + epsilon)` and both accumulators decayed by `rho`.

    Args:
        learning_rate: a float, schedule or callable. Defaults to 0.001.
        rho: decay rate of the accumulators.
        epsilon: small constant for numerical stability.
        **kwargs: the `Optimizer` base arguments.

    Example:

    >>> opt = Adadelta(learning_rate=1.0)
    """

    _config_keys = ("rho", "epsilon")

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def _slot_spec(self):
        return [[("accumulated_grad", 0.0), ("accumulated_delta_var", 0.0)]]

    def _update_one(self, grad, param, slots, lr, step, extras):
        # Keras' `(rms(delta) * g) / rms(grad)`; optax's `scale_by_adadelta`
        # computes `(rms(delta) / rms(grad)) * g`, a different rounding on
        # about a third of the entries.
        rho = self.rho
        grad_acc = rho * slots["accumulated_grad"] + (1 - rho) * jnp.square(
            grad
        )
        delta_acc = slots["accumulated_delta_var"]
        delta = -(
            (jnp.sqrt(delta_acc + self.epsilon) * grad)
            / jnp.sqrt(grad_acc + self.epsilon)
        )
        delta_acc = rho * delta_acc + (1 - rho) * jnp.square(delta)
        new = {"accumulated_grad": grad_acc, "accumulated_delta_var": delta_acc}
        return lr * delta, new
