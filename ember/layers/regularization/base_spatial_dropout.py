"""BaseSpatialDropout: Dropout of whole feature maps, shared by 1D/2D/3D."""

from typing import Any

from ember.core.config import standardize_data_format
from ember.layers.input_spec import InputSpec
from ember.layers.regularization.dropout import Dropout


class BaseSpatialDropout(Dropout):
    """Dropout that keeps or drops each channel of each sample as a whole.

    Use `SpatialDropout1D`, `SpatialDropout2D` or `SpatialDropout3D`, which
    fix `rank`, the number of spatial axes.

    Args:
        rate: the fraction of the channels to drop, between 0 and 1.
        rank: the number of spatial axes (1, 2 or 3).
        data_format: `"channels_last"` or `"channels_first"`; rank 1 is
            always channels-last. Default `config.image_data_format()`.
        seed: an int for reproducible masks, or None.
        name: the layer's name.
        dtype: the layer's dtype.
    """

    def __init__(
        self,
        rate: float,
        rank: int,
        data_format: str | None = None,
        seed: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ):
        super().__init__(rate, seed=seed, name=name, dtype=dtype)
        self.rank = rank
        self.data_format = (
            "channels_last"
            if rank == 1
            else standardize_data_format(data_format)
        )
        self.input_spec = InputSpec(ndim=rank + 2)

    def _noise_shape(self, inputs) -> tuple:
        """One draw per sample and channel, broadcast over the spatial axes."""
        shape = [1] * inputs.ndim
        shape[0] = inputs.shape[0]
        channel_axis = -1 if self.data_format == "channels_last" else 1
        shape[channel_axis] = inputs.shape[channel_axis]
        return tuple(shape)

    def get_config(self) -> dict:
        """Keras' keys: `rate`, `seed`, `name`, `dtype` (a string) and, past
        rank 1, `data_format`."""
        config = {
            "rate": self.rate,
            "seed": self.seed,
            "name": self.name,
            "dtype": self.dtype,
        }
        if self.rank > 1:
            config["data_format"] = self.data_format
        return config
