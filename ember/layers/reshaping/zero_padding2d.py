"""ZeroPadding2D: pads with zeros the height and width of an image."""

from typing import Any

from ember.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding2D(BaseZeroPadding):
    """Pads with zeros the height and width of an image.

    Args:
        padding: an int (the same on all sides), a pair of ints
            `(symmetric_height_pad, symmetric_width_pad)`, or a pair of
            pairs `((top, bottom), (left, right))`.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch_size, height, width, channels)` with `"channels_last"`,
        `(batch_size, channels, height, width)` with `"channels_first"`.

    Output shape:
        The same layout with the padded height and width.

    Example:

    >>> x = np.ones((2, 3, 3, 1), "float32")
    >>> ember.layers.ZeroPadding2D((1, 2))(x).shape
    (2, 5, 7, 1)
    """

    def __init__(
        self,
        padding: Any = (1, 1),
        data_format: str | None = None,
        **kwargs,
    ):
        super().__init__(padding, 2, data_format=data_format, **kwargs)
