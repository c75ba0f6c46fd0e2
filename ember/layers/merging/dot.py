"""Dot: the dot product of two inputs along one axis of each."""

from typing import Any

import jax

from ember import ops
from ember.layers.merging.base_merge import Merge


class Dot(Merge):
    """Computes the dot product of the samples of two inputs.

    For inputs `x` of shape `(batch, 3, 5)` and `y` of shape
    `(batch, 10, 3)` and `axes=(1, 2)`, the output has shape
    `(batch, 5, 10)`: the batch axis, the remaining axes of `x`, then the
    remaining axes of `y`. An output of rank 1 becomes `(batch, 1)`.

    Args:
        axes: an int, or a pair of ints: the axis of each input to sum
            over. The two axes must have the same size; the batch axis (0)
            cannot be one of them. Negative values count from the end.
        normalize: whether to L2-normalize each sample along its dot-product
            axis first, which makes the output the cosine similarity.
        **kwargs: the base layer's arguments (`name`, `dtype`, ...).

    Input shape:
        A list of two tensors of rank at least 2 with the same batch size.

    Output shape:
        `(batch, *rest_of_x, *rest_of_y)`, at least `(batch, 1)`.

    Example:

    >>> x = np.arange(10).reshape(1, 5, 2)
    >>> y = np.arange(10, 20).reshape(1, 2, 5)
    >>> ember.layers.Dot(axes=(1, 2))([x, y]).shape
    (1, 2, 2)
    """

    _min_inputs = 2
    _max_inputs = 2

    def __init__(self, axes: Any, normalize: bool = False, **kwargs):
        if not isinstance(axes, int):
            if not isinstance(axes, list | tuple):
                raise TypeError(
                    "Argument `axes` must be an int or a pair of ints. "
                    f"Received: axes={axes!r}"
                )
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(
                    "Argument `axes` must be an int or a pair of ints. "
                    f"Received: axes={axes!r}"
                )
        super().__init__(**kwargs)
        self.axes = axes
        self.normalize = normalize

    def _resolve_axes(self, first: tuple, second: tuple) -> tuple[int, int]:
        axes = (
            (self.axes, self.axes) if isinstance(self.axes, int) else self.axes
        )
        resolved = []
        for axis, shape in zip(axes, (first, second), strict=True):
            if not -len(shape) <= axis < len(shape):
                raise ValueError(
                    f"{self._where()}: axes={self.axes} is out of range for "
                    f"inputs of shapes {first} and {second}"
                )
            resolved.append(axis % len(shape))
        if 0 in resolved:
            raise ValueError(
                f"{self._where()} cannot take the dot product over the batch "
                f"axis 0: axes={self.axes}, shapes {first} and {second}"
            )
        return resolved[0], resolved[1]

    def compute_output_shape(self, input_shape) -> tuple:
        """The batch axis, then each input's shape less its dot axis."""
        first, second = self._check_list(input_shape)
        for shape in (first, second):
            if len(shape) < 2:
                raise ValueError(
                    f"{self._where()} expects inputs of rank at least 2, got "
                    f"shapes {first} and {second}"
                )
        self._check_batch_sizes([first, second])
        a, b = self._resolve_axes(first, second)
        if None not in (first[a], second[b]) and first[a] != second[b]:
            raise ValueError(
                f"{self._where()} expects inputs of the same size along the "
                f"dot-product axes ({a} and {b}), got shapes {first} and "
                f"{second}"
            )
        batch = first[0] if first[0] is not None else second[0]
        rest = [d for i, d in enumerate(first) if i not in (0, a)]
        rest += [d for i, d in enumerate(second) if i not in (0, b)]
        return (batch, *rest) if rest else (batch, 1)

    def call(self, inputs, mask=None):
        if not isinstance(inputs, list | tuple):
            raise ValueError(
                f"{self._where()} should be called on a list of 2 inputs. "
                f"Received: inputs={inputs!r}"
            )
        shape = self.compute_output_shape([tuple(t.shape) for t in inputs])
        x, y = inputs
        a, b = self._resolve_axes(tuple(x.shape), tuple(y.shape))
        if self.normalize:
            x = ops.normalize(x, axis=a)
            y = ops.normalize(y, axis=b)
        out = jax.lax.dot_general(x, y, (((a,), (b,)), ((0,), (0,))))
        return out.reshape((x.shape[0], *shape[1:]))

    def compute_mask(self, inputs, mask=None):
        """Always None: the dot product does not keep the steps."""
        return None

    def get_config(self) -> dict:
        """Returns the base config, `axes` and `normalize`."""
        config = super().get_config()
        config.update({"axes": self.axes, "normalize": self.normalize})
        return config


def dot(inputs: list, axes: Any = -1, **kwargs):
    """Functional interface to the `Dot` layer.

    Args:
        inputs: a list of two tensors.
        axes: an int or a pair of ints, the axes to sum over.
        **kwargs: the layer's arguments (`normalize`, `name`, ...).

    Returns:
        A tensor, the dot product of the samples of the inputs.

    Example:

    >>> a = ember.Input(shape=(4,))
    >>> b = ember.Input(shape=(4,))
    >>> ember.layers.dot([a, b], axes=1).shape
    (None, 1)
    """
    return Dot(axes=axes, **kwargs)(inputs)
