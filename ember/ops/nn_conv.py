"""Convolution ops over 1, 2 or 3 spatial dimensions.

Convolution kernels use Keras' layout `spatial... + (in_channels_per_group,
out_channels)`; images are `channels_last` unless `data_format` (or
`config.image_data_format()`) says otherwise. Pooling lives in
`nn_pooling.py`.
"""

import jax
import jax.numpy as jnp
from jax import lax

from ember.core import config
from ember.core.symbolic import symbolic_op
from ember.ops._spatial import IntOrInts
from ember.ops._spatial import _padding
from ember.ops._spatial import _tuple
from ember.ops.core import ArrayLike
from ember.ops.core import _array
from ember.ops.nn_conv_patches import patch_convolve
from ember.ops.nn_conv_patches import use_patches


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
    """`lax.conv_general_dilated` in Keras' terms (in the train step on CPU,
    small patches as one matrix product: see `nn_conv_patches`); refuses
    empty outputs."""
    rank = inputs.ndim - 2
    strides = _tuple(strides, rank, "strides")
    padding = _padding(padding)
    dilation = _tuple(dilation_rate, rank, "dilation_rate")
    if use_patches(inputs, kernel, data_format, dilation, groups):
        result = patch_convolve(inputs, kernel, strides, padding)
    else:
        result = lax.conv_general_dilated(
            inputs,
            kernel,
            window_strides=strides,
            padding=padding,
            rhs_dilation=dilation,
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
