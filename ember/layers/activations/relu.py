"""ReLU: the rectified linear unit as a layer, with its variants."""

from ember import activations
from ember.layers.layer import Layer


class ReLU(Layer):
    """The rectified linear unit, `max(x, 0)` by default.

    With its arguments: `max_value` if `x >= max_value`, `x` if
    `threshold <= x < max_value`, else `negative_slope * (x - threshold)`.

    Args:
        max_value: the largest output (a non-negative float), or None.
        negative_slope: the slope below the threshold, non-negative.
        threshold: the value from which inputs pass through, non-negative.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.ReLU(max_value=1.0)
    >>> np.asarray(layer(np.array([-1.0, 0.5, 2.0])))
    array([0. , 0.5, 1. ], dtype=float32)
    """

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs,
    ):
        if max_value is not None and max_value < 0.0:
            raise ValueError(
                "max_value of a ReLU layer cannot be a negative value. "
                f"Received: max_value={max_value!r}"
            )
        for arg, value in (
            ("negative_slope", negative_slope),
            ("threshold", threshold),
        ):
            if value is None or value < 0.0:
                raise ValueError(
                    f"{arg} of a ReLU layer cannot be None or a negative "
                    f"value. Received: {arg}={value!r}"
                )
        super().__init__(**kwargs)
        self.max_value = max_value
        self.negative_slope = negative_slope
        self.threshold = threshold
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        return activations.relu(
            inputs,
            negative_slope=self.negative_slope,
            max_value=self.max_value,
            threshold=self.threshold,
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config and the three arguments."""
        config = super().get_config()
        config.update(
            {
                "max_value": self.max_value,
                "negative_slope": self.negative_slope,
                "threshold": self.threshold,
            }
        )
        return config
