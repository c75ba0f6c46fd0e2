"""RMSprop: gradients scaled by a moving root mean square."""

import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.optimizers.optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop as in Keras: `w -= lr * g / sqrt(v + epsilon)`.

    `v` is a moving average of squared gradients (minus the squared moving
    average of gradients when `centered`); epsilon sits inside the square
    root. With `momentum > 0` the increments accumulate in a momentum slot
    (`mom = momentum * mom + increment`, `w -= mom`).

    Args:
        learning_rate: a float, schedule or callable. Defaults to 0.001.
        rho: discount factor of the moving averages.
        momentum: momentum factor (0 disables it).
        epsilon: small constant for numerical stability.
        centered: whether to normalise by the estimated variance.
        **kwargs: the `Optimizer` base arguments.

    Example:

    >>> opt = RMSprop(learning_rate=1e-3, momentum=0.9)
    """

    _config_keys = ("rho", "momentum", "epsilon", "centered")

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
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
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def _slot_spec(self):
        groups = [[("velocity", 0.0)]]
        if self.momentum > 0:
            groups.append([("momentum", 0.0)])
        if self.centered:
            groups.append([("average_gradient", 0.0)])
        return groups

    def _update_one(self, grad, param, slots, lr, step, extras):
        rho = self.rho
        new = dict(slots)
        velocity = rho * slots["velocity"] + (1 - rho) * jnp.square(grad)
        new["velocity"] = velocity
        if self.centered:
            average = rho * slots["average_gradient"] + (1 - rho) * grad
            new["average_gradient"] = average
            denominator = velocity - jnp.square(average) + self.epsilon
        else:
            denominator = velocity + self.epsilon
        increment = (lr * grad) / jnp.sqrt(denominator)
        if self.momentum > 0:
            momentum = self.momentum * slots["momentum"] + increment
            new["momentum"] = momentum
            return -momentum, new
        return -increment, new
