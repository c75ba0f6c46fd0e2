"""NumPy-style index-finding and sorting ops: argmax, argmin, sort, argsort."""

import jax
import jax.numpy as jnp

from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array


@symbolic_op
def argmax(
    x: ArrayLike, axis: int | None = None, keepdims: bool = False
) -> jax.Array:
    """Index of the largest element along `axis` (the first, on ties).

    Args:
        x: input tensor.
        axis: the axis, default the flattened tensor.
        keepdims: whether to keep the reduced axis with size 1.

    Returns:
        An `int32` tensor.
    """
    return jnp.argmax(_array(x), axis=axis, keepdims=keepdims)


@symbolic_op
def argmin(
    x: ArrayLike, axis: int | None = None, keepdims: bool = False
) -> jax.Array:
    """Index of the smallest element along `axis` (the first, on ties).

    Args:
        x: input tensor.
        axis: the axis, default the flattened tensor.
        keepdims: whether to keep the reduced axis with size 1.

    Returns:
        An `int32` tensor.
    """
    return jnp.argmin(_array(x), axis=axis, keepdims=keepdims)


@symbolic_op
def sort(x: ArrayLike, axis: int | None = -1) -> jax.Array:
    """Sorts `x` along `axis`, ascending.

    Args:
        x: input tensor.
        axis: the axis, or None for the flattened tensor.

    Returns:
        The sorted tensor.
    """
    return jnp.sort(_array(x), axis=axis)


@symbolic_op
def argsort(x: ArrayLike, axis: int | None = -1) -> jax.Array:
    """Indices that sort `x` along `axis`, ascending and stable.

    Args:
        x: input tensor.
        axis: the axis, or None for the flattened tensor.

    Returns:
        An `int32` tensor of indices.
    """
    x = _array(x)
    return jnp.argsort(x, axis=None if x.ndim == 0 else axis)
