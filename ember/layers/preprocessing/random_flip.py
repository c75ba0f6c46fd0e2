"""RandomFlip: mirrors images at random in training."""

import jax
import jax.numpy as jnp

from ember.layers.preprocessing._image import check_choice
from ember.layers.preprocessing._image import spatial_axes
from ember.layers.preprocessing.base_random_image import BaseRandomImage

_MODES = ("horizontal", "vertical", "horizontal_and_vertical")


class RandomFlip(BaseRandomImage):
    """Flips each image, with probability 1/2, in training.

    Each image of the batch draws its own coin; with
    `"horizontal_and_vertical"` an image that flips is mirrored along both
    axes. With `training=False` the images pass through unchanged.

    Args:
        mode: `"horizontal"` (left-right), `"vertical"` (up-down) or
            `"horizontal_and_vertical"`.
        seed: an int for reproducible flips, or None.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Input shape:
        `(batch, height, width, channels)` or one image without `batch`
        (channels first with `"channels_first"`).

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.RandomFlip("horizontal", seed=1)
    >>> layer(np.ones((2, 4, 4, 3)), training=True).shape
    (2, 4, 4, 3)
    """

    def __init__(
        self,
        mode: str = "horizontal_and_vertical",
        seed: int | None = None,
        data_format: str | None = None,
        **kwargs,
    ):
        check_choice(self, "mode", mode, _MODES)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.mode = mode

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        flips = jax.random.uniform(key, (images.shape[0], 1, 1, 1)) <= 0.5
        h_axis, w_axis = spatial_axes(4, self.data_format)
        flipped = images
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            flipped = jnp.flip(flipped, axis=w_axis)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            flipped = jnp.flip(flipped, axis=h_axis)
        return jnp.where(flips, flipped, images)

    def get_config(self) -> dict:
        """Returns the base config plus `mode`."""
        config = super().get_config()
        config["mode"] = self.mode
        return config
