"""Permute: reorders the axes of each sample."""

from typing import Any

import jax.numpy as jnp

from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


class Permute(Layer):
    """Reorders the axes of each sample; the batch axis stays first.

    Args:
        dims: a permutation of `1, ..., rank - 1` (the batch axis is 0 and
            is not named): `(2, 1)` swaps the first two axes of a sample.

    Input shape:
        `(batch_size, *sample_shape)` with `len(dims)` sample axes.

    Output shape:
        `(batch_size, *(sample_shape[d - 1] for d in dims))`.

    Example:

    >>> x = ember.Input(shape=(10, 64))
    >>> ember.layers.Permute((2, 1))(x).shape
    (None, 64, 10)
    """

    def __init__(self, dims: Any, **kwargs):
        try:
            dims = tuple(dims)
        except TypeError:
            dims = None
        if dims is None or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError(
                "Argument `dims` of Permute must be a permutation of "
                "1, ..., n (the batch axis 0 is not included). "
                f"Received: dims={dims!r}"
            )
        super().__init__(**kwargs)
        self.dims = dims
        self.input_spec = InputSpec(ndim=len(dims) + 1)
        self.built = True

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape with its sample axes in `dims` order."""
        return (input_shape[0], *(input_shape[d] for d in self.dims))

    def call(self, inputs):
        return jnp.transpose(inputs, (0, *self.dims))

    def get_config(self) -> dict:
        """Returns the base config and `dims`."""
        config = super().get_config()
        config["dims"] = self.dims
        return config
