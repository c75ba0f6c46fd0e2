"""NumPy-style element-wise arithmetic: sums, products, powers, signs,
clipping and rounding.

Python numbers combine with arrays as weak types: a `float32` array plus
`1.0` stays `float32`.
"""

import jax
import jax.numpy as jnp

from ember.core import config
from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.core import _as_float
from ember.ops.core import _ranked

# -- arithmetic ---------------------------------------------------------------


@symbolic_op
def add(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Adds two tensors element-wise (with broadcasting).

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The element-wise sum.
    """
    return jnp.add(*_ranked(x1, x2))


@symbolic_op
def subtract(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Subtracts `x2` from `x1` element-wise.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The element-wise difference.
    """
    return jnp.subtract(*_ranked(x1, x2))


@symbolic_op
def multiply(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Multiplies two tensors element-wise.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The element-wise product.
    """
    return jnp.multiply(*_ranked(x1, x2))


@symbolic_op
def divide(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Divides `x1` by `x2` element-wise (true division).

    Args:
        x1: the numerator.
        x2: the denominator.

    Returns:
        The element-wise quotient; integer inputs give a float result.
    """
    return jnp.divide(*_ranked(x1, x2))


@symbolic_op
def true_divide(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Alias of `divide`.

    Args:
        x1: the numerator.
        x2: the denominator.

    Returns:
        The element-wise quotient.
    """
    return jnp.true_divide(*_ranked(x1, x2))


@symbolic_op
def divide_no_nan(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Divides element-wise, returning 0 where the denominator is 0.

    Args:
        x1: the numerator.
        x2: the denominator.

    Returns:
        The element-wise quotient, 0 where `x2 == 0`.
    """
    x1, x2 = _ranked(x1, x2)
    safe = jnp.where(x2 == 0, jnp.ones_like(x2), x2)
    return jnp.where(x2 == 0, 0, jnp.divide(x1, safe))


@symbolic_op
def floor_divide(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Divides element-wise, rounding towards negative infinity.

    Args:
        x1: the numerator.
        x2: the denominator.

    Returns:
        The element-wise floor of the quotient.
    """
    return jnp.floor_divide(*_ranked(x1, x2))


@symbolic_op
def mod(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise remainder, with the sign of the divisor.

    Args:
        x1: the dividend.
        x2: the divisor.

    Returns:
        The element-wise remainder.
    """
    return jnp.mod(*_ranked(x1, x2))


@symbolic_op
def power(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Raises `x1` to the power `x2` element-wise.

    Args:
        x1: the bases.
        x2: the exponents.

    Returns:
        The element-wise powers.
    """
    return jnp.power(*_ranked(x1, x2))


@symbolic_op
def maximum(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise maximum of two tensors.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The element-wise maximum.
    """
    return jnp.maximum(*_ranked(x1, x2))


@symbolic_op
def minimum(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise minimum of two tensors.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The element-wise minimum.
    """
    return jnp.minimum(*_ranked(x1, x2))


@symbolic_op
def negative(x: ArrayLike) -> jax.Array:
    """Element-wise negation.

    Args:
        x: input tensor.

    Returns:
        `-x`.
    """
    return jnp.negative(_array(x))


@symbolic_op
def abs(x: ArrayLike) -> jax.Array:
    """Element-wise absolute value.

    Args:
        x: input tensor.

    Returns:
        `|x|`, of the same dtype.
    """
    return jnp.abs(_array(x))


@symbolic_op
def absolute(x: ArrayLike) -> jax.Array:
    """Element-wise absolute value (same as `abs`).

    Args:
        x: input tensor.

    Returns:
        `|x|`, of the same dtype.
    """
    return jnp.abs(_array(x))


@symbolic_op
def sign(x: ArrayLike) -> jax.Array:
    """Element-wise sign: -1, 0 or 1.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same dtype.
    """
    return jnp.sign(_array(x))


@symbolic_op
def square(x: ArrayLike) -> jax.Array:
    """Element-wise square.

    Args:
        x: input tensor.

    Returns:
        `x * x`.
    """
    return jnp.square(_array(x))


@symbolic_op
def sqrt(x: ArrayLike) -> jax.Array:
    """Element-wise square root.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.sqrt(_as_float(x))


@symbolic_op
def reciprocal(x: ArrayLike) -> jax.Array:
    """Element-wise reciprocal `1 / x`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same dtype.
    """
    return jnp.reciprocal(_array(x))


@symbolic_op
def clip(x: ArrayLike, x_min: ArrayLike, x_max: ArrayLike) -> jax.Array:
    """Limits the values of `x` to `[x_min, x_max]`.

    Args:
        x: input tensor (booleans are clipped as `int32`).
        x_min: the lower bound.
        x_max: the upper bound.

    Returns:
        The clipped tensor.
    """
    x = _array(x)
    if x.dtype == jnp.bool_:
        x = x.astype("int32")
    return jnp.clip(*_ranked(x, x_min, x_max))


@symbolic_op
def nan_to_num(
    x: ArrayLike,
    nan: float = 0.0,
    posinf: float | None = None,
    neginf: float | None = None,
) -> jax.Array:
    """Replaces NaN and infinities with finite numbers.

    Args:
        x: input tensor.
        nan: the value for NaN.
        posinf: the value for +inf (default: the dtype's largest).
        neginf: the value for -inf (default: the dtype's smallest).

    Returns:
        A tensor without NaN or infinities.
    """
    return jnp.nan_to_num(_array(x), nan=nan, posinf=posinf, neginf=neginf)


# -- rounding -----------------------------------------------------------------


@symbolic_op
def floor(x: ArrayLike) -> jax.Array:
    """Element-wise floor.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.floor(_as_float(x))


@symbolic_op
def ceil(x: ArrayLike) -> jax.Array:
    """Element-wise ceiling.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jnp.ceil(_as_float(x))


@symbolic_op
def round(x: ArrayLike, decimals: int = 0) -> jax.Array:
    """Rounds half to even, to `decimals` decimal places.

    Args:
        x: input tensor.
        decimals: the number of decimals (negative rounds to tens,
            hundreds...).

    Returns:
        A tensor of the same dtype.
    """
    x = _array(x)
    if jnp.issubdtype(x.dtype, jnp.integer) and decimals < 0:
        # jnp.round does not round integers to negative decimals.
        factor = 10.0**decimals
        rounded = jnp.round(x.astype(config.floatx()) * factor) / factor
        return rounded.astype(x.dtype)
    return jnp.round(x, decimals=decimals)


@symbolic_op
def trunc(x: ArrayLike) -> jax.Array:
    """Rounds element-wise towards zero.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same dtype.
    """
    x = _array(x)
    if not jnp.issubdtype(x.dtype, jnp.inexact):
        return x
    return jnp.trunc(x)
