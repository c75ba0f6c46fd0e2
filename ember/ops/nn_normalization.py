"""Normalization ops: moments, batch normalization, L-p normalization."""

from collections.abc import Sequence

import jax
import jax.numpy as jnp
from jax import lax

from ember.core import config
from ember.core.dtypes import standardize_dtype
from ember.core.symbolic import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.core import _as_float


@symbolic_op
def moments(
    x: ArrayLike,
    axes: int | Sequence[int],
    keepdims: bool = False,
    synchronized: bool = False,
) -> tuple[jax.Array, jax.Array]:
    """Mean and variance of `x` over `axes`.

    Half-precision inputs are reduced in `float32` and cast back.

    Args:
        x: input tensor.
        axes: the axis or axes to reduce.
        keepdims: whether to keep reduced axes with size 1.
        synchronized: must be False (no cross-device reduction in ember's
            ops; shard with `jax` instead).

    Returns:
        A pair `(mean, variance)`.
    """
    if synchronized:
        raise NotImplementedError(
            "`synchronized=True` is not supported. Received: synchronized=True"
        )
    x = _array(x)
    axes = tuple(axes) if isinstance(axes, list | tuple) else axes
    dtype = standardize_dtype(x.dtype)
    low_precision = dtype in ("float16", "bfloat16")
    if low_precision:
        x = x.astype("float32")
    mean = jnp.mean(x, axis=axes, keepdims=keepdims)
    variance = jnp.var(x, axis=axes, keepdims=keepdims)
    if low_precision:
        # Clip first: a float32 statistic can overflow the half type.
        limit = float(jnp.finfo(dtype).max)
        mean = jnp.clip(mean, -limit, limit).astype(dtype)
        variance = jnp.clip(variance, -limit, limit).astype(dtype)
    return mean, variance


@symbolic_op
def batch_normalization(
    x: ArrayLike,
    mean: ArrayLike,
    variance: ArrayLike,
    axis: int,
    offset: ArrayLike | None = None,
    scale: ArrayLike | None = None,
    epsilon: float = 1e-3,
) -> jax.Array:
    """Normalizes `x` with given statistics along the feature `axis`.

    Computes `(x - mean) / sqrt(variance + epsilon) * scale + offset`.

    Args:
        x: input tensor.
        mean: 1-D tensor, one value per feature.
        variance: 1-D tensor, one value per feature.
        axis: the feature axis of `x`.
        offset: optional 1-D shift (beta).
        scale: optional 1-D scale (gamma).
        epsilon: added to the variance for stability.

    Returns:
        The normalized tensor.
    """
    x = _array(x)
    shape = [1] * x.ndim
    shape[axis] = x.shape[axis]

    def per_feature(value):
        return jnp.reshape(_array(value), shape)

    inv = lax.rsqrt(per_feature(variance) + epsilon)
    if scale is not None:
        inv = inv * per_feature(scale)
    shift = -per_feature(mean) * inv
    if offset is not None:
        shift = shift + per_feature(offset)
    return x * inv + shift


@symbolic_op
def normalize(
    x: ArrayLike,
    axis: int = -1,
    order: int = 2,
    epsilon: float | None = None,
) -> jax.Array:
    """Divides `x` by its `order`-norm along `axis`.

    Args:
        x: input tensor.
        axis: the axis along which to normalize.
        order: the norm's order, an int >= 1.
        epsilon: lower bound of the norm, default `config.epsilon()`.

    Returns:
        The normalized tensor.
    """
    if not isinstance(order, int) or order < 1:
        raise ValueError(
            f"Argument `order` must be an int >= 1. Received: order={order}"
        )
    x = _as_float(x)
    if x.ndim == 0:
        x = x[None]
    epsilon = config.epsilon() if epsilon is None else epsilon
    if order == 2:
        squares = jnp.sum(jnp.square(x), axis=axis, keepdims=True)
        return x * jnp.minimum(lax.rsqrt(squares), 1.0 / epsilon)
    norm = jnp.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / jnp.maximum(norm, epsilon)
