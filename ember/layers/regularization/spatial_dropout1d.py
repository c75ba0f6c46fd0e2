"""SpatialDropout1D: drops whole channels of sequences."""

from typing import Any

from ember.layers.regularization.base_spatial_dropout import BaseSpatialDropout


class SpatialDropout1D(BaseSpatialDropout):
    """Drops whole 1D feature maps (channels) at random in training.

    Like `Dropout`, but one draw per sample and channel is shared by every
    timestep, which regularizes better when neighbouring steps are
    correlated. Kept channels are scaled by `1 / (1 - rate)`; outside
    training the layer returns its input unchanged.

    Args:
        rate: the fraction of the channels to drop, between 0 and 1.
        seed: an int for reproducible masks, or None.
        name: the layer's name.
        dtype: the layer's dtype.

    Input shape:
        `(batch_size, timesteps, channels)`.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.SpatialDropout1D(0.5, seed=0)
    >>> layer(np.ones((2, 5, 3)), training=True).shape
    (2, 5, 3)
    """

    def __init__(
        self,
        rate: float,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ):
        super().__init__(rate, rank=1, seed=seed, name=name, dtype=dtype)
