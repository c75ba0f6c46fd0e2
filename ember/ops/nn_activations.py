"""Activation ops: elementwise (or along one axis) functions of `jax.nn`."""

from collections.abc import Sequence

import jax

from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.core import _as_float


@symbolic_op
def relu(x: ArrayLike) -> jax.Array:
    """Rectified linear unit, `max(x, 0)`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape and dtype.
    """
    return jax.nn.relu(_array(x))


@symbolic_op
def relu6(x: ArrayLike) -> jax.Array:
    """ReLU capped at 6, `min(max(x, 0), 6)`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape and dtype.
    """
    return jax.nn.relu6(_array(x))


@symbolic_op
def sigmoid(x: ArrayLike) -> jax.Array:
    """Logistic sigmoid, `1 / (1 + exp(-x))`.

    Args:
        x: input tensor.

    Returns:
        A float tensor with values in `(0, 1)`.
    """
    return jax.nn.sigmoid(_as_float(x))


@symbolic_op
def log_sigmoid(x: ArrayLike) -> jax.Array:
    """Logarithm of the sigmoid, `-softplus(-x)`, computed stably.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jax.nn.log_sigmoid(_as_float(x))


@symbolic_op
def hard_sigmoid(x: ArrayLike) -> jax.Array:
    """Piecewise linear sigmoid, `relu6(x + 3) / 6`.

    Args:
        x: input tensor.

    Returns:
        A float tensor with values in `[0, 1]`.
    """
    return jax.nn.hard_sigmoid(_as_float(x))


@symbolic_op
def softplus(x: ArrayLike) -> jax.Array:
    """Softplus, `log(1 + exp(x))`.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jax.nn.softplus(_as_float(x))


@symbolic_op
def softsign(x: ArrayLike) -> jax.Array:
    """Softsign, `x / (1 + |x|)`.

    Args:
        x: input tensor.

    Returns:
        A float tensor with values in `(-1, 1)`.
    """
    return jax.nn.soft_sign(_as_float(x))


@symbolic_op
def silu(x: ArrayLike) -> jax.Array:
    """Sigmoid linear unit (swish), `x * sigmoid(x)`.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jax.nn.silu(_as_float(x))


# One function under both names, as in Keras (`swish is silu`).
swish = silu


@symbolic_op
def hard_silu(x: ArrayLike) -> jax.Array:
    """Hard SiLU (hard swish), `x * relu6(x + 3) / 6`.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jax.nn.hard_silu(_as_float(x))


# One function under both names, as in Keras (`hard_swish is hard_silu`).
hard_swish = hard_silu


@symbolic_op
def leaky_relu(x: ArrayLike, negative_slope: float = 0.2) -> jax.Array:
    """Leaky ReLU: `x` if `x >= 0`, else `negative_slope * x`.

    Args:
        x: input tensor.
        negative_slope: the slope for negative inputs.

    Returns:
        A float tensor.
    """
    return jax.nn.leaky_relu(_as_float(x), negative_slope=negative_slope)


@symbolic_op
def elu(x: ArrayLike, alpha: float = 1.0) -> jax.Array:
    """Exponential linear unit: `x` if `x > 0`, else `alpha * (exp(x) - 1)`.

    Args:
        x: input tensor.
        alpha: the scale of the negative part.

    Returns:
        A float tensor.
    """
    return jax.nn.elu(_as_float(x), alpha=alpha)


@symbolic_op
def selu(x: ArrayLike) -> jax.Array:
    """Scaled ELU with the self-normalizing constants of Klambauer et al.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jax.nn.selu(_as_float(x))


@symbolic_op
def celu(x: ArrayLike, alpha: float = 1.0) -> jax.Array:
    """Continuously differentiable ELU.

    Computes `max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))`.

    Args:
        x: input tensor.
        alpha: the scale of the negative part.

    Returns:
        A float tensor.
    """
    return jax.nn.celu(_as_float(x), alpha=alpha)


@symbolic_op
def gelu(x: ArrayLike, approximate: bool = True) -> jax.Array:
    """Gaussian error linear unit, `x * P(X <= x)` for `X ~ N(0, 1)`.

    Args:
        x: input tensor.
        approximate: whether to use the tanh approximation.

    Returns:
        A float tensor.
    """
    return jax.nn.gelu(_as_float(x), approximate=approximate)


@symbolic_op
def glu(x: ArrayLike, axis: int = -1) -> jax.Array:
    """Gated linear unit: `a * sigmoid(b)` for the two halves of `x`.

    Args:
        x: input tensor; its size along `axis` must be even.
        axis: the axis to split.

    Returns:
        A float tensor, half the size of `x` along `axis`.
    """
    return jax.nn.glu(_as_float(x), axis=axis)


@symbolic_op
def softmax(x: ArrayLike, axis: int | Sequence[int] = -1) -> jax.Array:
    """Softmax, `exp(x) / sum(exp(x))` along `axis`.

    Args:
        x: input tensor.
        axis: the axis (or axes) to normalize over.

    Returns:
        A float tensor summing to 1 along `axis`.
    """
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jax.nn.softmax(_as_float(x), axis=axis)


@symbolic_op
def log_softmax(x: ArrayLike, axis: int | Sequence[int] = -1) -> jax.Array:
    """Logarithm of the softmax, computed stably.

    Args:
        x: input tensor.
        axis: the axis (or axes) to normalize over.

    Returns:
        A float tensor.
    """
    axis = tuple(axis) if isinstance(axis, list) else axis
    return jax.nn.log_softmax(_as_float(x), axis=axis)
