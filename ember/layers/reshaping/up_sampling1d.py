"""UpSampling1D: repeats each step of a sequence."""

from ember.layers._windows import is_positive_int
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.reshaping.base_up_sampling import repeat_axes


class UpSampling1D(Layer):
    """Repeats each step of a sequence `size` times along the time axis.

    Args:
        size: the number of repetitions, a positive int.

    Input shape:
        `(batch_size, steps, features)`.

    Output shape:
        `(batch_size, steps * size, features)`.

    Example:

    >>> x = np.arange(6, dtype="float32").reshape(1, 3, 2)
    >>> ember.layers.UpSampling1D(size=2)(x).shape
    (1, 6, 2)
    """

    def __init__(self, size: int = 2, **kwargs):
        if not is_positive_int(size):
            raise ValueError(
                "Argument `size` of UpSampling1D must be a positive integer. "
                f"Received: size={size!r}"
            )
        super().__init__(**kwargs)
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)
        self.built = True

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """`(batch_size, steps * size, features)`."""
        steps = input_shape[1]
        return (
            input_shape[0],
            None if steps is None else steps * self.size,
            input_shape[2],
        )

    def call(self, inputs):
        return repeat_axes(inputs, (1,), (self.size,))

    def get_config(self) -> dict:
        """Returns the base config and `size`."""
        config = super().get_config()
        config["size"] = self.size
        return config
