"""AveragePooling1D: average pooling over steps."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.pooling.base_pooling import BasePooling


class AveragePooling1D(BasePooling):
    """Average pooling over steps.

    Slides a window of `pool_size` by `strides` over the spatial axes and
    keeps the mean of each window, per channel.

    Args:
        pool_size: the window size: an int or a tuple of 1 int.
        strides: the window's step: an int or a tuple of 1 int; None means
            `pool_size`.
        padding: `"valid"` (no padding) or `"same"` (pad so that the output
            size is `ceil(input_size / strides)`). Case-insensitive.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `"channels_last"`: `(batch_size, steps, features)`
        `"channels_first"`: `(batch_size, features, steps)`

    Output shape:
        `"channels_last"`: `(batch_size, new_steps, features)`
        `"channels_first"`: `(batch_size, features, new_steps)`

    Example:

    >>> layer = ember.layers.AveragePooling1D(2)
    >>> layer(np.ones((2, 6, 3))).shape
    (2, 3, 3)
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
                BasePooling, locals(), pool_dimensions=1, pool_mode="average"
            )
        )
