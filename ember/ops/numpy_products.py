"""NumPy-style products of tensors (matmul, dot, tensordot, outer, einsum)
and coordinate grids."""

from collections.abc import Sequence

import jax
import jax.numpy as jnp

from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array


@symbolic_op
def matmul(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Matrix product, batched over leading dimensions.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The product; two `int8` inputs accumulate and return `int32`.
    """
    x1, x2 = _array(x1), _array(x2)
    preferred = None
    if x1.dtype == jnp.int8 and x2.dtype == jnp.int8:
        preferred = jnp.int32
    return jnp.matmul(x1, x2, preferred_element_type=preferred)


@symbolic_op
def dot(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Dot product, as `numpy.dot`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The product: a sum over the last axis of `x1` and the second-last
        (or only) axis of `x2`.
    """
    return jnp.dot(_array(x1), _array(x2))


@symbolic_op
def tensordot(
    x1: ArrayLike, x2: ArrayLike, axes: int | Sequence = 2
) -> jax.Array:
    """Sum of products over the given axes.

    Args:
        x1: first input tensor.
        x2: second input tensor.
        axes: a number of trailing/leading axes, or a pair of axis lists.

    Returns:
        The contracted tensor.
    """
    return jnp.tensordot(_array(x1), _array(x2), axes=axes)


@symbolic_op
def outer(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Outer product of two (flattened) tensors.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A 2-D tensor.
    """
    return jnp.outer(_array(x1), _array(x2))


@symbolic_op
def einsum(subscripts: str, *operands: ArrayLike, **kwargs) -> jax.Array:
    """Evaluates an Einstein summation, such as `"ij,jk->ik"`.

    Args:
        subscripts: the summation, in NumPy's notation.
        *operands: the tensors.
        **kwargs: passed on to `jax.numpy.einsum`.

    Returns:
        The result.
    """
    return jnp.einsum(subscripts, *[_array(x) for x in operands], **kwargs)


@symbolic_op
def meshgrid(*x: ArrayLike, indexing: str = "xy") -> list:
    """Coordinate grids from 1-D coordinate vectors.

    Args:
        *x: the 1-D tensors.
        indexing: `"xy"` (Cartesian) or `"ij"` (matrix).

    Returns:
        A list of N-D tensors.
    """
    return jnp.meshgrid(*[_array(t) for t in x], indexing=indexing)
