"""ActivityRegularization: adds an L1/L2 penalty on its input to the loss."""

from ember import regularizers
from ember.layers.layer import Layer


class ActivityRegularization(Layer):
    """Returns its input and adds `l1 * sum|x| + l2 * sum(x**2)` as a loss.

    The penalty is divided by the batch size, as for every layer's
    `activity_regularizer`, and collected in `layer.losses` (and so in the
    training loss).

    Args:
        l1: the L1 factor, a non-negative float.
        l2: the L2 factor, a non-negative float.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.ActivityRegularization(l2=0.01)
    >>> _ = layer(np.ones((2, 3)))
    >>> round(float(layer.losses[0]), 6)
    0.03
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs):
        super().__init__(
            activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs
        )
        self.l1 = l1
        self.l2 = l2
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config, `l1` and `l2`."""
        config = super().get_config()
        config.pop("activity_regularizer", None)
        config.update({"l1": self.l1, "l2": self.l2})
        return config
