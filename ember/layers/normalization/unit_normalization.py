"""UnitNormalization: scales each sample to unit L2 norm along `axis`."""

import jax
import jax.numpy as jnp

from ember.layers.layer import Layer
from ember.layers.normalization._axes import positive_axes
from ember.layers.normalization._axes import standardize_axis

# The smallest norm divided by: inputs of norm below it are scaled by 1e12.
_EPSILON = 1e-12


class UnitNormalization(Layer):
    """Scales its input so that its L2 norm along `axis` is 1.

    The output is `inputs / max(sqrt(sum(inputs ** 2, axis)), 1e-12)`.

    Args:
        axis: the axis or list of axes to normalize over (default the last).

    Input shape:
        Any; every axis in `axis` must be within the input's rank.

    Output shape:
        The same as the input.

    Example:

    >>> layer = ember.layers.UnitNormalization()
    >>> np.asarray(layer(np.array([[3.0, 4.0]])))
    array([[0.6, 0.8]], dtype=float32)
    """

    def __init__(self, axis: int | list[int] = -1, **kwargs):
        axis = standardize_axis(axis, "UnitNormalization")
        super().__init__(**kwargs)
        self.axis = axis
        self.supports_masking = True
        self.built = True

    def call(self, inputs):
        x = inputs[None] if inputs.ndim == 0 else inputs
        axes = tuple(positive_axes(self, self.axis, x.shape))
        square_sum = jnp.sum(jnp.square(x), axis=axes, keepdims=True)
        inv_norm = jnp.minimum(jax.lax.rsqrt(square_sum), 1.0 / _EPSILON)
        return x * inv_norm

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The input shape, unchanged (after checking `axis` against it)."""
        positive_axes(self, self.axis, input_shape)
        return tuple(input_shape)

    def get_config(self) -> dict:
        """Returns the base config and `axis`."""
        config = super().get_config()
        config["axis"] = self.axis
        return config
