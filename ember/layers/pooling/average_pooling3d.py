"""AveragePooling3D: average pooling over depth, height and width."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.pooling.base_pooling import BasePooling


class AveragePooling3D(BasePooling):
    """Average pooling over depth, height and width.

    Slides a window of `pool_size` by `strides` over the spatial axes and
    keeps the mean of each window, per channel.

    Args:
        pool_size: the window size: an int or a tuple of 3 ints.
        strides: the window's step: an int or a tuple of 3 ints; None means
            `pool_size`.
        padding: `"valid"` (no padding) or `"same"` (pad so that the output
            size is `ceil(input_size / strides)`). Case-insensitive.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `"channels_last"`: `(batch_size, depth, height, width, channels)`
        `"channels_first"`: `(batch_size, channels, depth, height, width)`

    Output shape:
        `"channels_last"`:
            `(batch_size, new_depth, new_height, new_width, channels)`
        `"channels_first"`:
            `(batch_size, channels, new_depth, new_height, new_width)`

    Example:

    >>> layer = ember.layers.AveragePooling3D(2)
    >>> layer(np.ones((2, 4, 4, 4, 3))).shape
    (2, 2, 2, 2, 3)
    """

    def __init__(
        self,
        pool_size: Any,
        strides: Any = None,
        padding: str = "valid",
        data_format: str | None = None,
        name: str | None = None,
        **kwargs,
    ):
        super().__init__(
            **parent_arguments(
                BasePooling, locals(), pool_dimensions=3, pool_mode="average"
            )
        )
