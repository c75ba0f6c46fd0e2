"""SeparableConv2D: 2D separable convolution (depthwise, then pointwise)."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.convolutional.base_separable_conv import BaseSeparableConv


class SeparableConv2D(BaseSeparableConv):
    """2D separable convolution: depthwise, then a 1x1 convolution.

    Weights: `depthwise_kernel` `(*kernel_size, channels, depth_multiplier)`,
    `pointwise_kernel` `(1, 1, channels * depth_multiplier, filters)` and
    `bias` `(filters,)`.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: the depthwise window size: an int or a tuple of 2 ints.
        strides: the depthwise window's step: an int or a tuple of 2 ints.
            `strides > 1` cannot be combined with `dilation_rate > 1`.
        padding: `"valid"` or `"same"`, case-insensitive.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: the spacing between depthwise kernel taps.
        depth_multiplier: the number of depthwise filters per channel.
        activation: an activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer: initializer for the depthwise kernel.
        pointwise_initializer: initializer for the pointwise kernel.
        bias_initializer: initializer for the bias.
        depthwise_regularizer: optional penalty on the depthwise kernel.
        pointwise_regularizer: optional penalty on the pointwise kernel.
        bias_regularizer: optional penalty on the bias.
        activity_regularizer: optional penalty on the output.
        depthwise_constraint: optional projection of the depthwise kernel.
        pointwise_constraint: optional projection of the pointwise kernel.
        bias_constraint: optional projection applied to the bias.

    Input shape:
        `(batch_size, height, width, channels)` with `"channels_last"`,
        `(batch_size, channels, height, width)` with `"channels_first"`.

    Output shape:
        `(batch_size, new_height, new_width, filters)` with `"channels_last"`,
        `(batch_size, filters, new_height, new_width)` with `"channels_first"`.

    Example:

    >>> layer = ember.layers.SeparableConv2D(4, 3)
    >>> layer(np.ones((4, 10, 10, 3))).shape
    (4, 8, 8, 4)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = "glorot_uniform",
        pointwise_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs,
    ):
        super().__init__(
            **parent_arguments(BaseSeparableConv, locals(), rank=2)
        )
