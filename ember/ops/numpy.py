"""NumPy-style element-wise ops: arithmetic, math functions, comparisons.

Array construction, shapes, reductions and products live in
`numpy_arrays.py`. Python numbers combine with arrays as weak types: a
`float32` array plus `1.0` stays `float32`.
"""

import jax
import jax.numpy as jnp

from ember.core import config
from ember.ops._dispatch import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.core import _as_float

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
    return jnp.add(_array(x1), _array(x2))


@symbolic_op
def subtract(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Subtracts `x2` from `x1` element-wise.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The element-wise difference.
    """
    return jnp.subtract(_array(x1), _array(x2))


@symbolic_op
def multiply(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Multiplies two tensors element-wise.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The element-wise product.
    """
    return jnp.multiply(_array(x1), _array(x2))


@symbolic_op
def divide(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Divides `x1` by `x2` element-wise (true division).

    Args:
        x1: the numerator.
        x2: the denominator.

    Returns:
        The element-wise quotient; integer inputs give a float result.
    """
    return jnp.divide(_array(x1), _array(x2))


@symbolic_op
def true_divide(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Alias of `divide`.

    Args:
        x1: the numerator.
        x2: the denominator.

    Returns:
        The element-wise quotient.
    """
    return jnp.true_divide(_array(x1), _array(x2))


@symbolic_op
def divide_no_nan(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Divides element-wise, returning 0 where the denominator is 0.

    Args:
        x1: the numerator.
        x2: the denominator.

    Returns:
        The element-wise quotient, 0 where `x2 == 0`.
    """
    x1, x2 = _array(x1), _array(x2)
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
    return jnp.floor_divide(_array(x1), _array(x2))


@symbolic_op
def mod(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise remainder, with the sign of the divisor.

    Args:
        x1: the dividend.
        x2: the divisor.

    Returns:
        The element-wise remainder.
    """
    return jnp.mod(_array(x1), _array(x2))


@symbolic_op
def power(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Raises `x1` to the power `x2` element-wise.

    Args:
        x1: the bases.
        x2: the exponents.

    Returns:
        The element-wise powers.
    """
    return jnp.power(_array(x1), _array(x2))


@symbolic_op
def maximum(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise maximum of two tensors.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The element-wise maximum.
    """
    return jnp.maximum(_array(x1), _array(x2))


@symbolic_op
def minimum(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise minimum of two tensors.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        The element-wise minimum.
    """
    return jnp.minimum(_array(x1), _array(x2))


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
    return jnp.clip(x, _array(x_min), _array(x_max))


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


# -- exponentials, logarithms, trigonometry --------------------------------


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
    return jnp.logaddexp(_as_float(x1), _as_float(x2))


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
    return jnp.arctan2(_as_float(x1), _as_float(x2))


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
    return jnp.equal(_array(x1), _array(x2))


@symbolic_op
def not_equal(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 != x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.not_equal(_array(x1), _array(x2))


@symbolic_op
def less(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 < x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.less(_array(x1), _array(x2))


@symbolic_op
def less_equal(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 <= x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.less_equal(_array(x1), _array(x2))


@symbolic_op
def greater(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 > x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.greater(_array(x1), _array(x2))


@symbolic_op
def greater_equal(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise `x1 >= x2`.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.greater_equal(_array(x1), _array(x2))


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
        _array(x1), _array(x2), rtol=rtol, atol=atol, equal_nan=equal_nan
    )


@symbolic_op
def logical_and(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise logical AND (non-zero values count as true).

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.logical_and(_array(x1), _array(x2))


@symbolic_op
def logical_or(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise logical OR.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.logical_or(_array(x1), _array(x2))


@symbolic_op
def logical_xor(x1: ArrayLike, x2: ArrayLike) -> jax.Array:
    """Element-wise logical XOR.

    Args:
        x1: first input tensor.
        x2: second input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.logical_xor(_array(x1), _array(x2))


@symbolic_op
def logical_not(x: ArrayLike) -> jax.Array:
    """Element-wise logical NOT.

    Args:
        x: input tensor.

    Returns:
        A boolean tensor.
    """
    return jnp.logical_not(_array(x))


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
    return jnp.where(condition, _array(x1), _array(x2))
