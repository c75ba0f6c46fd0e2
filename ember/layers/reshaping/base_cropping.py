"""BaseCropping: crops the spatial axes of 1 to 3 dimensional inputs."""

from typing import Any

from ember.core.config import standardize_data_format
from ember.layers._windows import spatial_axes
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.reshaping._pairs import standardize_pairs


class BaseCropping(Layer):
    """Removes `(before, after)` cells from the ends of each spatial axis.

    Use `Cropping1D`, `Cropping2D` or `Cropping3D`.

    Args:
        cropping: an int, `rank` ints or `rank` pairs of ints.
        rank: the number of spatial axes (1, 2 or 3).
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
    """

    def __init__(
        self,
        cropping: Any,
        rank: int,
        data_format: str | None = None,
        **kwargs,
    ):
        cropping = standardize_pairs(cropping, rank, "cropping")
        super().__init__(**kwargs)
        self.rank = rank
        self.cropping = cropping[0] if rank == 1 else cropping
        self._pairs = cropping
        self.data_format = standardize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape: tuple) -> None:
        """Checks that the cropping leaves something of `input_shape`."""
        self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape less the cropped cells; raises if none is left."""
        shape = list(input_shape)
        for axis, (before, after) in zip(
            spatial_axes(len(shape), self.data_format), self._pairs, strict=True
        ):
            if shape[axis] is None:
                continue
            if before + after >= shape[axis]:
                raise ValueError(
                    f'{type(self).__name__} "{self.name}": cropping='
                    f"{self.cropping} leaves nothing of an input of shape "
                    f"{tuple(input_shape)}; each axis' cropping must be "
                    "smaller than its size."
                )
            shape[axis] -= before + after
        return tuple(shape)

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        index = [slice(None)] * inputs.ndim
        for axis, (before, after) in zip(
            spatial_axes(inputs.ndim, self.data_format),
            self._pairs,
            strict=True,
        ):
            index[axis] = slice(before, inputs.shape[axis] - after)
        return inputs[tuple(index)]

    def get_config(self) -> dict:
        """Returns the base config, `cropping` and `data_format`."""
        config = super().get_config()
        config["cropping"] = self.cropping
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config
