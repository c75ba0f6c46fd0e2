"""Max and average pooling ops over 1, 2 or 3 spatial dimensions.

Images are `channels_last` unless `data_format` (or
`config.image_data_format()`) says otherwise.
"""

import functools
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ember.core import config
from ember.core.symbolic import symbolic_op
from ember.ops._spatial import IntOrInts
from ember.ops._spatial import _padding
from ember.ops._spatial import _tuple
from ember.ops.core import ArrayLike
from ember.ops.core import _array


def _windows(
    x: jax.Array,
    pool_size: IntOrInts,
    strides: IntOrInts | None,
    data_format: str,
) -> tuple[tuple, tuple, tuple, tuple]:
    """Pool and stride sizes, spatial and full-rank (1 on batch/channels)."""
    rank = x.ndim - 2
    pool = _tuple(pool_size, rank, "pool_size")
    step = pool if strides is None else _tuple(strides, rank, "strides")
    if data_format == "channels_last":
        return pool, step, (1, *pool, 1), (1, *step, 1)
    return pool, step, (1, 1, *pool), (1, 1, *step)


def _tiled_max(x: jax.Array, pool: tuple, data_format: str) -> jax.Array:
    """Max over non-overlapping windows by reshaping: the same values as
    `reduce_window`, with a gradient far cheaper on CPU than the
    select-and-scatter that `reduce_window`'s gradient lowers to."""
    first = 1 if data_format == "channels_last" else 2
    spatial = x.shape[first : first + len(pool)]
    kept = [size // p * p for size, p in zip(spatial, pool, strict=True)]
    index = [slice(None)] * x.ndim
    for axis, size in enumerate(kept):
        index[first + axis] = slice(0, size)
    x = x[tuple(index)]
    shape = list(x.shape[:first])
    for size, p in zip(kept, pool, strict=True):
        shape += [size // p, p]
    shape += list(x.shape[first + len(pool) :])
    axes = tuple(first + 2 * i + 1 for i in range(len(pool)))
    return jnp.max(x.reshape(shape), axis=axes)


def _window_max(x: jax.Array, pool: tuple, data_format: str) -> jax.Array:
    _, _, window, _ = _windows(x, pool, None, data_format)
    return lax.reduce_window(x, -np.inf, lax.max, window, window, "VALID")


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2))
def _max_pool_tiled(x: jax.Array, pool: tuple, data_format: str):
    """Non-overlapping max pooling: `reduce_window` forward (XLA's fastest
    on CPU), the reshape form's gradient backward (`reduce_window`'s own
    gradient lowers to a select-and-scatter several times slower)."""
    return _window_max(x, pool, data_format)


def _max_pool_tiled_fwd(x, pool, data_format):
    return _window_max(x, pool, data_format), x


def _max_pool_tiled_bwd(pool, data_format, x, cotangent):
    _, vjp = jax.vjp(lambda t: _tiled_max(t, pool, data_format), x)
    return vjp(cotangent)


_max_pool_tiled.defvjp(_max_pool_tiled_fwd, _max_pool_tiled_bwd)


@symbolic_op
def max_pool(
    inputs: ArrayLike,
    pool_size: IntOrInts,
    strides: IntOrInts | None = None,
    padding: str = "valid",
    data_format: str | None = None,
) -> jax.Array:
    """Max pooling over 1, 2 or 3 spatial dimensions.

    Args:
        inputs: tensor of rank N + 2.
        pool_size: the window size per spatial dimension.
        strides: the window step, default `pool_size`.
        padding: `"valid"` or `"same"` (padded positions never win).
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The pooled tensor.
    """
    data_format = config.standardize_data_format(data_format)
    x = _array(inputs)
    pool, stride, window, step = _windows(x, pool_size, strides, data_format)
    if pool == stride and _padding(padding) == "VALID":
        if jnp.issubdtype(x.dtype, jnp.floating):
            return _max_pool_tiled(x, pool, data_format)
        return _tiled_max(x, pool, data_format)
    # A Python scalar init value lets JAX see a max monoid, which it can
    # differentiate; an array init value cannot be differentiated.
    if jnp.issubdtype(x.dtype, jnp.inexact):
        lowest = -np.inf
    else:
        lowest = int(jnp.iinfo(x.dtype).min)
    return lax.reduce_window(
        x, lowest, lax.max, window, step, _padding(padding)
    )


def _window_counts(
    sizes: Sequence[int], pool: Sequence[int], step: Sequence[int]
) -> np.ndarray:
    """How many real (unpadded) elements each "same" window covers."""
    counts = np.ones(())
    for n, k, s in zip(sizes, pool, step, strict=True):
        out = -(-n // s)
        before = max((out - 1) * s + k - n, 0) // 2
        starts = np.arange(out) * s - before
        covered = np.minimum(starts + k, n) - np.maximum(starts, 0)
        counts = np.multiply.outer(counts, covered)
    return counts


@symbolic_op
def average_pool(
    inputs: ArrayLike,
    pool_size: IntOrInts,
    strides: IntOrInts | None = None,
    padding: str = "valid",
    data_format: str | None = None,
) -> jax.Array:
    """Average pooling over 1, 2 or 3 spatial dimensions.

    With `"same"` padding, each window averages only the real elements it
    covers (padding is not counted), as Keras does.

    Args:
        inputs: tensor of rank N + 2.
        pool_size: the window size per spatial dimension.
        strides: the window step, default `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The pooled tensor.
    """
    data_format = config.standardize_data_format(data_format)
    x = _array(inputs)
    pool, step, window, full_step = _windows(x, pool_size, strides, data_format)
    mode = _padding(padding)
    zero = jnp.array(0, x.dtype)
    total = lax.reduce_window(x, zero, lax.add, window, full_step, mode)
    if mode == "VALID":
        counts = np.asarray(float(np.prod(pool)))
    elif data_format == "channels_last":
        counts = _window_counts(x.shape[1:-1], pool, step)[None, ..., None]
    else:
        counts = _window_counts(x.shape[2:], pool, step)[None, None]
    if jnp.issubdtype(total.dtype, jnp.inexact):
        return total / jnp.asarray(counts, total.dtype)
    return total / jnp.asarray(counts, config.floatx())
