"""Math ops: reductions in log space, top-k, segments, special functions."""

import jax
import jax.numpy as jnp
from jax import lax

from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.core import _as_float


@symbolic_op
def logsumexp(
    x: ArrayLike,
    axis: int | tuple[int, ...] | None = None,
    keepdims: bool = False,
) -> jax.Array:
    """`log(sum(exp(x)))` along `axis`, computed without overflow.

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.

    Returns:
        A float tensor.
    """
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jax.scipy.special.logsumexp(
        _as_float(x), axis=axis, keepdims=keepdims
    )


@symbolic_op
def top_k(x: ArrayLike, k: int, sorted: bool = True) -> tuple:
    """The `k` largest values along the last axis, and their indices.

    Args:
        x: input tensor.
        k: how many values to keep.
        sorted: accepted for compatibility; results are always sorted in
            descending order.

    Returns:
        A pair `(values, indices)`, each of shape `x.shape[:-1] + (k,)`.
    """
    return lax.top_k(_array(x), k)


@symbolic_op
def in_top_k(targets: ArrayLike, predictions: ArrayLike, k: int) -> jax.Array:
    """Whether each target class is among the `k` highest predictions.

    Ties count in the target's favour; a NaN prediction never does.

    Args:
        targets: integer class indices, shape `(batch,)`.
        predictions: scores, shape `(batch, num_classes)`.
        k: the number of top classes to consider.

    Returns:
        A boolean tensor of shape `(batch,)`.
    """
    predictions = _array(predictions)
    targets = _array(targets)
    at_target = jnp.take_along_axis(predictions, targets[..., None], axis=-1)
    at_target = jnp.where(jnp.isnan(at_target), -jnp.inf, at_target)
    rank = 1 + jnp.sum(predictions > at_target, axis=-1)
    return rank <= k


def _segment(reduce, data, segment_ids, num_segments, sorted):
    if num_segments is None:
        raise ValueError(
            "Argument `num_segments` must be set (segment ops need a static "
            "output size under JAX). Received: num_segments=None"
        )
    return reduce(
        _array(data),
        _array(segment_ids),
        num_segments,
        indices_are_sorted=sorted,
    )


@symbolic_op
def segment_sum(
    data: ArrayLike,
    segment_ids: ArrayLike,
    num_segments: int | None = None,
    sorted: bool = False,
) -> jax.Array:
    """Sums the rows of `data` that share a segment id.

    Args:
        data: input tensor.
        segment_ids: integer ids, one per row of `data`.
        num_segments: the number of segments (required).
        sorted: whether `segment_ids` is sorted (a speed hint).

    Returns:
        A tensor of shape `(num_segments,) + data.shape[1:]`.
    """
    return _segment(
        jax.ops.segment_sum, data, segment_ids, num_segments, sorted
    )


@symbolic_op
def segment_max(
    data: ArrayLike,
    segment_ids: ArrayLike,
    num_segments: int | None = None,
    sorted: bool = False,
) -> jax.Array:
    """The maximum of the rows of `data` that share a segment id.

    Args:
        data: input tensor.
        segment_ids: integer ids, one per row of `data`.
        num_segments: the number of segments (required).
        sorted: whether `segment_ids` is sorted (a speed hint).

    Returns:
        A tensor of shape `(num_segments,) + data.shape[1:]`; empty
        segments hold the dtype's lowest value.
    """
    return _segment(
        jax.ops.segment_max, data, segment_ids, num_segments, sorted
    )


@symbolic_op
def erf(x: ArrayLike) -> jax.Array:
    """Element-wise error function.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return lax.erf(_as_float(x))


@symbolic_op
def erfinv(x: ArrayLike) -> jax.Array:
    """Element-wise inverse error function.

    Args:
        x: input tensor with values in `(-1, 1)`.

    Returns:
        A float tensor.
    """
    return jax.scipy.special.erfinv(_as_float(x))


@symbolic_op
def rsqrt(x: ArrayLike) -> jax.Array:
    """Element-wise reciprocal square root, `1 / sqrt(x)`.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return lax.rsqrt(_as_float(x))
