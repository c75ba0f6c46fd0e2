"""BaseZeroPadding: pads the spatial axes of 1 to 3 dimensional inputs."""

from typing import Any

import jax.numpy as jnp

from ember.core.config import standardize_data_format
from ember.layers._windows import spatial_axes
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.reshaping._pairs import standardize_pairs


class BaseZeroPadding(Layer):
    """Adds `(before, after)` zeros at the ends of each spatial axis.

    Use `ZeroPadding1D`, `ZeroPadding2D` or `ZeroPadding3D`.

    Args:
        padding: an int, `rank` ints or `rank` pairs of ints.
        rank: the number of spatial axes (1, 2 or 3).
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
    """

    def __init__(
        self,
        padding: Any,
        rank: int,
        data_format: str | None = None,
        **kwargs,
    ):
        padding = standardize_pairs(padding, rank, "padding")
        super().__init__(**kwargs)
        self.rank = rank
        self.padding = padding[0] if rank == 1 else padding
        self._pairs = padding
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)
        self.built = True

    def _widths(self, rank: int) -> list[tuple[int, int]]:
        widths = [(0, 0)] * rank
        for axis, pair in zip(
            spatial_axes(rank, self.data_format), self._pairs, strict=True
        ):
            widths[axis] = pair
        return widths

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape with the padding added to each spatial axis."""
        return tuple(
            None if d is None else d + before + after
            for d, (before, after) in zip(
                input_shape, self._widths(len(input_shape)), strict=True
            )
        )

    def call(self, inputs):
        return jnp.pad(inputs, self._widths(inputs.ndim))

    def get_config(self) -> dict:
        """Returns the base config, `padding` and `data_format`."""
        config = super().get_config()
        config.update(
            {"padding": self.padding, "data_format": self.data_format}
        )
        return config
