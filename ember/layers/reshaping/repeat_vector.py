"""RepeatVector: repeats a vector `n` times along a new axis."""

import jax.numpy as jnp

from ember.layers._windows import is_positive_int
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


class RepeatVector(Layer):
    """Repeats each input vector `n` times along a new axis 1.

    Args:
        n: the number of repetitions, a positive int.

    Input shape:
        `(batch_size, features)`.

    Output shape:
        `(batch_size, n, features)`.

    Example:

    >>> x = ember.Input(shape=(32,))
    >>> ember.layers.RepeatVector(3)(x).shape
    (None, 3, 32)
    """

    def __init__(self, n: int, **kwargs):
        if not isinstance(n, int) or isinstance(n, bool):
            raise TypeError(
                "Argument `n` of RepeatVector must be an int. "
                f"Received: n={n!r}"
            )
        if not is_positive_int(n):
            raise ValueError(
                "Argument `n` of RepeatVector must be a positive integer. "
                f"Received: n={n!r}"
            )
        super().__init__(**kwargs)
        self.n = int(n)
        self.input_spec = InputSpec(ndim=2)
        self.built = True

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """`(batch_size, n, features)`."""
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs):
        return jnp.repeat(jnp.expand_dims(inputs, 1), self.n, axis=1)

    def get_config(self) -> dict:
        """Returns the base config and `n`."""
        config = super().get_config()
        config["n"] = self.n
        return config
