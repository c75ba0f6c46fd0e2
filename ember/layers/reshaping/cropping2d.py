"""Cropping2D: crops the height and width of an image."""

from typing import Any

from ember.layers.reshaping.base_cropping import BaseCropping


class Cropping2D(BaseCropping):
    """Crops the height and width of an image.

    Args:
        cropping: an int (the same on all sides), a pair of ints
            `(symmetric_height_crop, symmetric_width_crop)`, or a pair of
            pairs `((top, bottom), (left, right))`.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch_size, height, width, channels)` with `"channels_last"`,
        `(batch_size, channels, height, width)` with `"channels_first"`.

    Output shape:
        The same layout with the cropped height and width.

    Example:

    >>> x = np.ones((2, 28, 28, 3), "float32")
    >>> ember.layers.Cropping2D(((2, 2), (4, 4)))(x).shape
    (2, 24, 20, 3)
    """

    def __init__(
        self,
        cropping: Any = ((0, 0), (0, 0)),
        data_format: str | None = None,
        **kwargs,
    ):
        super().__init__(cropping, 2, data_format=data_format, **kwargs)
