"""Average: averages a list of inputs elementwise."""

from ember.layers.merging.base_merge import Merge


class Average(Merge):
    """Averages a list of inputs elementwise.

    It takes a list of tensors of the same shape (or shapes that broadcast)
    and returns one tensor of that shape: their mean.

    Args:
        **kwargs: the base layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of tensors `(batch_size, ...)` whose shapes broadcast.

    Output shape:
        The broadcast shape of the inputs.

    Example:

    >>> x1 = np.array([[1.0, 2.0]])
    >>> x2 = np.array([[3.0, 4.0]])
    >>> ember.layers.Average()([x1, x2])
    Array([[2., 3.]], dtype=float32)
    """

    def _merge_function(self, inputs: list, masks: list | None):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output / len(inputs)


def average(inputs: list, **kwargs):
    """Functional interface to the `Average` layer.

    Args:
        inputs: a list of tensors whose shapes broadcast.
        **kwargs: the layer's arguments (`name`, `dtype`, ...).

    Returns:
        A tensor, the elementwise mean of the inputs.

    Example:

    >>> x = ember.Input(shape=(4,))
    >>> ember.layers.average([x, x]).shape
    (None, 4)
    """
    return Average(**kwargs)(inputs)
