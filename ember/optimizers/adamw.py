"""AdamW: Adam with decoupled weight decay."""

from ember.core.arguments import parent_arguments
from ember.optimizers.adam import Adam


class AdamW(Adam):
    """Adam with decoupled weight decay (`w -= w * weight_decay * lr` before
    each Adam step).

    Args:
        learning_rate: a float, schedule or callable. Defaults to 0.001.
        weight_decay: the decay rate; required. Defaults to 0.004.
        beta_1, beta_2, epsilon, amsgrad: as in `Adam`.
        **kwargs: the `Optimizer` base arguments.

    Example:

    >>> opt = AdamW(learning_rate=1e-3, weight_decay=0.01)
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=0.004,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
        super().__init__(**parent_arguments(Adam, locals()))
        if self.weight_decay is None:
            raise ValueError(
                "Argument `weight_decay` must be a float. Received: "
                "weight_decay=None"
            )
