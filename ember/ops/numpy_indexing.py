"""NumPy-style element selection: indexing, gathering and `where`."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.core import _ranked


@symbolic_op
def get_item(x: ArrayLike, key: Any) -> jax.Array:
    """Returns `x[key]`.

    Args:
        x: input tensor.
        key: an index, slice, tuple of them, or an index tensor.

    Returns:
        The selected elements.
    """
    return _array(x)[key]


@symbolic_op
def take(
    x: ArrayLike, indices: ArrayLike, axis: int | None = None
) -> jax.Array:
    """Takes elements of `x` at `indices` along `axis`.

    Args:
        x: input tensor.
        indices: integer indices (negative ones count from the end).
        axis: the axis, default the flattened tensor.

    Returns:
        The gathered elements.
    """
    return jnp.take(_array(x), _array(indices), axis=axis)


@symbolic_op
def take_along_axis(
    x: ArrayLike, indices: ArrayLike, axis: int | None = None
) -> jax.Array:
    """Takes values along `axis` at `indices` of matching rank.

    Args:
        x: input tensor.
        indices: integer indices, broadcastable with `x` except on `axis`.
        axis: the axis, default the flattened tensor.

    Returns:
        The gathered values.
    """
    return jnp.take_along_axis(_array(x), _array(indices), axis=axis)


@symbolic_op
def where(
    condition: ArrayLike,
    x1: ArrayLike | None = None,
    x2: ArrayLike | None = None,
) -> jax.Array | tuple:
    """Picks `x1` where `condition` is true and `x2` elsewhere.

    With only `condition`, returns the indices of its non-zero elements
    (data-dependent shape: not usable under `jit`).

    Args:
        condition: a boolean tensor.
        x1: the values where `condition` is true.
        x2: the values where `condition` is false.

    Returns:
        A tensor of the broadcast shape, or a tuple of index tensors.
    """
    condition = _array(condition)
    if x1 is None and x2 is None:
        return jnp.nonzero(condition)
    if x1 is None or x2 is None:
        raise ValueError(
            "`x1` and `x2` must both be given, or both be None. "
            f"Received: x1={x1}, x2={x2}"
        )
    return jnp.where(*_ranked(condition, x1, x2))
