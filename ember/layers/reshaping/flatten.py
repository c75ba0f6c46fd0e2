"""Flatten: flattens each sample to one dimension."""

import math

import jax.numpy as jnp

from ember.core.config import standardize_data_format
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


class Flatten(Layer):
    """Flattens each sample to one dimension; the batch size is unchanged.

    An input of shape `(batch_size,)` becomes `(batch_size, 1)`.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`. With `"channels_first"`, the
            channel axis is moved last before flattening, so that the
            order of the features matches a `"channels_last"` model.

    Input shape:
        `(batch_size, ...)`, of rank at least 1.

    Output shape:
        `(batch_size, product_of_other_dims)`.

    Example:

    >>> x = ember.Input(shape=(10, 64))
    >>> ember.layers.Flatten()(x).shape
    (None, 640)
    """

    def __init__(self, data_format: str | None = None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        rank = inputs.ndim
        if self.data_format == "channels_first" and rank > 2:
            inputs = jnp.transpose(inputs, (0, *range(2, rank), 1))
        return jnp.reshape(inputs, (inputs.shape[0], -1))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """`(batch_size, product)`; None if any other dimension is."""
        rest = tuple(input_shape[1:])
        size = None if None in rest else math.prod(rest)
        return (input_shape[0], size)

    def get_config(self) -> dict:
        """Returns the base config and `data_format`."""
        config = super().get_config()
        config["data_format"] = self.data_format
        return config
