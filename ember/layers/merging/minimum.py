"""Minimum: takes the elementwise minimum of a list of inputs."""

import jax.numpy as jnp

from ember.layers.merging.base_merge import Merge
from ember.layers.merging.base_merge import masked_merge


class Minimum(Merge):
    """Takes the elementwise minimum of a list of inputs.

    It takes a list of tensors of the same shape (or shapes that broadcast)
    and returns one tensor of that shape. Given input masks, a step masked
    in one input takes the other inputs' values.

    Args:
        **kwargs: the base layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of tensors `(batch_size, ...)` whose shapes broadcast.

    Output shape:
        The broadcast shape of the inputs.

    Example:

    >>> x1 = np.array([[1.0, 2.0]])
    >>> x2 = np.array([[3.0, 4.0]])
    >>> ember.layers.Minimum()([x1, x2])
    Array([[1., 2.]], dtype=float32)
    """

    def _merge_function(self, inputs: list, masks: list | None):
        return masked_merge(jnp.minimum, inputs, masks)


def minimum(inputs: list, **kwargs):
    """Functional interface to the `Minimum` layer.

    Args:
        inputs: a list of tensors whose shapes broadcast.
        **kwargs: the layer's arguments (`name`, `dtype`, ...).

    Returns:
        A tensor, the elementwise minimum of the inputs.

    Example:

    >>> x = ember.Input(shape=(4,))
    >>> ember.layers.minimum([x, x]).shape
    (None, 4)
    """
    return Minimum(**kwargs)(inputs)
