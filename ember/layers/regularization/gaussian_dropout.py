"""GaussianDropout: multiplies by one-centred Gaussian noise in training."""

import math

from ember import random
from ember.core.seed import SeedGenerator
from ember.layers.layer import Layer
from ember.layers.regularization._checks import check_fraction


class GaussianDropout(Layer):
    """Multiplies its input by Gaussian noise of mean 1.

    The noise's standard deviation is `sqrt(rate / (1 - rate))`, the same
    variance as `Dropout(rate)`'s scaled mask. Only acts in training;
    otherwise it returns its input unchanged.

    Args:
        rate: the drop probability of the equivalent `Dropout`, between 0
            and 1.
        seed: an int for reproducible noise, or None.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.GaussianDropout(0.2, seed=0)
    >>> layer(np.ones((2, 3)), training=True).shape
    (2, 3)
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        check_fraction(rate, "rate")
        super().__init__(**kwargs)
        self.rate = rate
        self.seed = seed
        if rate > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1.0 - self.rate))
        noise = random.normal(
            inputs.shape, dtype=self.compute_dtype, seed=self.seed_generator
        )
        return inputs * (noise * stddev + 1.0)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config, `rate` and `seed`."""
        config = super().get_config()
        config.update({"rate": self.rate, "seed": self.seed})
        return config
