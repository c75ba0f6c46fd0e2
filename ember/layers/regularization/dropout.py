"""Dropout: zeroes a random fraction of its input in training."""

from typing import Any

import jax.numpy as jnp

from ember import random
from ember.core.seed import SeedGenerator
from ember.layers.layer import Layer
from ember.layers.regularization._checks import check_fraction


class Dropout(Layer):
    """Sets a random fraction `rate` of its input to 0 in training.

    The values kept are scaled by `1 / (1 - rate)` so that the expected sum
    is unchanged. Outside training (`training` falsy, the default) the
    layer returns its input unchanged. The random state is a non-trainable
    variable, so the layer also works under `jax.jit` via `stateless_call`.

    Args:
        rate: the fraction of the input units to drop, between 0 and 1.
        noise_shape: the shape of the keep/drop mask, broadcast against the
            input; None dimensions take the input's size. For instance
            `(batch_size, 1, features)` drops the same features at every
            timestep. None means the input's shape.
        seed: an int for reproducible masks, or None.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.Dropout(0.5, seed=0)
    >>> layer(np.ones((2, 4)), training=True).shape
    (2, 4)
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
        if self.rate == 1:
            # As Keras: all dropped, and no key drawn.
            return jnp.zeros_like(inputs)
        shape = self._noise_shape(inputs)
        return random.dropout(
            inputs, self.rate, noise_shape=shape, seed=self.seed_generator
        )

    def _noise_shape(self, inputs) -> tuple:
        """The mask's shape: `noise_shape` with None filled from inputs."""
        if self.noise_shape is None:
            return tuple(inputs.shape)
        if len(self.noise_shape) != inputs.ndim:
            raise ValueError(
                f'{type(self).__name__} "{self.name}": `noise_shape` '
                f"{self.noise_shape} must have the rank of the inputs, got "
                f"inputs of shape {tuple(inputs.shape)}"
            )
        return tuple(
            size if d is None else d
            for d, size in zip(self.noise_shape, inputs.shape, strict=True)
        )

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


def _standardize_noise_shape(noise_shape: Any) -> tuple | None:
    if noise_shape is None:
        return None
    error = (
        "Invalid value received for argument `noise_shape`, expected a tuple "
        f"of positive ints or None. Received: noise_shape={noise_shape!r}"
    )
    if isinstance(noise_shape, str):
        raise ValueError(error)
    try:
        noise_shape = tuple(noise_shape)
    except TypeError:
        raise ValueError(error) from None
    for d in noise_shape:
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool) or d <= 0:
            raise ValueError(error)
    return noise_shape
