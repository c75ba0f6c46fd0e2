"""GaussianNoise: adds zero-centred Gaussian noise in training."""

from ember import random
from ember.core.seed import SeedGenerator
from ember.layers.layer import Layer
from ember.layers.regularization._checks import check_fraction


class GaussianNoise(Layer):
    """Adds Gaussian noise of mean 0 and standard deviation `stddev`.

    A regularizer (a form of data augmentation for real-valued inputs): it
    only acts in training; otherwise it returns its input unchanged.

    Args:
        stddev: the standard deviation of the noise, between 0 and 1.
        seed: an int for reproducible noise, or None.

    Input shape:
        Any.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.GaussianNoise(0.1, seed=0)
    >>> layer(np.zeros((2, 3)), training=True).shape
    (2, 3)
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        check_fraction(stddev, "stddev")
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed = seed
        if stddev > 0:
            self.seed_generator = SeedGenerator(seed)
        self.supports_masking = True
        self.built = True

    def call(self, inputs, training=False):
        if not training or self.stddev == 0:
            return inputs
        noise = random.normal(
            inputs.shape, dtype=self.compute_dtype, seed=self.seed_generator
        )
        return inputs + noise * self.stddev

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged."""
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config, `stddev` and `seed`."""
        config = super().get_config()
        config.update({"stddev": self.stddev, "seed": self.seed})
        return config
