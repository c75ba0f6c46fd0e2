"""SpatialDropout2D: drops whole channels of 2D feature maps."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.regularization.base_spatial_dropout import BaseSpatialDropout


class SpatialDropout2D(BaseSpatialDropout):
    """Drops whole 2D feature maps (channels) at random in training.

    Like `Dropout`, but one draw per sample and channel is shared by every
    spatial position, which regularizes better when neighbouring positions
    are correlated (early convolution layers). Kept channels are scaled by
    `1 / (1 - rate)`; outside training the layer returns its input.

    Args:
        rate: the fraction of the channels to drop, between 0 and 1.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        seed: an int for reproducible masks, or None.
        name: the layer's name.
        dtype: the layer's dtype.

    Input shape:
        `(batch_size, rows, cols, channels)` with `"channels_last"`,
        `(batch_size, channels, rows, cols)` with `"channels_first"`.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.SpatialDropout2D(0.5, seed=0)
    >>> layer(np.ones((2, 4, 4, 3)), training=True).shape
    (2, 4, 4, 3)
    """

    def __init__(
        self,
        rate: float,
        data_format: str | None = None,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ):
        super().__init__(
            **parent_arguments(BaseSpatialDropout, locals(), rank=2)
        )
