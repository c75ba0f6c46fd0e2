"""BaseRandomImage: the shared frame of the random image augmentations."""

import numbers
from typing import Any

import jax

from ember.core.config import standardize_data_format
from ember.core.seed import SeedGenerator
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer
from ember.layers.preprocessing import _image


def factor_range(
    value: Any, name: str, low: float, high: float, open_low: bool = False
) -> tuple[float, float]:
    """A number `f` as `(-|f|, |f|)`, or a pair as `(lower, upper)`, each
    within `[low, high]` (`(low, high]` when `open_low`)."""
    bounds = f"{'(' if open_low else '['}{low}, {high}]"
    error = (
        f"The `{name}` argument should be a number (or a list of two "
        f"numbers) in the range {bounds}. Received: {name}={value!r}"
    )

    def check(v):
        if not isinstance(v, numbers.Real) or isinstance(v, bool):
            raise ValueError(error)
        if v > high or v < low or (open_low and v == low):
            raise ValueError(error)

    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ValueError(error)
        check(value[0])
        check(value[1])
        lower, upper = sorted(value)
        return lower, upper
    check(value)
    return -abs(value), abs(value)


class BaseRandomImage(Layer):
    """A layer that augments images at random in training.

    Subclasses implement `augment(images, key)` on a batch of images. In
    training (`fit`, or a call with `training=True`) each call draws a new
    key from the layer's `SeedGenerator`; otherwise (`predict`, `evaluate`,
    a plain call) the images pass through unchanged, as keras.io documents.
    Single images (rank 3) work too.

    Args:
        seed: an int for reproducible draws, or None (drawn from the global
            seed, so `ember.utils.set_random_seed` makes runs repeatable).
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
    """

    def __init__(self, seed: int | None = None, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self.data_format = standardize_data_format(data_format)
        self.generator = SeedGenerator(seed)
        self.input_spec = InputSpec(min_ndim=3, max_ndim=4)
        self.built = True

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        """Returns the augmented batch (rank 4) for one random key."""
        raise NotImplementedError

    def call(self, inputs, training=False):
        images = inputs.astype(self.compute_dtype)
        if not training:
            return images
        key = self.generator.next()
        if images.ndim == 3:
            return self.augment(images[None], key)[0]
        return self.augment(images, key)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config plus `data_format` and `seed`."""
        config = super().get_config()
        config.update({"data_format": self.data_format, "seed": self.seed})
        return config


class BaseRandomAffine(BaseRandomImage):
    """A random augmentation that resamples each image through an affine
    map (rotation, zoom, translation).

    Subclasses implement `transforms(batch, height, width, key)`, returning
    `(batch, 8)` projective rows as `_image.affine_transform` reads them,
    and name in `_FACTORS` the factor arguments they keep and configure.

    Args:
        fill_mode: how points outside the input are filled: `"reflect"`,
            `"wrap"`, `"constant"` or `"nearest"`.
        interpolation: `"bilinear"` or `"nearest"`.
        fill_value: the value of `fill_mode="constant"`.
        seed: an int for reproducible draws, or None.
        data_format: `"channels_last"` or `"channels_first"`.
    """

    _FACTORS: tuple[str, ...] = ()

    def __init__(
        self,
        fill_mode: str = "reflect",
        interpolation: str = "bilinear",
        fill_value: float = 0.0,
        seed: int | None = None,
        data_format=None,
        **kwargs,
    ):
        _image.check_choice(self, "fill_mode", fill_mode, _image.FILL_MODES)
        _image.check_choice(
            self,
            "interpolation",
            interpolation,
            tuple(_image.AFFINE_INTERPOLATIONS),
        )
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.fill_mode = fill_mode
        self.interpolation = interpolation
        self.fill_value = fill_value

    def transforms(self, batch: int, height: int, width: int, key):
        """Returns the `(batch, 8)` maps from output to input pixels."""
        raise NotImplementedError

    def augment(self, images: jax.Array, key: jax.Array) -> jax.Array:
        h_axis, w_axis = _image.spatial_axes(4, self.data_format)
        height, width = images.shape[h_axis], images.shape[w_axis]
        transforms = self.transforms(images.shape[0], height, width, key)
        return _image.affine_transform(
            images,
            transforms,
            self.interpolation,
            self.fill_mode,
            self.fill_value,
            self.data_format,
        )

    def get_config(self) -> dict:
        """Returns the base config plus the resampling arguments and the
        factors."""
        config = super().get_config()
        config.update(
            {
                "fill_mode": self.fill_mode,
                "interpolation": self.interpolation,
                "fill_value": self.fill_value,
            }
        )
        config.update({name: getattr(self, name) for name in self._FACTORS})
        return config
