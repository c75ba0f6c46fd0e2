"""ZeroPadding3D: pads with zeros three spatial axes of a volume."""

from typing import Any

from ember.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding3D(BaseZeroPadding):
    """Pads with zeros three spatial axes of a volume.

    Args:
        padding: an int (the same on all sides), three ints (symmetric
            per axis), or three pairs `((left, right), ...)` for the three
            spatial axes in order.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch_size, dim1, dim2, dim3, channels)` with `"channels_last"`,
        `(batch_size, channels, dim1, dim2, dim3)` with
        `"channels_first"`.

    Output shape:
        The same layout with the padded spatial sizes.

    Example:

    >>> x = np.ones((1, 2, 2, 2, 3), "float32")
    >>> ember.layers.ZeroPadding3D(1)(x).shape
    (1, 4, 4, 4, 3)
    """

    def __init__(
        self,
        padding: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs,
    ):
        super().__init__(padding, 3, data_format=data_format, **kwargs)
