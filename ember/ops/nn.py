"""Neural network ops: activations, convolution, pooling, losses.

Convolution kernels use Keras' layout `spatial... + (in_channels_per_group,
out_channels)`; images are `channels_last` unless `data_format` (or
`config.image_data_format()`) says otherwise.
"""

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ember.core import config
from ember.core.dtypes import standardize_dtype
from ember.ops._dispatch import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.core import _as_float

IntOrInts = int | Sequence[int]

# -- activations --------------------------------------------------------------


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


@symbolic_op
def swish(x: ArrayLike) -> jax.Array:
    """Swish, `x * sigmoid(x)` (same as `silu`).

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jax.nn.silu(_as_float(x))


@symbolic_op
def hard_silu(x: ArrayLike) -> jax.Array:
    """Hard SiLU (hard swish), `x * relu6(x + 3) / 6`.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jax.nn.hard_silu(_as_float(x))


@symbolic_op
def hard_swish(x: ArrayLike) -> jax.Array:
    """Hard swish, the same as `hard_silu`.

    Args:
        x: input tensor.

    Returns:
        A float tensor.
    """
    return jax.nn.hard_silu(_as_float(x))


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


# -- encodings ----------------------------------------------------------------


@symbolic_op
def one_hot(
    x: ArrayLike,
    num_classes: int,
    axis: int = -1,
    dtype: Any = None,
    sparse: bool = False,
) -> jax.Array:
    """One-hot encodes integer class indices.

    Indices outside `[0, num_classes)` give all-zero rows.

    Args:
        x: integer tensor of class indices.
        num_classes: the size of the new axis.
        axis: where the new axis goes.
        dtype: the output dtype, default `config.floatx()`.
        sparse: accepted for compatibility; the output is always dense.

    Returns:
        A tensor with one more dimension than `x`.
    """
    return jax.nn.one_hot(
        _array(x), num_classes, axis=axis, dtype=standardize_dtype(dtype)
    )


@symbolic_op
def multi_hot(
    inputs: ArrayLike,
    num_classes: int | None = None,
    axis: int = -1,
    dtype: Any = None,
    sparse: bool = False,
    **kwargs,
) -> jax.Array:
    """Multi-hot encodes each row of class indices.

    Args:
        inputs: integer tensor of class indices, 1-D or batched 2-D.
        num_classes: the number of classes (`num_tokens` is accepted too).
        axis: where the class axis goes.
        dtype: the output dtype, default `config.floatx()`.
        sparse: accepted for compatibility; the output is always dense.
        **kwargs: only `num_tokens`, the old name of `num_classes`.

    Returns:
        A tensor with 1 at each class present in the row.
    """
    if num_classes is None:
        num_classes = kwargs.pop("num_tokens", None)
    if num_classes is None:
        raise ValueError("Argument `num_classes` must be specified.")
    inputs = _array(inputs).astype("int32")
    encoded = jax.nn.one_hot(
        inputs, num_classes, axis=axis, dtype=standardize_dtype(dtype)
    )
    return jnp.max(encoded, axis=1 if inputs.ndim > 1 else 0)


# -- convolution --------------------------------------------------------------


def _tuple(value: IntOrInts, rank: int, name: str) -> tuple:
    """An int, or a sequence of `rank` ints, as a `rank`-tuple."""
    if isinstance(value, int):
        return (value,) * rank
    value = tuple(int(v) for v in value)
    if len(value) != rank:
        raise ValueError(
            f"`{name}` must be an int or a sequence of {rank} ints for "
            f"{rank}-D spatial inputs. Received: {name}={value}"
        )
    return value


def _padding(padding: str) -> str:
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(
            "`padding` must be 'valid' or 'same'. "
            f"Received: padding={padding!r}"
        )
    return mode.upper()


def _dimension_numbers(rank: int, data_format: str) -> lax.ConvDimensionNumbers:
    """Tells XLA where batch, channels and space are; no transposes needed.

    Kernels are `spatial... + (in, out)` in both data formats.
    """
    spatial = tuple(range(1, rank + 1))
    if data_format == "channels_last":
        image = (0, rank + 1, *spatial)
    else:
        image = (0, 1, *(d + 1 for d in spatial))
    kernel = (rank + 1, rank, *range(rank))
    return lax.ConvDimensionNumbers(image, kernel, image)


def _channels(x: jax.Array, data_format: str) -> int:
    return x.shape[-1] if data_format == "channels_last" else x.shape[1]


def _check_conv_output(result: jax.Array, inputs: jax.Array) -> jax.Array:
    if result.size == 0 and inputs.size != 0:
        raise ValueError(
            "The convolution produced an empty output: the input of shape "
            f"{inputs.shape} is too small for the kernel size, strides, "
            "dilation rate and padding."
        )
    return result


@symbolic_op
def conv(
    inputs: ArrayLike,
    kernel: ArrayLike,
    strides: IntOrInts = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: IntOrInts = 1,
) -> jax.Array:
    """N-D convolution (1-D, 2-D or 3-D), grouped when the kernel says so.

    The number of groups is `in_channels // kernel.shape[-2]`.

    Args:
        inputs: tensor of rank N + 2.
        kernel: tensor of shape `spatial... + (in_channels // groups,
            out_channels)`.
        strides: the stride per spatial dimension (an int or N ints).
        padding: `"valid"` (no padding) or `"same"` (output size
            `ceil(input / stride)`); case-insensitive.
        data_format: `"channels_last"` or `"channels_first"`, default
            `config.image_data_format()`.
        dilation_rate: the kernel dilation per spatial dimension.

    Returns:
        A tensor of rank N + 2 with `out_channels` channels.
    """
    data_format = config.standardize_data_format(data_format)
    kernel = _array(kernel)
    inputs = _array(inputs, kernel.dtype)
    rank = inputs.ndim - 2
    channels = _channels(inputs, data_format)
    per_group = kernel.shape[-2]
    if channels % per_group:
        raise ValueError(
            "The number of input channels must be divisible by the kernel's "
            f"input channels (kernel.shape[-2]). Received: {channels} input "
            f"channels and kernel shape {kernel.shape}."
        )
    result = lax.conv_general_dilated(
        inputs,
        kernel,
        window_strides=_tuple(strides, rank, "strides"),
        padding=_padding(padding),
        rhs_dilation=_tuple(dilation_rate, rank, "dilation_rate"),
        dimension_numbers=_dimension_numbers(rank, data_format),
        feature_group_count=channels // per_group,
    )
    return _check_conv_output(result, inputs)


@symbolic_op
def depthwise_conv(
    inputs: ArrayLike,
    kernel: ArrayLike,
    strides: IntOrInts = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: IntOrInts = 1,
) -> jax.Array:
    """Depthwise N-D convolution: each input channel has its own filters.

    Args:
        inputs: tensor of rank N + 2.
        kernel: tensor of shape `spatial... + (in_channels,
            depth_multiplier)`.
        strides: the stride per spatial dimension.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: the kernel dilation per spatial dimension.

    Returns:
        A tensor with `in_channels * depth_multiplier` channels.
    """
    data_format = config.standardize_data_format(data_format)
    kernel = _array(kernel)
    inputs = _array(inputs, kernel.dtype)
    rank = inputs.ndim - 2
    channels = _channels(inputs, data_format)
    if kernel.shape[-2] != channels:
        raise ValueError(
            "The kernel's input channels (kernel.shape[-2]) must equal the "
            f"input channels. Received: {channels} input channels and "
            f"kernel shape {kernel.shape}."
        )
    # One group per channel, each producing `depth_multiplier` outputs.
    grouped = jnp.reshape(
        kernel, kernel.shape[:-2] + (1, channels * kernel.shape[-1])
    )
    result = lax.conv_general_dilated(
        inputs,
        grouped,
        window_strides=_tuple(strides, rank, "strides"),
        padding=_padding(padding),
        rhs_dilation=_tuple(dilation_rate, rank, "dilation_rate"),
        dimension_numbers=_dimension_numbers(rank, data_format),
        feature_group_count=channels,
    )
    return _check_conv_output(result, inputs)


@symbolic_op
def separable_conv(
    inputs: ArrayLike,
    depthwise_kernel: ArrayLike,
    pointwise_kernel: ArrayLike,
    strides: IntOrInts = 1,
    padding: str = "valid",
    data_format: str | None = None,
    dilation_rate: IntOrInts = 1,
) -> jax.Array:
    """Depthwise convolution followed by a 1x1 (pointwise) convolution.

    Args:
        inputs: tensor of rank N + 2.
        depthwise_kernel: tensor of shape `spatial... + (in_channels,
            depth_multiplier)`.
        pointwise_kernel: tensor of shape `(1,) * N + (in_channels *
            depth_multiplier, out_channels)`.
        strides: the stride of the depthwise step.
        padding: `"valid"` or `"same"`, for the depthwise step.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: the dilation of the depthwise step.

    Returns:
        A tensor with `out_channels` channels.
    """
    depthwise = depthwise_conv(
        inputs,
        depthwise_kernel,
        strides=strides,
        padding=padding,
        data_format=data_format,
        dilation_rate=dilation_rate,
    )
    return conv(depthwise, pointwise_kernel, data_format=data_format)


def _transpose_padding(
    kernel_size: int,
    stride: int,
    dilation: int,
    padding: str,
    output_padding: int | None,
) -> tuple[int, int]:
    """The (before, after) padding giving Keras' transposed output size.

    "valid" gives `(n - 1) * stride + max(k, stride)` by default, "same"
    gives `n * stride`; `output_padding` adds that many at the end.
    """
    k = (kernel_size - 1) * dilation + 1
    if padding == "VALID":
        extra = max(k, stride) - k if output_padding is None else output_padding
        return k - 1, k - 1 + extra
    if output_padding is None:
        total = stride + k - 2
    else:
        total = k + k % 2 - 2 + output_padding
    before = min((total + 1) // 2, k - 1)
    return before, total - before


@symbolic_op
def conv_transpose(
    inputs: ArrayLike,
    kernel: ArrayLike,
    strides: IntOrInts = 1,
    padding: str = "valid",
    output_padding: IntOrInts | None = None,
    data_format: str | None = None,
    dilation_rate: IntOrInts = 1,
) -> jax.Array:
    """Transposed N-D convolution (the gradient of `conv`).

    Args:
        inputs: tensor of rank N + 2.
        kernel: tensor of shape `spatial... + (out_channels, in_channels)`.
        strides: the stride per spatial dimension.
        padding: `"valid"` or `"same"`.
        output_padding: extra size added at the end of each spatial
            dimension, or None for Keras' default.
        data_format: `"channels_last"` or `"channels_first"`.
        dilation_rate: the kernel dilation per spatial dimension.

    Returns:
        A tensor with `out_channels` channels.
    """
    data_format = config.standardize_data_format(data_format)
    kernel = _array(kernel)
    inputs = _array(inputs, kernel.dtype)
    rank = inputs.ndim - 2
    if _channels(inputs, data_format) != kernel.shape[-1]:
        raise ValueError(
            "The kernel's last dimension must equal the input channels. "
            f"Received: {_channels(inputs, data_format)} input channels and "
            f"kernel shape {kernel.shape}."
        )
    strides = _tuple(strides, rank, "strides")
    dilation_rate = _tuple(dilation_rate, rank, "dilation_rate")
    if output_padding is None or isinstance(output_padding, int):
        output_padding = (output_padding,) * rank
    mode = _padding(padding)
    pads = [
        _transpose_padding(k, s, d, mode, p)
        for k, s, d, p in zip(
            kernel.shape[:-2],
            strides,
            dilation_rate,
            output_padding,
            strict=True,
        )
    ]
    return lax.conv_transpose(
        inputs,
        kernel,
        strides,
        pads,
        rhs_dilation=dilation_rate,
        dimension_numbers=_dimension_numbers(rank, data_format),
        transpose_kernel=True,
    )


# -- pooling ------------------------------------------------------------------


def _windows(
    x: jax.Array,
    pool_size: IntOrInts,
    strides: IntOrInts | None,
    data_format: str,
) -> tuple[tuple, tuple, tuple, tuple]:
    """Pool and stride sizes, spatial and full-rank (1 on batch/channels)."""
    rank = x.ndim - 2
    pool = _tuple(pool_size, rank, "pool_size")
    step = pool if strides is None else _tuple(strides, rank, "strides")
    if data_format == "channels_last":
        return pool, step, (1, *pool, 1), (1, *step, 1)
    return pool, step, (1, 1, *pool), (1, 1, *step)


def _tiled_max(x: jax.Array, pool: tuple, data_format: str) -> jax.Array:
    """Max over non-overlapping windows by reshaping: the same values as
    `reduce_window`, with a gradient far cheaper on CPU than the
    select-and-scatter that `reduce_window`'s gradient lowers to."""
    first = 1 if data_format == "channels_last" else 2
    spatial = x.shape[first : first + len(pool)]
    kept = [size // p * p for size, p in zip(spatial, pool, strict=True)]
    index = [slice(None)] * x.ndim
    for axis, size in enumerate(kept):
        index[first + axis] = slice(0, size)
    x = x[tuple(index)]
    shape = list(x.shape[:first])
    for size, p in zip(kept, pool, strict=True):
        shape += [size // p, p]
    shape += list(x.shape[first + len(pool) :])
    axes = tuple(first + 2 * i + 1 for i in range(len(pool)))
    return jnp.max(x.reshape(shape), axis=axes)


@symbolic_op
def max_pool(
    inputs: ArrayLike,
    pool_size: IntOrInts,
    strides: IntOrInts | None = None,
    padding: str = "valid",
    data_format: str | None = None,
) -> jax.Array:
    """Max pooling over 1, 2 or 3 spatial dimensions.

    Args:
        inputs: tensor of rank N + 2.
        pool_size: the window size per spatial dimension.
        strides: the window step, default `pool_size`.
        padding: `"valid"` or `"same"` (padded positions never win).
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The pooled tensor.
    """
    data_format = config.standardize_data_format(data_format)
    x = _array(inputs)
    pool, stride, window, step = _windows(x, pool_size, strides, data_format)
    if pool == stride and _padding(padding) == "VALID":
        return _tiled_max(x, pool, data_format)
    # A Python scalar init value lets JAX see a max monoid, which it can
    # differentiate; an array init value cannot be differentiated.
    if jnp.issubdtype(x.dtype, jnp.inexact):
        lowest = -np.inf
    else:
        lowest = int(jnp.iinfo(x.dtype).min)
    return lax.reduce_window(
        x, lowest, lax.max, window, step, _padding(padding)
    )


def _window_counts(
    sizes: Sequence[int], pool: Sequence[int], step: Sequence[int]
) -> np.ndarray:
    """How many real (unpadded) elements each "same" window covers."""
    counts = np.ones(())
    for n, k, s in zip(sizes, pool, step, strict=True):
        out = -(-n // s)
        before = max((out - 1) * s + k - n, 0) // 2
        starts = np.arange(out) * s - before
        covered = np.minimum(starts + k, n) - np.maximum(starts, 0)
        counts = np.multiply.outer(counts, covered)
    return counts


@symbolic_op
def average_pool(
    inputs: ArrayLike,
    pool_size: IntOrInts,
    strides: IntOrInts | None = None,
    padding: str = "valid",
    data_format: str | None = None,
) -> jax.Array:
    """Average pooling over 1, 2 or 3 spatial dimensions.

    With `"same"` padding, each window averages only the real elements it
    covers (padding is not counted), as Keras does.

    Args:
        inputs: tensor of rank N + 2.
        pool_size: the window size per spatial dimension.
        strides: the window step, default `pool_size`.
        padding: `"valid"` or `"same"`.
        data_format: `"channels_last"` or `"channels_first"`.

    Returns:
        The pooled tensor.
    """
    data_format = config.standardize_data_format(data_format)
    x = _array(inputs)
    pool, step, window, full_step = _windows(x, pool_size, strides, data_format)
    mode = _padding(padding)
    zero = jnp.array(0, x.dtype)
    total = lax.reduce_window(x, zero, lax.add, window, full_step, mode)
    if mode == "VALID":
        counts = np.asarray(float(np.prod(pool)))
    elif data_format == "channels_last":
        counts = _window_counts(x.shape[1:-1], pool, step)[None, ..., None]
    else:
        counts = _window_counts(x.shape[2:], pool, step)[None, None]
    if jnp.issubdtype(total.dtype, jnp.inexact):
        return total / jnp.asarray(counts, total.dtype)
    return total / jnp.asarray(counts, config.floatx())


# -- normalization ------------------------------------------------------------


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


# -- losses -------------------------------------------------------------------


def _log_probabilities(
    output: jax.Array, from_logits: bool, axis: int
) -> jax.Array:
    if from_logits:
        return jax.nn.log_softmax(output, axis=axis)
    # Probabilities are renormalized and clipped away from 0 and 1.
    output = output / jnp.sum(output, axis=axis, keepdims=True)
    eps = config.epsilon()
    return jnp.log(jnp.clip(output, eps, 1.0 - eps))


@symbolic_op
def categorical_crossentropy(
    target: ArrayLike,
    output: ArrayLike,
    from_logits: bool = False,
    axis: int = -1,
) -> jax.Array:
    """Cross-entropy between one-hot (or soft) targets and predictions.

    Args:
        target: the target distribution, the shape of `output`.
        output: probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis.

    Returns:
        The loss per example, with `axis` reduced.
    """
    target, output = _array(target), _as_float(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, "
            f"output.shape={output.shape}"
        )
    if output.ndim < 1:
        raise ValueError(
            "Arguments `target` and `output` must be at least rank 1. "
            f"Received: output.shape={output.shape}"
        )
    log_prob = _log_probabilities(output, from_logits, axis)
    return -jnp.sum(target * log_prob, axis=axis)


@symbolic_op
def sparse_categorical_crossentropy(
    target: ArrayLike,
    output: ArrayLike,
    from_logits: bool = False,
    axis: int = -1,
) -> jax.Array:
    """Cross-entropy between integer class targets and predictions.

    Args:
        target: integer class indices, of shape `output.shape[:-1]` (a
            trailing dimension of size 1 is accepted too).
        output: probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.
        axis: the class axis of `output`.

    Returns:
        The loss per example.
    """
    target, output = _array(target, "int32"), _as_float(output)
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = jnp.squeeze(target, axis=-1)
    if output.ndim < 1:
        raise ValueError(
            "Argument `output` must be at least rank 1. "
            f"Received: output.shape={output.shape}"
        )
    if target.shape != output.shape[:-1]:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up to "
            f"the last dimension. Received: target.shape={target.shape}, "
            f"output.shape={output.shape}"
        )
    log_prob = _log_probabilities(output, from_logits, axis)
    labels = jax.nn.one_hot(
        target, output.shape[axis], axis=axis, dtype=log_prob.dtype
    )
    return -jnp.sum(labels * log_prob, axis=axis)


@symbolic_op
def binary_crossentropy(
    target: ArrayLike, output: ArrayLike, from_logits: bool = False
) -> jax.Array:
    """Element-wise binary cross-entropy.

    Probabilities are clipped to `[epsilon, 1 - epsilon]` first
    (`config.epsilon()`); logits use the stable `log_sigmoid` form.

    Args:
        target: targets in `[0, 1]`, the shape of `output`.
        output: probabilities, or logits if `from_logits`.
        from_logits: whether `output` holds logits.

    Returns:
        The element-wise loss, the shape of `output`.
    """
    target, output = _array(target), _as_float(output)
    if target.shape != output.shape:
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. "
            f"Received: target.shape={target.shape}, "
            f"output.shape={output.shape}"
        )
    if from_logits:
        return -target * jax.nn.log_sigmoid(output) - (
            1.0 - target
        ) * jax.nn.log_sigmoid(-output)
    eps = config.epsilon()
    output = jnp.clip(output, eps, 1.0 - eps)
    return -(target * jnp.log(output) + (1.0 - target) * jnp.log(1.0 - output))
