"""Less common activations: shrinkage, smooth ReLU variants, sparsemax."""

import jax
import jax.numpy as jnp

from ember import ops
from ember.ops._dispatch import symbolic_op


@symbolic_op
def celu(x, alpha: float = 1.0) -> jax.Array:
    """Continuously differentiable ELU.

    It is `x` for `x >= 0` and `alpha * (exp(x / alpha) - 1)` otherwise.

    Args:
        x: input tensor.
        alpha: the scale of the negative part.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.celu(x, alpha=alpha)


@symbolic_op
def glu(x, axis: int = -1) -> jax.Array:
    """Gated linear unit: `a * sigmoid(b)` for the two halves `a, b` of `x`.

    Args:
        x: input tensor; its size along `axis` must be even.
        axis: the axis that is split in two.

    Returns:
        A tensor of the shape of `x` with the size along `axis` halved.
    """
    return ops.glu(x, axis=axis)


@symbolic_op
def hard_tanh(x) -> jax.Array:
    """Hard tanh: `x` clipped to `[-1, 1]`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return jax.nn.hard_tanh(jnp.asarray(x))


@symbolic_op
def hard_shrink(x, threshold: float = 0.5) -> jax.Array:
    """Hard shrinkage: `x` where `abs(x) > threshold`, else 0.

    Args:
        x: input tensor.
        threshold: values with magnitude at most this become 0.

    Returns:
        A tensor of the same shape as `x`.
    """
    x = jnp.asarray(x)
    return jnp.where(jnp.abs(x) > threshold, x, 0.0)


@symbolic_op
def soft_shrink(x, threshold: float = 0.5) -> jax.Array:
    """Soft shrinkage: moves `x` towards 0 by `threshold`, stopping at 0.

    Args:
        x: input tensor.
        threshold: the amount subtracted from the magnitude.

    Returns:
        A tensor of the same shape as `x`.
    """
    x = jnp.asarray(x)
    shrunk = jnp.where(x < -threshold, x + threshold, 0.0)
    return jnp.where(x > threshold, x - threshold, shrunk)


@symbolic_op
def tanh_shrink(x) -> jax.Array:
    """Tanh shrinkage: `x - tanh(x)`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    x = jnp.asarray(x)
    return x - jnp.tanh(x)


@symbolic_op
def threshold(x, threshold: float, default_value: float) -> jax.Array:
    """Keeps `x` where it exceeds `threshold`, else uses `default_value`.

    Args:
        x: input tensor.
        threshold: values at or below it are replaced.
        default_value: the replacement value.

    Returns:
        A tensor of the same shape as `x`.
    """
    x = jnp.asarray(x)
    return jnp.where(x > threshold, x, default_value)


@symbolic_op
def squareplus(x, b: float = 4) -> jax.Array:
    """Squareplus: `(x + sqrt(x ** 2 + b)) / 2`, a smooth ReLU.

    Args:
        x: input tensor.
        b: smoothness near 0; must be non-negative.

    Returns:
        A tensor of the same shape as `x`.
    """
    return jax.nn.squareplus(jnp.asarray(x), b=b)


@symbolic_op
def sparse_plus(x) -> jax.Array:
    """SparsePlus: 0 below -1, `x` above 1, `(x + 1) ** 2 / 4` in between.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return jax.nn.sparse_plus(jnp.asarray(x))


@symbolic_op
def sparse_sigmoid(x) -> jax.Array:
    """Sparse sigmoid: 0 below -1, 1 above 1, `(x + 1) / 2` in between.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return jax.nn.sparse_sigmoid(jnp.asarray(x))


@symbolic_op
def log_sigmoid(x) -> jax.Array:
    """Logarithm of the sigmoid: `-softplus(-x)`, computed stably.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.log_sigmoid(x)


@symbolic_op
def sparsemax(x, axis: int = -1) -> jax.Array:
    """Sparsemax: the Euclidean projection of `x` onto the simplex.

    Like softmax the outputs along `axis` sum to 1, but many are exactly 0:
    `sparsemax(x) = max(x - tau, 0)` with `tau` chosen per slice
    (Martins and Astudillo, 2016).

    Args:
        x: input tensor (logits).
        axis: the axis to normalize over.

    Returns:
        A tensor of the same shape as `x`.
    """
    x = jnp.asarray(x)
    ranked = -jnp.sort(-x, axis=axis)
    totals = jnp.cumsum(ranked, axis=axis)
    ranks_shape = [1] * x.ndim
    ranks_shape[axis] = -1
    ranks = jnp.arange(1, x.shape[axis] + 1).reshape(ranks_shape)
    in_support = ranked - (totals - 1) / ranks > 0
    support_size = jnp.sum(in_support, axis=axis, keepdims=True)
    # The support is a prefix of the ranked values, so its sum is theirs.
    support_total = jnp.sum(
        jnp.where(in_support, ranked, 0.0), axis=axis, keepdims=True
    )
    tau = (support_total - 1) / support_size
    return jnp.maximum(x - tau, 0.0)
