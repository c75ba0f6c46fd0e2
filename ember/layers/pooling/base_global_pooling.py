"""BaseGlobalPooling: max or mean over all spatial axes at once."""

import jax.numpy as jnp

from ember.core.config import standardize_data_format
from ember.layers._windows import spatial_axes
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


class BaseGlobalPooling(Layer):
    """Reduces every spatial axis with the max or the mean, per channel.

    Use `GlobalMaxPooling1D/2D/3D` or `GlobalAveragePooling1D/2D/3D`.

    Args:
        pool_dimensions: the number of spatial axes (1, 2 or 3).
        pool_mode: `"max"` or `"average"`.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        keepdims: whether to keep the spatial axes, with size 1.
    """

    def __init__(
        self,
        pool_dimensions: int,
        pool_mode: str,
        data_format: str | None = None,
        keepdims: bool = False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.pool_dimensions = pool_dimensions
        self.pool_mode = pool_mode
        self.data_format = standardize_data_format(data_format)
        self.keepdims = keepdims
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        reduce = jnp.max if self.pool_mode == "max" else jnp.mean
        axes = spatial_axes(self.pool_dimensions + 2, self.data_format)
        return reduce(inputs, axis=axes, keepdims=self.keepdims)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """`(batch, channels)`, or size-1 spatial axes with `keepdims`."""
        axes = spatial_axes(self.pool_dimensions + 2, self.data_format)
        return tuple(
            1 if i in axes else d
            for i, d in enumerate(input_shape)
            if self.keepdims or i not in axes
        )

    def get_config(self) -> dict:
        """Returns the base config, `data_format` and `keepdims`."""
        config = super().get_config()
        config.update(
            {"data_format": self.data_format, "keepdims": self.keepdims}
        )
        return config
