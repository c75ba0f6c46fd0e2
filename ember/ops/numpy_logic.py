"""NumPy-style element-wise predicates, comparisons and logical ops.

Each returns a boolean tensor.
"""

import jax
import jax.numpy as jnp

from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.core import _ranked

# -- predicates and comparisons ------------------------------------------------


@symbolic_op
def isnan(x: ArrayLike) -> jax.Array:
    """Element-wise test for NaN.

    Args:
        x: input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.isnan(_array(x))


@symbolic_op
def isinf(x: ArrayLike) -> jax.Array:
    """Element-wise test for positive or negative infinity.

    Args:
        x: input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.isinf(_array(x))


@symbolic_op
def isfinite(x: ArrayLike) -> jax.Array:
    """Element-wise test for finite values (not NaN, not infinite).

    Args:
        x: input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.isfinite(_array(x))


@symbolic_op
def equal(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 == x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.equal(*_ranked(x1, x2))


@symbolic_op
def not_equal(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 != x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.not_equal(*_ranked(x1, x2))


@symbolic_op
def less(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 < x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.less(*_ranked(x1, x2))


@symbolic_op
def less_equal(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 <= x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.less_equal(*_ranked(x1, x2))


@symbolic_op
def greater(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 > x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.greater(*_ranked(x1, x2))


@symbolic_op
def greater_equal(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 >= x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.greater_equal(*_ranked(x1, x2))


@symbolic_op
def isclose(
    x1: ArrayLike,
    x2: ArrayLike,
    rtol: float = 1e-5,
    atol: float = 1e-8,
    equal_nan: bool = False,
) -> jax.Array:
    """Element-wise `|x1 - x2| <= atol + rtol * |x2|`.

    Args:
        x1: first input tensor.
        x2: second input tensor.
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: whether NaNs compare equal to each other.

    Returns:
        A boolean tensor.
    """
    return jnp.isclose(
        *_ranked(x1, x2), rtol=rtol, atol=atol, equal_nan=equal_nan
    )


# -- logical ------------------------------------------------------------------


@symbolic_op
def logical_and(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise logical AND (non-zero values count as true).

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.logical_and(*_ranked(x1, x2))


@symbolic_op
def logical_or(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise logical OR.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.logical_or(*_ranked(x1, x2))


@symbolic_op
def logical_xor(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise logical XOR.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.logical_xor(*_ranked(x1, x2))


@symbolic_op
def logical_not(x: ArrayLike) -> jax.Array:
    """Element-wise logical NOT.

    Args:
        x: input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.logical_not(_array(x))
