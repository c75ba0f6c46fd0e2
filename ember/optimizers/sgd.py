"""Stochastic gradient descent, with optional (Nesterov) momentum."""

import optax

from ember.core.arguments import parent_arguments
from ember.optimizers.optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent with optional momentum.

    Without momentum: `w -= learning_rate * g`. With momentum the velocity
    is `v = momentum * v - learning_rate * g` and `w += v` (Nesterov:
    `w += momentum * v - learning_rate * g`), as in Keras.

    Args:
        learning_rate: a float, schedule or callable. Defaults to 0.01.
        momentum: a float in [0, 1].
        nesterov: whether to use Nesterov momentum.
        **kwargs: the `Optimizer` base arguments.

    Example:

    >>> opt = SGD(learning_rate=0.1, momentum=0.9)
    """

    _config_keys = ("momentum", "nesterov")

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
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
        if not isinstance(momentum, float) or not 0 <= momentum <= 1:
            raise ValueError("`momentum` must be a float between [0, 1].")
        self.momentum = momentum
        self.nesterov = nesterov

    def _slot_spec(self):
        return [[("momentum", 0.0)]] if self.momentum != 0 else []

    def _update_one(self, grad, param, slots, lr, step, extras):
        if self.momentum == 0:
            # optax's `-lr * g` is Keras' `-(g * lr)`, bit for bit.
            step_down = optax.scale_by_learning_rate(lr)
            update, _ = step_down.update(grad, optax.EmptyState())
            return update, slots
        # Keras' velocity holds `-lr * g` terms; optax's `trace` holds `g`
        # terms and scales afterwards, which rounds differently.
        mu = self.momentum
        m = slots["momentum"] * mu - grad * lr
        update = m * mu - grad * lr if self.nesterov else m
        return update, {"momentum": m}
