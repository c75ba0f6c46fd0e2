"""RandomZoom: zooms images in or out at random in training."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.core.arguments import parent_arguments
from ember.layers.preprocessing.base_random_image import BaseRandomAffine
from ember.layers.preprocessing.base_random_image import factor_range


class RandomZoom(BaseRandomAffine):
    """Zooms each image about its center by a random amount in training.

    The vertical zoom `z` is drawn per image from `[1 + lower, 1 + upper]`
    of `height_factor`; `z > 1` zooms out (the image shrinks, borders are
    filled per `fill_mode`), `z < 1` zooms in. `width_factor=None` uses the
    vertical zoom for both axes, keeping the aspect ratio.

    Args:
        height_factor: a number `f` in `(-1, 1]` (the range `[-|f|, |f|]`)
            or a pair `(lower, upper)`.
        width_factor: the same for the horizontal zoom, or None.
        fill_mode: `"reflect"`, `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` or `"nearest"`.
        seed: an int for reproducible draws, or None.
        fill_value: the value of `fill_mode="constant"`.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.

    Example:

    >>> layer = ember.layers.RandomZoom(0.2, seed=1)
    >>> layer(np.ones((2, 8, 8, 3)), training=True).shape
    (2, 8, 8, 3)
    """

    _FACTORS = ("height_factor", "width_factor")

    def __init__(
        self,
        height_factor: Any,
        width_factor: Any = None,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        seed: int | None = None,
        fill_value: float = 0.0,
        data_format: str | None = None,
        **kwargs,
    ):
        self._height_range = factor_range(
            height_factor, "height_factor", -1, 1, open_low=True
        )
        self._width_range = None
        if width_factor is not None:
            self._width_range = factor_range(
                width_factor, "width_factor", -1, 1, open_low=True
            )
        super().__init__(**parent_arguments(BaseRandomAffine, locals()))
        self.height_factor = height_factor
        self.width_factor = width_factor

    def transforms(self, batch: int, height: int, width: int, key):
        h_key, w_key = jax.random.split(key)
        lower, upper = self._height_range
        zoom_y = jax.random.uniform(
            h_key, (batch,), minval=1.0 + lower, maxval=1.0 + upper
        )
        zoom_x = zoom_y
        if self._width_range is not None:
            lower, upper = self._width_range
            zoom_x = jax.random.uniform(
                w_key, (batch,), minval=1.0 + lower, maxval=1.0 + upper
            )
        # Output pixel x reads input x * zoom, shifted to keep the center.
        zeros = jnp.zeros_like(zoom_y)
        return jnp.stack(
            [
                zoom_x,
                zeros,
                (width - 1) / 2 * (1.0 - zoom_x),
                zeros,
                zoom_y,
                (height - 1) / 2 * (1.0 - zoom_y),
                zeros,
                zeros,
            ],
            axis=1,
        )
