"""Rescaling: `inputs * scale + offset`."""

from typing import Any

import jax.numpy as jnp
import numpy as np

from ember.core import config as ember_config
from ember.core.ranks import promote_ranks
from ember.layers.layer import Layer


def _plain(value: Any) -> Any:
    return value.tolist() if isinstance(value, np.ndarray) else value


class Rescaling(Layer):
    """Multiplies its input by `scale` and adds `offset`.

    To map `[0, 255]` pixels to `[0, 1]` use `scale=1 / 255`; to `[-1, 1]`
    use `scale=1 / 127.5, offset=-1`. The output is in the layer's compute
    dtype, whatever the input's dtype.

    Args:
        scale: a number, or per-channel numbers (broadcast against the last
            axis, or the channel axis when `image_data_format()` is
            `"channels_first"`).
        offset: a number (or per-channel numbers) added after scaling.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.Rescaling(1 / 255)
    >>> layer(np.array([[0.0, 255.0]]))
    Array([[0., 1.]], dtype=float32)
    """

    def __init__(self, scale: Any, offset: Any = 0.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = _plain(scale)
        self.offset = _plain(offset)
        self.built = True
        self.supports_masking = True

    def call(self, inputs):
        dtype = self.compute_dtype
        scale = jnp.asarray(self.scale, dtype=dtype)
        offset = jnp.asarray(self.offset, dtype=dtype)
        channels_first = ember_config.image_data_format() == "channels_first"
        if scale.ndim > 0 and channels_first:
            scale = jnp.reshape(scale, scale.shape + (1,) * (3 - scale.ndim))
        inputs, scale, offset = promote_ranks(
            inputs.astype(dtype), scale, offset
        )
        return inputs * scale + offset

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config plus `scale` and `offset`."""
        config = super().get_config()
        config.update({"scale": self.scale, "offset": self.offset})
        return config
