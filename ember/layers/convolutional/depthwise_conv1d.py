"""DepthwiseConv1D: 1D depthwise convolution (e.g. over time)."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.convolutional.base_depthwise_conv import BaseDepthwiseConv


class DepthwiseConv1D(BaseDepthwiseConv):
    """1D depthwise convolution: each channel has its own filters.

    The kernel has shape `(*kernel_size, channels, depth_multiplier)`; the
    output has `channels * depth_multiplier` channels, input channel `c`
    giving outputs `c * depth_multiplier` to `(c + 1) * depth_multiplier - 1`.

    Args:
        kernel_size: the window size: an int or a tuple of 1 int.
        strides: the window's step: an int or a tuple of 1 int.
            `strides > 1` cannot be combined with `dilation_rate > 1`.
        padding: `"valid"` or `"same"`, case-insensitive.
        depth_multiplier: the number of filters per input channel.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: the spacing between kernel taps: an int or a tuple
            of 1 int.
        activation: an activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer: initializer for the kernel.
        bias_initializer: initializer for the bias.
        depthwise_regularizer: optional penalty on the kernel.
        bias_regularizer: optional penalty on the bias.
        activity_regularizer: optional penalty on the output.
        depthwise_constraint: optional projection applied to the kernel.
        bias_constraint: optional projection applied to the bias.

    Input shape:
        `(batch_size, steps, channels)` with `"channels_last"`,
        `(batch_size, channels, steps)` with `"channels_first"`.

    Output shape:
        `(batch_size, new_steps, channels * depth_multiplier)` with
        `"channels_last"`, `(batch_size, channels * depth_multiplier,
        new_steps)` with `"channels_first"`.

    Example:

    >>> layer = ember.layers.DepthwiseConv1D(3, depth_multiplier=2)
    >>> layer(np.ones((4, 10, 3))).shape
    (4, 8, 6)
    """

    def __init__(
        self,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        data_format: str | None = None,
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs,
    ):
        super().__init__(
            **parent_arguments(BaseDepthwiseConv, locals(), rank=1)
        )
