"""Conv2DTranspose: 2D transposed convolution (upsampling an image)."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv2DTranspose(BaseConvTranspose):
    """2D transposed convolution, the gradient of a 2D convolution.

    The kernel has shape `(*kernel_size, filters, input_channels)`. With
    `padding="same"` and no `output_padding` the output is `strides` times
    the input.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: the window size: an int or a tuple of 2 ints.
        strides: the upsampling factor: an int or a tuple of 2 ints.
            `strides > 1` cannot be combined with `dilation_rate > 1`.
        padding: `"valid"` or `"same"`, case-insensitive.
        output_padding: extra size at the end of each spatial axis (an int
            or a tuple of 2 ints, each below the stride); None infers it.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: the spacing between kernel taps: an int or a tuple
            of 2 ints.
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

    >>> layer = ember.layers.Conv2DTranspose(2, 3, strides=2, padding="same")
    >>> layer(np.ones((4, 10, 10, 3))).shape
    (4, 20, 20, 2)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1),
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = (1, 1),
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
        super().__init__(
            **parent_arguments(BaseConvTranspose, locals(), rank=2)
        )
