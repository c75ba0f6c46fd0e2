"""Cropping3D: crops three spatial axes of a volume."""

from typing import Any

from ember.layers.reshaping.base_cropping import BaseCropping


class Cropping3D(BaseCropping):
    """Crops three spatial axes of a volume.

    Args:
        cropping: an int (the same on all sides), three ints (symmetric
            per axis), or three pairs `((left, right), ...)` for the three
            spatial axes in order.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch_size, dim1, dim2, dim3, channels)` with `"channels_last"`,
        `(batch_size, channels, dim1, dim2, dim3)` with
        `"channels_first"`.

    Output shape:
        The same layout with the cropped spatial sizes.

    Example:

    >>> x = np.ones((2, 4, 5, 6, 1), "float32")
    >>> ember.layers.Cropping3D(1)(x).shape
    (2, 2, 3, 4, 1)
    """

    def __init__(
        self,
        cropping: Any = ((1, 1), (1, 1), (1, 1)),
        data_format: str | None = None,
        **kwargs,
    ):
        super().__init__(cropping, 3, data_format=data_format, **kwargs)
