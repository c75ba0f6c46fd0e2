"""BasePooling: max or average pooling over 1 to 3 spatial dimensions."""

from typing import Any

from ember import ops
from ember.core.config import standardize_data_format
from ember.layers._windows import spatial_of
from ember.layers._windows import spatial_output_size
from ember.layers._windows import standardize_tuple
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


class BasePooling(Layer):
    """Slides a window over the spatial axes, keeping its max or mean.

    Use `MaxPooling1D/2D/3D` or `AveragePooling1D/2D/3D`, which fix
    `pool_dimensions` and `pool_mode`.

    Args:
        pool_size: the window size: an int or a tuple of `pool_dimensions`
            ints.
        strides: the window's step, same form; None means `pool_size`.
        pool_dimensions: the number of spatial dimensions (1, 2 or 3).
        pool_mode: `"max"` or `"average"`.
        padding: `"valid"` (no padding) or `"same"` (pad so that the output
            size is `ceil(input_size / strides)`; padded cells are ignored,
            also by the average). Case-insensitive.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch_size, *spatial_dims, channels)` with `"channels_last"`,
        `(batch_size, channels, *spatial_dims)` with `"channels_first"`.

    Output shape:
        The same layout with each spatial size `n` replaced by
        `(n - pool_size) // strides + 1` (`"valid"`) or
        `(n - 1) // strides + 1` (`"same"`).
    """

    def __init__(
        self,
        pool_size: Any,
        strides: Any,
        pool_dimensions: int,
        pool_mode: str = "max",
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs,
    ):
        pool_size = standardize_tuple(pool_size, pool_dimensions, "pool_size")
        strides = pool_size if strides is None else strides
        strides = standardize_tuple(strides, pool_dimensions, "strides")
        if pool_mode not in ("max", "average"):
            raise ValueError(
                "`pool_mode` must be 'max' or 'average'. "
                f"Received: pool_mode={pool_mode!r}"
            )
        if not isinstance(padding, str) or padding.lower() not in (
            "valid",
            "same",
        ):
            raise ValueError(
                "The `padding` argument must be 'valid' or 'same'. "
                f"Received: padding={padding!r}"
            )
        super().__init__(name=name, **kwargs)
        self.pool_size = pool_size
        self.strides = strides
        self.pool_dimensions = pool_dimensions
        self.pool_mode = pool_mode
        self.padding = padding
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=pool_dimensions + 2)
        self.built = True

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        pool = ops.max_pool if self.pool_mode == "max" else ops.average_pool
        return pool(
            inputs,
            pool_size=self.pool_size,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape; raises if a spatial size would be below 1."""
        input_shape = tuple(input_shape)
        spatial = spatial_of(input_shape, self.data_format)
        padding = self.padding.lower()
        sizes = tuple(
            spatial_output_size(size, k, s, 1, padding)
            for size, k, s in zip(
                spatial, self.pool_size, self.strides, strict=True
            )
        )
        if any(size is not None and size <= 0 for size in sizes):
            raise ValueError(
                f'{type(self).__name__} "{self.name}": input shape '
                f"{input_shape} is smaller than pool_size={self.pool_size}; "
                f"the output would have spatial size {sizes}."
            )
        if self.data_format == "channels_last":
            return (input_shape[0], *sizes, input_shape[-1])
        return (input_shape[0], input_shape[1], *sizes)

    def get_config(self) -> dict:
        """Returns the constructor arguments, as Keras writes them."""
        config = super().get_config()
        config.update(
            {
                "pool_size": self.pool_size,
                "padding": self.padding,
                "strides": self.strides,
                "data_format": self.data_format,
            }
        )
        return config
