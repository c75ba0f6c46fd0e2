"""NumPy-style element-wise exponentials, logarithms and trigonometry.

Integer inputs are computed in `config.floatx()`.
"""

import jax
import jax.numpy as jnp

from ember.core.ranks import promote_ranks
from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _as_float


@symbolic_op
def exp(x: ArrayLike) -> jax.Array:
    """Element-wise exponential.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.exp(_as_float(x))


@symbolic_op
def expm1(x: ArrayLike) -> jax.Array:
    """Element-wise `exp(x) - 1`, accurate near 0.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.expm1(_as_float(x))


@symbolic_op
def log(x: ArrayLike) -> jax.Array:
    """Element-wise natural logarithm.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.log(_as_float(x))


@symbolic_op
def log1p(x: ArrayLike) -> jax.Array:
    """Element-wise `log(1 + x)`, accurate near 0.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.log1p(_as_float(x))


@symbolic_op
def log2(x: ArrayLike) -> jax.Array:
    """Element-wise base-2 logarithm.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.log2(_as_float(x))


@symbolic_op
def log10(x: ArrayLike) -> jax.Array:
    """Element-wise base-10 logarithm.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.log10(_as_float(x))


@symbolic_op
def logaddexp(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `log(exp(x1) + exp(x2))`, computed stably.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A float tensor.
    """
    return jnp.logaddexp(*promote_ranks(_as_float(x1), _as_float(x2)))


@symbolic_op
def sin(x: ArrayLike) -> jax.Array:
    """Element-wise sine.

    Args:
        x: input tensor, in radians.

    Returns:
        A float tensor.
    """
    return jnp.sin(_as_float(x))


@symbolic_op
def cos(x: ArrayLike) -> jax.Array:
    """Element-wise cosine.

    Args:
        x: input tensor, in radians.

    Returns:
        A float tensor.
    """
    return jnp.cos(_as_float(x))


@symbolic_op
def tan(x: ArrayLike) -> jax.Array:
    """Element-wise tangent.

    Args:
        x: input tensor, in radians.

    Returns:
        A float tensor.
    """
    return jnp.tan(_as_float(x))


@symbolic_op
def arcsin(x: ArrayLike) -> jax.Array:
    """Element-wise inverse sine.

    Args:
        x: input tensor.

    Returns:
        A float tensor, in radians.
    """
    return jnp.arcsin(_as_float(x))


@symbolic_op
def arccos(x: ArrayLike) -> jax.Array:
    """Element-wise inverse cosine.

    Args:
        x: input tensor.

    Returns:
        A float tensor, in radians.
    """
    return jnp.arccos(_as_float(x))


@symbolic_op
def arctan(x: ArrayLike) -> jax.Array:
    """Element-wise inverse tangent.

    Args:
        x: input tensor.

    Returns:
        A float tensor, in radians.
    """
    return jnp.arctan(_as_float(x))


@symbolic_op
def arctan2(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise angle of the point `(x2, x1)`, quadrant-aware.

    Args:
        x1: the y coordinates.
        x2: the x coordinates.

    Returns:
        A float tensor, in radians in `[-pi, pi]`.
    """
    return jnp.arctan2(*promote_ranks(_as_float(x1), _as_float(x2)))


@symbolic_op
def sinh(x: ArrayLike) -> jax.Array:
    """Element-wise hyperbolic sine.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.sinh(_as_float(x))


@symbolic_op
def cosh(x: ArrayLike) -> jax.Array:
    """Element-wise hyperbolic cosine.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.cosh(_as_float(x))


@symbolic_op
def tanh(x: ArrayLike) -> jax.Array:
    """Element-wise hyperbolic tangent.

    Args:
        x: input tensor.

    Returns:
        A float tensor with values in `(-1, 1)`.
    """
    return jnp.tanh(_as_float(x))
