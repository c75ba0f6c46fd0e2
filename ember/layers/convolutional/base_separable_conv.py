"""BaseSeparableConv: depthwise then pointwise convolution, N-D."""

from typing import Any

from ember import ops
from ember.layers import _weights
from ember.layers.convolutional import _common
from ember.layers.layer import Layer

# The config entries besides the weight arguments, in Keras' order.
_ARGUMENTS = (
    "depth_multiplier",
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
)

# The weight kinds, each with its own initializer, regularizer, constraint.
_KINDS = ("depthwise", "pointwise", "bias")


class BaseSeparableConv(Layer):
    """Separable convolution: a depthwise step, then a 1x1 convolution.

    The depthwise step convolves each input channel with `depth_multiplier`
    filters of its own; the pointwise step mixes the resulting channels into
    `filters` outputs. Use `SeparableConv1D` or `SeparableConv2D`.

    Args:
        rank: the number of spatial dimensions (1 or 2).
        depth_multiplier: the number of depthwise filters per input channel.
        filters: the number of output channels.
        kernel_size: the depthwise window size: an int or `rank` ints.
        strides: the depthwise window's step: an int or `rank` ints.
        padding: `"valid"` or `"same"`, case-insensitive.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: the spacing between depthwise kernel taps.
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
    """

    def __init__(
        self,
        rank: int,
        depth_multiplier: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        _common.check_positive("depth_multiplier", depth_multiplier)
        _common.check_positive("filters", filters)
        window = _common.window_args(
            rank, kernel_size, strides, dilation_rate, padding
        )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        _common.store_window(self, rank, window, data_format)
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        _common.store_weight_args(
            self,
            activation,
            use_bias,
            depthwise=(
                depthwise_initializer,
                depthwise_regularizer,
                depthwise_constraint,
            ),
            pointwise=(
                pointwise_initializer,
                pointwise_regularizer,
                pointwise_constraint,
            ),
            bias=(bias_initializer, bias_regularizer, bias_constraint),
        )

    def build(self, input_shape: tuple) -> None:
        """Creates `depthwise_kernel`, `pointwise_kernel` and `bias`."""
        channels = _common.channels_of(self, input_shape)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = _common.add_depthwise_kernel(
            self, "depthwise_kernel", channels
        )
        self.pointwise_kernel = _weights.add_weight(
            self,
            "pointwise_kernel",
            "pointwise",
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
        )
        self.bias = _weights.add_bias_weight(self, self.filters)
        _common.finish_build(self, channels)

    def call(self, inputs):
        return _common.convolve(
            self,
            ops.separable_conv,
            inputs,
            self.depthwise_kernel,
            self.pointwise_kernel,
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape; raises if a spatial size would be below 1."""
        return _common.window_output_shape(self, input_shape, self.filters)

    def get_config(self) -> dict:
        """Returns the constructor arguments (except `rank`), serialized."""
        config = super().get_config()
        config.update(_common.arguments_config(self, _ARGUMENTS, _KINDS))
        return config
