"""The built-in activation functions, elementwise (or along one axis).

Where `ember.ops` has the same computation, the activation calls the op (as
Keras' activations do); the functions here keep Keras' activation names,
defaults and docstrings, and are what `serialize` names.
"""

import jax
import jax.numpy as jnp

from ember import ops
from ember.core.symbolic import symbolic_op


@symbolic_op
def relu(
    x,
    negative_slope: float = 0.0,
    max_value: float | None = None,
    threshold: float = 0.0,
) -> jax.Array:
    """Rectified linear unit, `max(x, 0)` by default.

    The arguments change it: values below `threshold` get slope
    `negative_slope` (measured from the threshold), and outputs are capped
    at `max_value`.

    Args:
        x: input tensor.
        negative_slope: slope for values below the threshold.
        max_value: upper bound of the output, or None for no bound.
        threshold: values above it pass through; below it they are damped.

    Returns:
        A tensor of the same shape and dtype as `x`.
    """
    x = jnp.asarray(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0:
        return jax.nn.leaky_relu(x, negative_slope=negative_slope)
    if threshold != 0:
        negative_part = jax.nn.relu(threshold - x)
        positive = jnp.where(x > jnp.asarray(threshold, x.dtype), x, 0)
    else:
        negative_part = jax.nn.relu(-x)
        positive = jax.nn.relu(x)
    if max_value is not None:
        low = jnp.asarray(0, positive.dtype)
        positive = jnp.clip(positive, low, jnp.asarray(max_value, x.dtype))
    if negative_slope != 0.0:
        positive = positive - negative_slope * negative_part
    return positive


@symbolic_op
def leaky_relu(x, negative_slope: float = 0.2) -> jax.Array:
    """Leaky ReLU: `x` for `x >= 0`, `negative_slope * x` otherwise.

    Args:
        x: input tensor.
        negative_slope: slope for negative inputs.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.leaky_relu(x, negative_slope=negative_slope)


@symbolic_op
def relu6(x) -> jax.Array:
    """ReLU capped at 6: `min(max(x, 0), 6)`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.relu6(x)


@symbolic_op
def softmax(x, axis: int | tuple[int, ...] = -1) -> jax.Array:
    """Softmax: `exp(x) / sum(exp(x))` along `axis`, a distribution.

    Args:
        x: input tensor (logits).
        axis: the axis, or tuple of axes, to normalize over.

    Returns:
        A tensor of the same shape as `x` whose values along `axis` are in
        `[0, 1]` and sum to 1.
    """
    return ops.softmax(x, axis=axis)


@symbolic_op
def log_softmax(x, axis: int | tuple[int, ...] = -1) -> jax.Array:
    """Logarithm of the softmax along `axis`, computed stably.

    Args:
        x: input tensor (logits).
        axis: the axis, or tuple of axes, to normalize over.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.log_softmax(x, axis=axis)


@symbolic_op
def elu(x, alpha: float = 1.0) -> jax.Array:
    """Exponential linear unit: `x` if `x > 0`, else `alpha * (exp(x) - 1)`.

    Args:
        x: input tensor.
        alpha: the value the output approaches for large negative inputs is
            `-alpha`.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.elu(x, alpha=alpha)


@symbolic_op
def selu(x) -> jax.Array:
    """Scaled ELU: `scale * elu(x, alpha)` with the self-normalizing constants.

    `alpha` is about 1.6733 and `scale` about 1.0507 (Klambauer et al.).

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.selu(x)


@symbolic_op
def softplus(x) -> jax.Array:
    """Softplus: `log(exp(x) + 1)`, computed stably.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.softplus(x)


@symbolic_op
def softsign(x) -> jax.Array:
    """Softsign: `x / (abs(x) + 1)`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.softsign(x)


@symbolic_op
def silu(x) -> jax.Array:
    """SiLU, also called swish: `x * sigmoid(x)`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.silu(x)


swish = silu


@symbolic_op
def gelu(x, approximate: bool = False) -> jax.Array:
    """Gaussian error linear unit: `x * P(X <= x)` for a standard normal `X`.

    Args:
        x: input tensor.
        approximate: whether to use the tanh approximation instead of the
            exact form with `erf`.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.gelu(x, approximate=approximate)


@symbolic_op
def tanh(x) -> jax.Array:
    """Hyperbolic tangent: `(exp(x) - exp(-x)) / (exp(x) + exp(-x))`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.tanh(x)


@symbolic_op
def sigmoid(x) -> jax.Array:
    """Logistic sigmoid: `1 / (1 + exp(-x))`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`, with values in `(0, 1)`.
    """
    return ops.sigmoid(x)


@symbolic_op
def exponential(x) -> jax.Array:
    """Exponential: `exp(x)`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.exp(x)


@symbolic_op
def hard_sigmoid(x) -> jax.Array:
    """Piecewise linear sigmoid: `relu6(x + 3) / 6`.

    It is 0 below -3, 1 above 3 and `x / 6 + 0.5` in between.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.hard_sigmoid(x)


@symbolic_op
def hard_silu(x) -> jax.Array:
    """Hard SiLU, also called hard swish: `x * hard_sigmoid(x)`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    return ops.hard_silu(x)


hard_swish = hard_silu


def linear(x):
    """Linear (identity) activation: returns `x` unchanged.

    Args:
        x: input tensor.

    Returns:
        `x` itself.
    """
    return x


@symbolic_op
def mish(x) -> jax.Array:
    """Mish: `x * tanh(softplus(x))`.

    Args:
        x: input tensor.

    Returns:
        A tensor of the same shape as `x`.
    """
    x = jnp.asarray(x)
    return x * jnp.tanh(jax.nn.softplus(x))


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
