"""NumPy-style array creation: filled tensors, ranges, identity matrices,
copies, triangles and diagonals.
"""

import builtins
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from ember.core import config
from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array


@symbolic_op
def zeros(shape: int | Sequence[int], dtype: Any = None) -> jax.Array:
    """A tensor of zeros.

    Args:
        shape: the shape.
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of zeros.
    """
    return jnp.zeros(shape, dtype=standardize_dtype(dtype))


@symbolic_op
def ones(shape: int | Sequence[int], dtype: Any = None) -> jax.Array:
    """A tensor of ones.

    Args:
        shape: the shape.
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of ones.
    """
    return jnp.ones(shape, dtype=standardize_dtype(dtype))


@symbolic_op
def full(
    shape: int | Sequence[int], fill_value: ArrayLike, dtype: Any = None
) -> jax.Array:
    """A tensor filled with `fill_value`.

    Args:
        shape: the shape.
        fill_value: the value (broadcast to `shape`).
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of shape `shape`.
    """
    fill_value = _array(fill_value)
    return jnp.full(shape, fill_value, dtype=standardize_dtype(dtype))


@symbolic_op
def zeros_like(x: ArrayLike, dtype: Any = None) -> jax.Array:
    """Zeros with the shape (and by default the dtype) of `x`.

    Args:
        x: input tensor.
        dtype: the dtype, default `x`'s.

    Returns:
        A tensor of zeros.
    """
    return jnp.zeros_like(_array(x), dtype=dtype and standardize_dtype(dtype))


@symbolic_op
def ones_like(x: ArrayLike, dtype: Any = None) -> jax.Array:
    """Ones with the shape (and by default the dtype) of `x`.

    Args:
        x: input tensor.
        dtype: the dtype, default `x`'s.

    Returns:
        A tensor of ones.
    """
    return jnp.ones_like(_array(x), dtype=dtype and standardize_dtype(dtype))


@symbolic_op
def full_like(
    x: ArrayLike, fill_value: ArrayLike, dtype: Any = None
) -> jax.Array:
    """`fill_value` with the shape (and by default the dtype) of `x`.

    Args:
        x: input tensor.
        fill_value: the value.
        dtype: the dtype, default `x`'s.

    Returns:
        A tensor of the shape of `x`.
    """
    return jnp.full_like(
        _array(x), _array(fill_value), dtype=dtype and standardize_dtype(dtype)
    )


@symbolic_op
def arange(
    start: ArrayLike,
    stop: ArrayLike | None = None,
    step: ArrayLike | None = None,
    dtype: Any = None,
) -> jax.Array:
    """Evenly spaced values in `[start, stop)`.

    With one argument, counts from 0 to `start`.

    Args:
        start: the first value (or the end, when `stop` is None).
        stop: the end (excluded).
        step: the spacing, default 1.
        dtype: the dtype; default `int32` if all bounds are integers,
            `config.floatx()` otherwise.

    Returns:
        A 1-D tensor.
    """
    if dtype is None:
        bounds = [b for b in (start, stop, step) if b is not None]
        is_float = builtins.any(
            isinstance(b, float)
            or (hasattr(b, "dtype") and jnp.issubdtype(b.dtype, jnp.inexact))
            for b in bounds
        )
        dtype = config.floatx() if is_float else "int32"
    return jnp.arange(start, stop, step, dtype=standardize_dtype(dtype))


@symbolic_op
def linspace(
    start: ArrayLike,
    stop: ArrayLike,
    num: int = 50,
    endpoint: bool = True,
    retstep: bool = False,
    dtype: Any = None,
    axis: int = 0,
) -> jax.Array | tuple:
    """`num` evenly spaced values from `start` to `stop`.

    Args:
        start: the first value.
        stop: the last value (or the end, if `endpoint` is False).
        num: how many values.
        endpoint: whether `stop` is included.
        retstep: whether to also return the spacing.
        dtype: the dtype, default `float32`.
        axis: where the new axis goes when `start`/`stop` are arrays.

    Returns:
        The values, or `(values, step)` when `retstep` is True.
    """
    return jnp.linspace(
        _array(start),
        _array(stop),
        num=num,
        endpoint=endpoint,
        retstep=retstep,
        dtype=dtype and standardize_dtype(dtype),
        axis=axis,
    )


@symbolic_op
def eye(
    N: int, M: int | None = None, k: int = 0, dtype: Any = None
) -> jax.Array:
    """A 2-D tensor with ones on the `k`-th diagonal, zeros elsewhere.

    Args:
        N: the number of rows.
        M: the number of columns, default `N`.
        k: the diagonal: 0 the main one, positive above, negative below.
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of shape `(N, M)`.
    """
    return jnp.eye(N, M, k=k, dtype=standardize_dtype(dtype))


@symbolic_op
def identity(n: int, dtype: Any = None) -> jax.Array:
    """The `n` by `n` identity matrix.

    Args:
        n: the size.
        dtype: the dtype, default `config.floatx()`.

    Returns:
        A tensor of shape `(n, n)`.
    """
    return jnp.identity(n, dtype=standardize_dtype(dtype))


@symbolic_op
def array(x: ArrayLike, dtype: Any = None) -> jax.Array:
    """Creates a tensor from array-like data.

    Args:
        x: the data.
        dtype: the dtype, default inferred from `x`.

    Returns:
        A tensor.
    """
    return _array(x, dtype)


@symbolic_op
def copy(x: ArrayLike) -> jax.Array:
    """Returns a copy of `x`.

    Args:
        x: input tensor.

    Returns:
        A tensor equal to `x`.
    """
    return jnp.copy(_array(x))


# -- triangles and diagonals --------------------------------------------------


@symbolic_op
def tril(x: ArrayLike, k: int = 0) -> jax.Array:
    """Zeros the elements above the `k`-th diagonal.

    Args:
        x: input tensor of rank >= 2.
        k: the diagonal offset.

    Returns:
        The lower triangle of `x`.
    """
    return jnp.tril(_array(x), k=k)


@symbolic_op
def triu(x: ArrayLike, k: int = 0) -> jax.Array:
    """Zeros the elements below the `k`-th diagonal.

    Args:
        x: input tensor of rank >= 2.
        k: the diagonal offset.

    Returns:
        The upper triangle of `x`.
    """
    return jnp.triu(_array(x), k=k)


@symbolic_op
def diag(x: ArrayLike, k: int = 0) -> jax.Array:
    """Extracts a diagonal (2-D input) or builds a diagonal matrix (1-D).

    Args:
        x: a 1-D or 2-D tensor.
        k: the diagonal offset.

    Returns:
        The diagonal, or the diagonal matrix.
    """
    return jnp.diag(_array(x), k=k)
