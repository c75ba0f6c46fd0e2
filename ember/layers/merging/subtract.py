"""Subtract: subtracts the second of two inputs from the first."""

from ember.layers.merging.base_merge import Merge


class Subtract(Merge):
    """Subtracts two inputs elementwise: `inputs[0] - inputs[1]`.

    It takes a list of exactly two tensors of the same shape (or shapes
    that broadcast) and returns one tensor of that shape.

    Args:
        **kwargs: the base layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of two tensors `(batch_size, ...)` whose shapes broadcast.

    Output shape:
        The broadcast shape of the inputs.

    Example:

    >>> x1 = np.array([[5.0, 2.0]])
    >>> x2 = np.array([[3.0, 4.0]])
    >>> ember.layers.Subtract()([x1, x2])
    Array([[ 2., -2.]], dtype=float32)
    """

    _min_inputs = 2
    _max_inputs = 2

    def _merge_function(self, inputs: list, masks: list | None):
        return inputs[0] - inputs[1]


def subtract(inputs: list, **kwargs):
    """Functional interface to the `Subtract` layer.

    Args:
        inputs: a list of two tensors whose shapes broadcast.
        **kwargs: the layer's arguments (`name`, `dtype`, ...).

    Returns:
        A tensor, `inputs[0] - inputs[1]`.

    Example:

    >>> a = ember.Input(shape=(4,))
    >>> b = ember.Input(shape=(4,))
    >>> ember.layers.subtract([a, b]).shape
    (None, 4)
    """
    return Subtract(**kwargs)(inputs)
