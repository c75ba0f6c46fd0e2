"""RandomRotation: rotates images by a random angle in training."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.layers.preprocessing.base_random_image import BaseRandomAffine
from ember.layers.preprocessing.base_random_image import factor_range


class RandomRotation(BaseRandomAffine):
    """Rotates each image about its center by a random angle in training.

    The angle is drawn per image from `[lower, upper]` turns (fractions of
    360 degrees); positive angles rotate counter-clockwise. Points that come
    from outside the image are filled according to `fill_mode`.

    Args:
        factor: a number `f` in `[-1, 1]` (the range `[-|f|, |f|]`) or a
            pair `(lower, upper)`, in fractions of a full turn.
        fill_mode: `"reflect"`, `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` or `"nearest"`.
        seed: an int for reproducible draws, or None.
        fill_value: the value of `fill_mode="constant"`.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Example:

    >>> layer = ember.layers.RandomRotation(0.1, seed=1)
    >>> layer(np.ones((2, 8, 8, 3)), training=True).shape
    (2, 8, 8, 3)
    """

    _FACTORS = ("factor",)

    def __init__(
        self,
        factor: Any,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ):
        factor = factor_range(factor, "factor", -1, 1)
        super().__init__(**parent_arguments(BaseRandomAffine, locals()))
        self.factor = factor

    def transforms(self, batch: int, height: int, width: int, key):
        lower, upper = self.factor
        angle = jax.random.uniform(
            key, (batch,), minval=lower * 2 * jnp.pi, maxval=upper * 2 * jnp.pi
        )
        cos, sin = jnp.cos(angle), jnp.sin(angle)
        cx, cy = (width - 1) / 2, (height - 1) / 2
        # Output offset (u, v) from the center reads the input at offset
        # (u cos - v sin, u sin + v cos): a counter-clockwise turn on screen.
        zeros = jnp.zeros_like(angle)
        return jnp.stack(
            [
                cos,
                -sin,
                cx - cx * cos + cy * sin,
                sin,
                cos,
                cy - cx * sin - cy * cos,
                zeros,
                zeros,
            ],
            axis=1,
        )
