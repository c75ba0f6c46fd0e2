"""RandomTranslation: shifts images at random in training."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.layers.preprocessing.base_random_image import BaseRandomAffine
from ember.layers.preprocessing.base_random_image import factor_range


class RandomTranslation(BaseRandomAffine):
    """Shifts each image by a random offset in training.

    The vertical shift is drawn per image from `[lower, upper]` times the
    height (`height_factor`), the horizontal one likewise from
    `width_factor`; positive values shift down and right. Uncovered pixels
    are filled according to `fill_mode`.

    Args:
        height_factor: a number `f` in `[-1, 1]` (the range `[-|f|, |f|]`)
            or a pair `(lower, upper)`, as fractions of the height.
        width_factor: the same, as fractions of the width.
        fill_mode: `"reflect"`, `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` or `"nearest"`.
        seed: an int for reproducible draws, or None.
        fill_value: the value of `fill_mode="constant"`.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Example:

    >>> layer = ember.layers.RandomTranslation(0.1, 0.2, seed=1)
    >>> layer(np.ones((2, 8, 8, 3)), training=True).shape
    (2, 8, 8, 3)
    """

    _FACTORS = ("height_factor", "width_factor")

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ):
        self._height_range = factor_range(height_factor, "height_factor", -1, 1)
        self._width_range = factor_range(width_factor, "width_factor", -1, 1)
        super().__init__(**parent_arguments(BaseRandomAffine, locals()))
        self.height_factor = height_factor
        self.width_factor = width_factor

    def transforms(self, batch: int, height: int, width: int, key):
        h_key, w_key = jax.random.split(key)
        lower, upper = self._height_range
        dy = height * jax.random.uniform(
            h_key, (batch,), minval=lower, maxval=upper
        )
        lower, upper = self._width_range
        dx = width * jax.random.uniform(
            w_key, (batch,), minval=lower, maxval=upper
        )
        ones, zeros = jnp.ones_like(dx), jnp.zeros_like(dx)
        # Output pixel (x, y) reads input (x - dx, y - dy).
        return jnp.stack(
            [ones, zeros, -dx, zeros, ones, -dy, zeros, zeros], axis=1
        )
