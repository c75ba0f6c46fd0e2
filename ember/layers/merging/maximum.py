"""Maximum: takes the elementwise maximum of a list of inputs."""

import jax.numpy as jnp

from ember.layers.merging.base_merge import Merge
from ember.layers.merging.base_merge import masked_merge


class Maximum(Merge):
    """Takes the elementwise maximum of a list of inputs.

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
    >>> ember.layers.Maximum()([x1, x2])
    Array([[3., 4.]], dtype=float32)
    """

    def _merge_function(self, inputs: list, masks: list | None):
        return masked_merge(jnp.maximum, inputs, masks)


def maximum(inputs: list, **kwargs):
    """Functional interface to the `Maximum` layer.

    Args:
        inputs: a list of tensors whose shapes broadcast.
        **kwargs: the layer's arguments (`name`, `dtype`, ...).

    Returns:
        A tensor, the elementwise maximum of the inputs.

    Example:

    >>> x = ember.Input(shape=(4,))
    >>> ember.layers.maximum([x, x]).shape
    (None, 4)
    """
    return Maximum(**kwargs)(inputs)
