"""Conv2D: 2D convolution (e.g. over images)."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.convolutional.base_conv import BaseConv


class Conv2D(BaseConv):
    """2D convolution layer: `activation(conv(inputs, kernel) + bias)`.

    The kernel has shape `(*kernel_size, input_channels // groups, filters)`.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: the window size: an int or a tuple of 2 ints.
        strides: the window's step: an int or a tuple of 2 ints.
            `strides > 1` cannot be combined with `dilation_rate > 1`.
        padding: `"valid"` or `"same"`.
            Case-insensitive.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: the spacing between kernel taps: an int or a tuple
            of 2 ints.
        groups: the number of channel groups convolved separately; input
            channels and `filters` must both be divisible by it.
        activation: an activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer for the kernel.
        bias_initializer: initializer for the bias.
        kernel_regularizer: optional penalty on the kernel.
        bias_regularizer: optional penalty on the bias.
        activity_regularizer: optional penalty on the output.
        kernel_constraint: optional projection applied to the kernel.
        bias_constraint: optional projection applied to the bias.

    Input shape:
        `(batch_size, height, width, channels)` with `"channels_last"`,
        `(batch_size, channels, height, width)` with `"channels_first"`.

    Output shape:
        `(batch_size, new_height, new_width, filters)` with `"channels_last"`,
        `(batch_size, filters, new_height, new_width)` with `"channels_first"`.

    Example:

    >>> layer = ember.layers.Conv2D(2, 3)
    >>> layer(np.ones((4, 10, 10, 3))).shape
    (4, 8, 8, 2)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
        groups: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        **kwargs,
    ):
        super().__init__(**parent_arguments(BaseConv, locals(), rank=2))
