"""AlphaDropout: dropout that keeps SELU's self-normalizing statistics."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.core.seed import SeedGenerator
from ember.layers.layer import Layer
from ember.layers.regularization._checks import check_fraction
from ember.layers.regularization.dropout import _standardize_noise_shape

# SELU's constants: dropped units are set to its negative saturation value.
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(Layer):
    """Dropout for SELU networks: keeps the inputs' mean and variance.

    In training, a fraction `rate` of the units is set to SELU's negative
    saturation value `-alpha * scale`, then an affine map `a * x + b`
    restores the mean and variance the inputs had. Outside training the
    layer returns its input unchanged.

    Args:
        rate: the fraction of the units to drop, between 0 and 1.
        noise_shape: the shape of the keep/drop mask, broadcast against the
            input; None dimensions take the input's size. None means the
            input's shape.
        seed: an int for reproducible masks, or None.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.AlphaDropout(0.2, seed=0)
    >>> layer(np.ones((2, 3)), training=True).shape
    (2, 3)
    """

    def __init__(
        self,
        rate: float,
        noise_shape: Any = None,
        seed: int | None = None,
        **kwargs,
    ):
        check_fraction(rate, "rate")
        super().__init__(**kwargs)
        self.rate = rate
        self.seed = seed
        self.noise_shape = _standardize_noise_shape(noise_shape)
        if rate > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        shape = tuple(inputs.shape)
        if self.noise_shape is not None:
            shape = tuple(
                size if d is None else d
                for d, size in zip(self.noise_shape, shape, strict=True)
            )
        uniform = jax.random.uniform(
            self.seed_generator.next(), shape, self.compute_dtype
        )
        kept = (uniform >= self.rate).astype(inputs.dtype)
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        x = inputs * kept + alpha_p * (1 - kept)
        return jnp.asarray(a * x + b, inputs.dtype)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config, `rate`, `seed` and `noise_shape`."""
        config = super().get_config()
        config.update(
            {
                "rate": self.rate,
                "seed": self.seed,
                "noise_shape": self.noise_shape,
            }
        )
        return config
