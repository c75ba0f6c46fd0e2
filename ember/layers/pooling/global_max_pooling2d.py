"""GlobalMaxPooling2D: the maximum over height and width."""

from ember.core.arguments import parent_arguments
from ember.layers.pooling.base_global_pooling import BaseGlobalPooling


class GlobalMaxPooling2D(BaseGlobalPooling):
    """Global max pooling: the maximum over height and width, per channel.

    Args:
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        keepdims: whether to keep the reduced axes, with size 1.

    Input shape:
        `(batch_size, height, width, channels)` with `"channels_last"`,
        `(batch_size, channels, height, width)` with `"channels_first"`.

    Output shape:
        `(batch_size, channels)`; with `keepdims`, the input layout with
        each reduced axis of size 1.

    Example:

    >>> x = np.ones((2, 4, 5, 3), "float32")
    >>> ember.layers.GlobalMaxPooling2D()(x).shape
    (2, 3)
    """

    def __init__(
        self,
        data_format: str | None = None,
        keepdims: bool = False,
        **kwargs,
    ):
        super().__init__(
            **parent_arguments(
                BaseGlobalPooling, locals(), pool_dimensions=2, pool_mode="max"
            )
        )
