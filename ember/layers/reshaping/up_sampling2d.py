"""UpSampling2D: enlarges images by integer factors."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.layers.reshaping.base_up_sampling import BaseUpSampling

# Keras' interpolation names -> jax.image.resize methods.
_METHODS = {
    "nearest": "nearest",
    "bilinear": "bilinear",
    "bicubic": "bicubic",
    "lanczos3": "lanczos3",
    "lanczos5": "lanczos5",
}


class UpSampling2D(BaseUpSampling):
    """Enlarges images by the factors `size` along height and width.

    With `interpolation="nearest"` each pixel is repeated; the other
    methods resize the image by interpolating (pixel centers aligned, as
    in `ops.image.resize`).

    Args:
        size: an int or 2 positive ints, the factors for height and width.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        interpolation: `"nearest"`, `"bilinear"`, `"bicubic"`,
            `"lanczos3"` or `"lanczos5"` (case-insensitive).

    Input shape:
        `(batch_size, height, width, channels)` with `"channels_last"`,
        `(batch_size, channels, height, width)` with `"channels_first"`.

    Output shape:
        The same layout with height and width times their factors.

    Example:

    >>> x = np.arange(4, dtype="float32").reshape(1, 2, 2, 1)
    >>> ember.layers.UpSampling2D(size=(1, 2))(x)[0, :, :, 0]
    Array([[0., 0., 1., 1.],
           [2., 2., 3., 3.]], dtype=float32)
    """

    def __init__(
        self,
        size: Any = (2, 2),
        data_format: str | None = None,
        interpolation: str = "nearest",
        **kwargs,
    ):
        if (
            not isinstance(interpolation, str)
            or interpolation.lower() not in _METHODS
        ):
            raise ValueError(
                "Argument `interpolation` of UpSampling2D must be one of "
                f"{sorted(_METHODS)}. Received: interpolation={interpolation!r}"
            )
        super().__init__(size, 2, data_format=data_format, **kwargs)
        self.interpolation = interpolation.lower()

    def call(self, inputs):
        if self.interpolation == "nearest":
            return super().call(inputs)
        shape = self.compute_output_shape(inputs.shape)
        dtype = inputs.dtype
        if not jnp.issubdtype(dtype, jnp.floating):
            inputs = inputs.astype("float32")
        resized = jax.image.resize(
            inputs,
            shape,
            method=_METHODS[self.interpolation],
            antialias=False,
        )
        return resized.astype(dtype)

    def get_config(self) -> dict:
        """Returns the base config, `size`, `data_format`, interpolation."""
        config = super().get_config()
        config["interpolation"] = self.interpolation
        return config
