"""LeakyReLU: `x` for positive inputs, `negative_slope * x` otherwise."""

import warnings

from ember import activations
from ember.layers.layer import Layer


class LeakyReLU(Layer):
    """Leaky rectified linear unit: `x` if `x >= 0`, else `negative_slope * x`.

    Args:
        negative_slope: the slope for negative inputs, a non-negative float.
            The Keras 2 name `alpha` is accepted with a warning.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.LeakyReLU(negative_slope=0.5)
    >>> np.asarray(layer(np.array([-2.0, 3.0])))
    array([-1.,  3.], dtype=float32)
    """

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
            warnings.warn(
                "LeakyReLU: argument `alpha` is deprecated. Use "
                "`negative_slope` instead.",
                stacklevel=2,
            )
        if negative_slope is None or negative_slope < 0:
            raise ValueError(
                "The negative_slope value of a Leaky ReLU layer cannot be "
                "None or a negative value. Expected a float. Received: "
                f"negative_slope={negative_slope!r}"
            )
        super().__init__(**kwargs)
        self.negative_slope = negative_slope
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.leaky_relu(
            inputs, negative_slope=self.negative_slope
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config and `negative_slope`."""
        config = super().get_config()
        config["negative_slope"] = self.negative_slope
        return config
