"""BaseDepthwiseConv: the N-D depthwise convolution of `DepthwiseConv1D/2D`."""

from typing import Any

from ember import ops
from ember.layers import _weights
from ember.layers.convolutional import _common
from ember.layers.layer import Layer

# The config entries besides the weight arguments, in Keras' order.
_ARGUMENTS = (
    "depth_multiplier",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
)

# The weight kinds, each with its own initializer, regularizer, constraint.
_KINDS = ("depthwise", "bias")


class BaseDepthwiseConv(Layer):
    """Depthwise convolution: each input channel has its own filters.

    Each of the `C` input channels is convolved with `depth_multiplier`
    filters of its own, giving `C * depth_multiplier` output channels. Use
    `DepthwiseConv1D` or `DepthwiseConv2D`, which fix `rank`.

    Args:
        rank: the number of spatial dimensions (1 or 2).
        depth_multiplier: the number of filters per input channel.
        kernel_size: the window size: an int or a tuple of `rank` ints.
        strides: the window's step: an int or a tuple of `rank` ints.
        padding: `"valid"` or `"same"`, case-insensitive.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: the spacing between kernel taps.
        activation: an activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        depthwise_initializer: initializer for the kernel.
        bias_initializer: initializer for the bias.
        depthwise_regularizer: optional penalty on the kernel.
        bias_regularizer: optional penalty on the bias.
        activity_regularizer: optional penalty on the output.
        depthwise_constraint: optional projection applied to the kernel.
        bias_constraint: optional projection applied to the bias.
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
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
        _common.check_positive("depth_multiplier", depth_multiplier)
        window = _common.window_args(
            rank, kernel_size, strides, dilation_rate, padding
        )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        _common.store_window(self, rank, window, data_format)
        self.depth_multiplier = depth_multiplier
        _common.store_weight_args(
            self,
            activation,
            use_bias,
            depthwise=(
                depthwise_initializer,
                depthwise_regularizer,
                depthwise_constraint,
            ),
            bias=(bias_initializer, bias_regularizer, bias_constraint),
        )

    def build(self, input_shape: tuple) -> None:
        """Creates `kernel` `(*kernel_size, channels, depth_multiplier)` and
        `bias` `(channels * depth_multiplier,)`."""
        channels = _common.channels_of(self, input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = _common.add_depthwise_kernel(self, "kernel", channels)
        self.bias = _weights.add_bias_weight(
            self, channels * self.depth_multiplier
        )
        _common.finish_build(self, channels)

    def call(self, inputs):
        return _common.convolve(self, ops.depthwise_conv, inputs, self.kernel)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape; raises if a spatial size would be below 1."""
        channels = _common.channels_of(self, input_shape)
        return _common.window_output_shape(
            self, input_shape, channels * self.depth_multiplier
        )

    def get_config(self) -> dict:
        """Returns the constructor arguments (except `rank`), serialized."""
        config = super().get_config()
        config.update(_common.arguments_config(self, _ARGUMENTS, _KINDS))
        return config
