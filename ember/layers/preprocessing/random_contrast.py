"""RandomContrast: scales each image's contrast at random in training."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.layers.preprocessing._image import spatial_axes
from ember.layers.preprocessing.base_random_image import BaseRandomImage
from ember.layers.preprocessing.base_random_image import factor_range


class RandomContrast(BaseRandomImage):
    """Adjusts the contrast of each image by a random factor in training.

    Each channel of each image becomes `(x - mean) * c + mean`, where `mean`
    is the channel's mean over the image and `c` is drawn per image from
    `[1 - lower, 1 + upper]`; the result is clipped to `value_range`.

    Args:
        factor: a number in `[0, 1]` (then `lower = upper = factor`) or a
            pair `(lower, upper)`.
        value_range: the `(min, max)` range of the pixel values.
        seed: an int for reproducible draws, or None.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Example:

    >>> layer = ember.layers.RandomContrast(0.2, seed=1)
    >>> layer(np.ones((2, 4, 4, 3)), training=True).shape
    (2, 4, 4, 3)
    """

    def __init__(
        self,
        factor: Any,
        value_range: tuple = (0, 255),
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs,
    ):
        if isinstance(factor, list | tuple):
            factor = factor_range(factor, "factor", 0, 1)
        else:
            factor = (abs(factor_range(factor, "factor", 0, 1)[1]),) * 2
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.value_range = value_range

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        lower, upper = self.factor
        contrast = jax.random.uniform(
            key,
            (images.shape[0], 1, 1, 1),
            minval=1.0 - lower,
            maxval=1.0 + upper,
        ).astype(images.dtype)
        axes = spatial_axes(4, self.data_format)
        mean = jnp.mean(images, axis=axes, keepdims=True)
        outputs = (images - mean) * contrast + mean
        return jnp.clip(outputs, self.value_range[0], self.value_range[1])

    def get_config(self) -> dict:
        """Returns the base config plus `factor` and `value_range`."""
        config = super().get_config()
        config.update({"factor": self.factor, "value_range": self.value_range})
        return config
