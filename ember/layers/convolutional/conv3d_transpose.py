"""Conv3DTranspose: 3D transposed convolution (upsampling a volume)."""

from typing import Any

from ember.core.arguments import parent_arguments
from ember.layers.convolutional.base_conv_transpose import BaseConvTranspose


class Conv3DTranspose(BaseConvTranspose):
    """3D transposed convolution, the gradient of a 3D convolution.

    The kernel has shape `(*kernel_size, filters, input_channels)`. With
    `padding="same"` and no `output_padding` the output is `strides` times
    the input.

    Args:
        filters: the number of output channels, a positive int.
        kernel_size: the window size: an int or a tuple of 3 ints.
        strides: the upsampling factor: an int or a tuple of 3 ints.
            `strides > 1` cannot be combined with `dilation_rate > 1`.
        padding: `"valid"` or `"same"`, case-insensitive.
        output_padding: extra size at the end of each spatial axis (an int
            or a tuple of 3 ints, each below the stride); None infers it.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: the spacing between kernel taps: an int or a tuple
            of 3 ints.
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
        `(batch_size, depth, height, width, channels)` with
        `"channels_last"`, `(batch_size, channels, depth, height, width)` with
        `"channels_first"`.

    Output shape:
        `(batch_size, new_depth, new_height, new_width, filters)` with
        `"channels_last"`, `(batch_size, filters, new_depth, new_height,
        new_width)` with `"channels_first"`.

    Example:

    >>> layer = ember.layers.Conv3DTranspose(2, 3, strides=2, padding="same")
    >>> layer(np.ones((2, 4, 4, 4, 3))).shape
    (2, 8, 8, 8, 2)
    """

    def __init__(
        self,
        filters: int,
        kernel_size: Any,
        strides: Any = (1, 1, 1),
        padding: str = "valid",
        data_format: str | None = None,
        output_padding: Any = None,
        dilation_rate: Any = (1, 1, 1),
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
            **parent_arguments(BaseConvTranspose, locals(), rank=3)
        )
