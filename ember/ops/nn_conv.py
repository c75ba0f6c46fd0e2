"""Convolution and pooling ops over 1, 2 or 3 spatial dimensions.

Convolution kernels use Keras' layout `spatial... + (in_channels_per_group,
out_channels)`; images are `channels_last` unless `data_format` (or
`config.image_data_format()`) says otherwise.
"""

import functools
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from ember.core import config
from ember.ops._dispatch import symbolic_op
from ember.ops.core import ArrayLike
from ember.ops.core import _array

IntOrInts = int | Sequence[int]


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


def _convolve(
    inputs: jax.Array,
    kernel: jax.Array,
    strides: IntOrInts,
    padding: str,
    data_format: str,
    dilation_rate: IntOrInts,
    groups: int,
) -> jax.Array:
    """`lax.conv_general_dilated` in Keras' terms; refuses empty outputs."""
    rank = inputs.ndim - 2
    result = lax.conv_general_dilated(
        inputs,
        kernel,
        window_strides=_tuple(strides, rank, "strides"),
        padding=_padding(padding),
        rhs_dilation=_tuple(dilation_rate, rank, "dilation_rate"),
        dimension_numbers=_dimension_numbers(rank, data_format),
        feature_group_count=groups,
    )
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
    channels = _channels(inputs, data_format)
    per_group = kernel.shape[-2]
    if channels % per_group:
        raise ValueError(
            "The number of input channels must be divisible by the kernel's "
            f"input channels (kernel.shape[-2]). Received: {channels} input "
            f"channels and kernel shape {kernel.shape}."
        )
    return _convolve(
        inputs,
        kernel,
        strides,
        padding,
        data_format,
        dilation_rate,
        groups=channels // per_group,
    )


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
    return _convolve(
        inputs,
        grouped,
        strides,
        padding,
        data_format,
        dilation_rate,
        groups=channels,
    )


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


def _window_max(x: jax.Array, pool: tuple, data_format: str) -> jax.Array:
    _, _, window, _ = _windows(x, pool, None, data_format)
    return lax.reduce_window(x, -np.inf, lax.max, window, window, "VALID")


@functools.partial(jax.custom_vjp, nondiff_argnums=(1, 2))
def _max_pool_tiled(x: jax.Array, pool: tuple, data_format: str):
    """Non-overlapping max pooling: `reduce_window` forward (XLA's fastest
    on CPU), the reshape form's gradient backward (`reduce_window`'s own
    gradient lowers to a select-and-scatter several times slower)."""
    return _window_max(x, pool, data_format)


def _max_pool_tiled_fwd(x, pool, data_format):
    return _window_max(x, pool, data_format), x


def _max_pool_tiled_bwd(pool, data_format, x, cotangent):
    _, vjp = jax.vjp(lambda t: _tiled_max(t, pool, data_format), x)
    return vjp(cotangent)


_max_pool_tiled.defvjp(_max_pool_tiled_fwd, _max_pool_tiled_bwd)


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
        if jnp.issubdtype(x.dtype, jnp.floating):
            return _max_pool_tiled(x, pool, data_format)
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
