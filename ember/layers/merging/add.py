"""Add: adds a list of inputs elementwise."""

from ember.layers.merging.base_merge import Merge


class Add(Merge):
    """Adds a list of inputs elementwise.

    It takes a list of tensors of the same shape (or shapes that broadcast)
    and returns one tensor of that shape: their sum.

    Args:
        **kwargs: the base layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of tensors `(batch_size, ...)` whose shapes broadcast.

    Output shape:
        The broadcast shape of the inputs.

    Example:

    >>> x1 = np.array([[1.0, 2.0]])
    >>> x2 = np.array([[3.0, 4.0]])
    >>> ember.layers.Add()([x1, x2])
    Array([[4., 6.]], dtype=float32)
    """

    def _merge_function(self, inputs: list, masks: list | None):
        output = inputs[0]
        for x in inputs[1:]:
            output = output + x
        return output


def add(inputs: list, **kwargs):
    """Functional interface to the `Add` layer.

    Args:
        inputs: a list of tensors whose shapes broadcast.
        **kwargs: the layer's arguments (`name`, `dtype`, ...).

    Returns:
        A tensor, the elementwise sum of the inputs.

    Example:

    >>> x = ember.Input(shape=(4,))
    >>> ember.layers.add([x, x]).shape
    (None, 4)
    """
    return Add(**kwargs)(inputs)
