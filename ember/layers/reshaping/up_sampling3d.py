"""UpSampling3D: repeats the cells of a volume along its three axes."""

from typing import Any

from ember.layers.reshaping.base_up_sampling import BaseUpSampling


class UpSampling3D(BaseUpSampling):
    """Repeats each cell of a volume `size[i]` times along spatial axis `i`.

    Args:
        size: an int or 3 positive ints, the factors for the three spatial
            axes.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch_size, dim1, dim2, dim3, channels)` with `"channels_last"`,
        `(batch_size, channels, dim1, dim2, dim3)` with `"channels_first"`.

    Output shape:
        The same layout with each spatial size times its factor.

    Example:

    >>> x = np.ones((2, 1, 2, 1, 3), "float32")
    >>> ember.layers.UpSampling3D(size=2)(x).shape
    (2, 2, 4, 2, 3)
    """

    def __init__(
        self,
        size: Any = (2, 2, 2),
        data_format: str | None = None,
        **kwargs,
    ):
        super().__init__(size, 3, data_format=data_format, **kwargs)
