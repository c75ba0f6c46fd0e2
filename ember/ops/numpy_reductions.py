"""NumPy-style reductions (sums, means, statistics, extrema, logic) and
cumulative ops.

Index-finding and sorting ops live in `numpy_sorting.py`; products in
`numpy_products.py`.
"""

from typing import Any

import jax
import jax.numpy as jnp

from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.numpy_arrays import Axis
from ember.ops.numpy_arrays import _axis

_LOW_PRECISION = ("float16", "bfloat16")


def _float_dtypes(x: jax.Array) -> tuple[str, str]:
    """The dtypes to compute a mean-like statistic in, and to return.

    Integers give `float32`; half precision is computed in `float32` to
    avoid overflow, then cast back.
    """
    name = standardize_dtype(x.dtype)
    if name in _LOW_PRECISION:
        return "float32", name
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return "float32", "float32"
    return name, name


# -- reductions ---------------------------------------------------------------


@symbolic_op
def sum(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> jax.Array:
    """Sum of the elements along `axis`.

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.

    Returns:
        The sums (booleans are summed as `int32`).
    """
    return jnp.sum(_array(x), axis=_axis(axis), keepdims=keepdims)


@symbolic_op
def prod(
    x: ArrayLike, axis: Axis = None, keepdims: bool = False, dtype: Any = None
) -> jax.Array:
    """Product of the elements along `axis`.

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.
        dtype: the accumulation and output dtype.

    Returns:
        The products.
    """
    dtype = dtype and standardize_dtype(dtype)
    return jnp.prod(_array(x), axis=_axis(axis), keepdims=keepdims, dtype=dtype)


@symbolic_op
def mean(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> jax.Array:
    """Mean of the elements along `axis`.

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.

    Returns:
        The means: `float32` for integer input; half precision inputs are
        accumulated in `float32` and keep their dtype.
    """
    x = _array(x)
    compute, result = _float_dtypes(x)
    out = jnp.mean(x, axis=_axis(axis), keepdims=keepdims, dtype=compute)
    return out.astype(result)


@symbolic_op
def var(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> jax.Array:
    """Variance (population, `ddof=0`) of the elements along `axis`.

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.

    Returns:
        The variances, as for `mean`.
    """
    x = _array(x)
    compute, result = _float_dtypes(x)
    out = jnp.var(x, axis=_axis(axis), keepdims=keepdims, dtype=compute)
    return out.astype(result)


@symbolic_op
def std(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> jax.Array:
    """Standard deviation (population) of the elements along `axis`.

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.

    Returns:
        The standard deviations, as for `mean`.
    """
    x = _array(x)
    compute, result = _float_dtypes(x)
    out = jnp.std(x.astype(compute), axis=_axis(axis), keepdims=keepdims)
    return out.astype(result)


@symbolic_op
def average(
    x: ArrayLike, axis: Axis = None, weights: ArrayLike | None = None
) -> jax.Array:
    """Weighted mean along `axis`.

    Args:
        x: input tensor.
        axis: the axis to reduce, default all.
        weights: weights of the shape of `x`, or 1-D along `axis`.

    Returns:
        The weighted means, a float tensor.
    """
    x = _array(x)
    compute, _ = _float_dtypes(x)
    if weights is not None:
        weights = _array(weights).astype(compute)
    return jnp.average(x.astype(compute), axis=_axis(axis), weights=weights)


@symbolic_op
def max(
    x: ArrayLike,
    axis: Axis = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
) -> jax.Array:
    """Maximum of the elements along `axis`.

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.
        initial: a lower bound on the result (needed for empty reductions).

    Returns:
        The maxima.
    """
    return jnp.max(
        _array(x), axis=_axis(axis), keepdims=keepdims, initial=initial
    )


@symbolic_op
def min(
    x: ArrayLike,
    axis: Axis = None,
    keepdims: bool = False,
    initial: ArrayLike | None = None,
) -> jax.Array:
    """Minimum of the elements along `axis`.

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.
        initial: an upper bound on the result.

    Returns:
        The minima.
    """
    return jnp.min(
        _array(x), axis=_axis(axis), keepdims=keepdims, initial=initial
    )


@symbolic_op
def amax(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> jax.Array:
    """Maximum along `axis` (same as `max` without `initial`).

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.

    Returns:
        The maxima.
    """
    return jnp.max(_array(x), axis=_axis(axis), keepdims=keepdims)


@symbolic_op
def amin(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> jax.Array:
    """Minimum along `axis` (same as `min` without `initial`).

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.

    Returns:
        The minima.
    """
    return jnp.min(_array(x), axis=_axis(axis), keepdims=keepdims)


@symbolic_op
def all(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> jax.Array:
    """Whether all elements along `axis` are true (non-zero).

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.

    Returns:
        A boolean tensor.
    """
    return jnp.all(_array(x), axis=_axis(axis), keepdims=keepdims)


@symbolic_op
def any(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> jax.Array:
    """Whether any element along `axis` is true (non-zero).

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.
        keepdims: whether to keep reduced axes with size 1.

    Returns:
        A boolean tensor.
    """
    return jnp.any(_array(x), axis=_axis(axis), keepdims=keepdims)


@symbolic_op
def count_nonzero(x: ArrayLike, axis: Axis = None) -> jax.Array:
    """Number of non-zero elements along `axis`.

    Args:
        x: input tensor.
        axis: the axis or axes to reduce, default all.

    Returns:
        An `int32` tensor.
    """
    return jnp.count_nonzero(_array(x), axis=_axis(axis)).astype("int32")


@symbolic_op
def cumsum(
    x: ArrayLike, axis: int | None = None, dtype: Any = None
) -> jax.Array:
    """Cumulative sum along `axis`.

    Args:
        x: input tensor.
        axis: the axis, default the flattened tensor.
        dtype: the accumulation and output dtype.

    Returns:
        The running sums.
    """
    dtype = dtype and standardize_dtype(dtype)
    return jnp.cumsum(_array(x), axis=axis, dtype=dtype)


@symbolic_op
def cumprod(
    x: ArrayLike, axis: int | None = None, dtype: Any = None
) -> jax.Array:
    """Cumulative product along `axis`.

    Args:
        x: input tensor.
        axis: the axis, default the flattened tensor.
        dtype: the accumulation and output dtype.

    Returns:
        The running products.
    """
    dtype = dtype and standardize_dtype(dtype)
    return jnp.cumprod(_array(x), axis=axis, dtype=dtype)
