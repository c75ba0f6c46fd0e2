"""BaseUpSampling: repeats the cells of 2 or 3 spatial axes."""

from typing import Any

import jax.numpy as jnp

from ember.core.config import standardize_data_format
from ember.layers._windows import spatial_axes
from ember.layers._windows import standardize_tuple
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


def repeat_axes(inputs, axes: tuple[int, ...], sizes: tuple[int, ...]):
    """Repeats each cell of `inputs` `sizes[i]` times along `axes[i]`."""
    for axis, size in zip(axes, sizes, strict=True):
        if size != 1:
            inputs = jnp.repeat(inputs, size, axis=axis)
    return inputs


class BaseUpSampling(Layer):
    """Repeats each cell `size[i]` times along spatial axis `i`.

    Use `UpSampling2D` or `UpSampling3D`.

    Args:
        size: an int or `rank` positive ints, the factor per spatial axis.
        rank: the number of spatial axes.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
    """

    def __init__(
        self,
        size: Any,
        rank: int,
        data_format: str | None = None,
        **kwargs,
    ):
        size = standardize_tuple(size, rank, "size")
        super().__init__(**kwargs)
        self.rank = rank
        self.size = size
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape with each spatial size times its factor."""
        shape = list(input_shape)
        axes = spatial_axes(len(shape), self.data_format)
        for axis, size in zip(axes, self.size, strict=True):
            shape[axis] = None if shape[axis] is None else shape[axis] * size
        return tuple(shape)

    def call(self, inputs):
        axes = spatial_axes(inputs.ndim, self.data_format)
        return repeat_axes(inputs, axes, self.size)

    def get_config(self) -> dict:
        """Returns the base config, `size` and `data_format`."""
        config = super().get_config()
        config.update({"size": self.size, "data_format": self.data_format})
        return config
