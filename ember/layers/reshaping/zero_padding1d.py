"""ZeroPadding1D: pads with zeros the time axis of a sequence."""

from typing import Any

from ember.layers.reshaping.base_zero_padding import BaseZeroPadding


class ZeroPadding1D(BaseZeroPadding):
    """Pads with zeros the time axis of a sequence.

    Args:
        padding: an int (the same at both ends) or a pair `(start, end)`: the
            number of zeros added at each end of the padded axis.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch_size, axis_to_pad, features)` with `"channels_last"`,
        `(batch_size, features, axis_to_pad)` with `"channels_first"`.

    Output shape:
        The same layout with the padded axis longer.

    Example:

    >>> x = np.ones((2, 3, 4), "float32")
    >>> ember.layers.ZeroPadding1D(1)(x).shape
    (2, 5, 4)
    """

    def __init__(
        self,
        padding: Any = 1,
        data_format: str | None = None,
        **kwargs,
    ):
        super().__init__(padding, 1, data_format=data_format, **kwargs)
