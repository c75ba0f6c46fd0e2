"""ELU: the exponential linear unit as a layer."""

from ember import activations
from ember.layers.layer import Layer


class ELU(Layer):
    """Exponential linear unit: `x` if `x > 0`, else `alpha * (exp(x) - 1)`.

    Args:
        alpha: the scale of the negative part; the output tends to `-alpha`
            for large negative inputs.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.ELU(alpha=2.0)
    >>> layer(np.array([-1.0, 1.0])).shape
    (2,)
    """

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.elu(inputs, alpha=self.alpha)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config and `alpha`."""
        config = super().get_config()
        config["alpha"] = self.alpha
        return config
