"""Cropping1D: crops the time axis of a sequence."""

from typing import Any

from ember.layers.reshaping.base_cropping import BaseCropping


class Cropping1D(BaseCropping):
    """Crops the time axis of a sequence.

    Args:
        cropping: an int (the same at both ends) or a pair `(start, end)`: the
            number of steps removed from each end of the time axis.

    Input shape:
        `(batch_size, axis_to_crop, features)`

    Output shape:
        `(batch_size, cropped_axis, features)`

    Example:

    >>> x = np.ones((2, 5, 3), "float32")
    >>> ember.layers.Cropping1D((1, 1))(x).shape
    (2, 3, 3)
    """

    def __init__(
        self,
        cropping: Any = (1, 1),
        **kwargs,
    ):
        super().__init__(cropping, 1, data_format="channels_last", **kwargs)
