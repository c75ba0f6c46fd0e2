"""Array helpers of `keras.utils`: `to_categorical` and `normalize`."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember import ops
from ember.core import config


def to_categorical(x: Any, num_classes: int | None = None) -> Any:
    """Turns class indices into one-hot rows.

    A trailing axis of size 1 is dropped first, so labels of shape `(N, 1)`
    give `(N, num_classes)`. Numpy input (or lists) gives a float64 numpy
    array, as in Keras; a jax array gives a `floatx` jax array.

    Args:
        x: class indices, integers in `[0, num_classes)`.
        num_classes: the number of classes; `max(x) + 1` when None.

    Returns:
        The one-hot encoding, of shape `x.shape + (num_classes,)`.

    Example:

    >>> to_categorical([0, 2, 1], num_classes=3)
    array([[1., 0., 0.],
           [0., 0., 1.],
           [0., 1., 0.]])
    """
    if isinstance(x, jax.Array):
        if x.ndim > 1 and x.shape[-1] == 1:
            x = x.reshape(x.shape[:-1])
        if num_classes is None:
            num_classes = int(jnp.max(x)) + 1
        return jax.nn.one_hot(x, num_classes, dtype=config.floatx())
    x = np.array(x, dtype="int64")
    shape = x.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    flat = x.reshape(-1)
    if not num_classes:
        num_classes = int(np.max(flat)) + 1 if flat.size else 0
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        raise ValueError(
            "`to_categorical` expects class indices in [0, num_classes="
            f"{num_classes}); received values from {flat.min()} to "
            f"{flat.max()}."
        )
    categorical = np.zeros((flat.shape[0], num_classes))
    categorical[np.arange(flat.shape[0]), flat] = 1
    return categorical.reshape(tuple(shape) + (num_classes,))


def normalize(x: Any, axis: int = -1, order: int = 2) -> Any:
    """Divides `x` by its `order`-norm along `axis`.

    A numpy array is normalized in numpy (zero norms left as 1, a 1-D
    array returned with a leading axis of 1, as Keras does); anything else
    goes through `ember.ops.normalize`.

    Args:
        x: the array to normalize.
        axis: the axis along which to take the norm.
        order: the norm's order (2 for the L2 norm).

    Returns:
        The normalized array.

    Example:

    >>> normalize(np.array([[3.0, 4.0]]))
    array([[0.6, 0.8]])
    """
    if isinstance(x, np.ndarray):
        norm = np.atleast_1d(np.linalg.norm(x, order, axis))
        norm[norm == 0] = 1
        return x / np.expand_dims(norm, -1 if axis is None else axis)
    return ops.normalize(x, axis=axis, order=order)
