"""BaseDepthwiseConv: the N-D depthwise convolution of `DepthwiseConv1D/2D`."""

from typing import Any

from ember import activations
from ember import constraints
from ember import initializers
from ember import ops
from ember import regularizers
from ember.core.config import standardize_data_format
from ember.layers._config import resolve
from ember.layers._windows import spatial_output_size
from ember.layers.convolutional import _common
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer


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
        self.rank = rank
        self.depth_multiplier = depth_multiplier
        self.kernel_size, self.strides, self.dilation_rate = window[:3]
        self.padding = window[3]
        self.data_format = standardize_data_format(data_format)
        self.activation = resolve(
            activations.get, activation, self, "activation"
        )
        self.use_bias = use_bias
        self.depthwise_initializer = resolve(
            initializers.get,
            depthwise_initializer,
            self,
            "depthwise_initializer",
        )
        self.bias_initializer = resolve(
            initializers.get, bias_initializer, self, "bias_initializer"
        )
        self.depthwise_regularizer = resolve(
            regularizers.get,
            depthwise_regularizer,
            self,
            "depthwise_regularizer",
        )
        self.bias_regularizer = resolve(
            regularizers.get, bias_regularizer, self, "bias_regularizer"
        )
        self.depthwise_constraint = resolve(
            constraints.get, depthwise_constraint, self, "depthwise_constraint"
        )
        self.bias_constraint = resolve(
            constraints.get, bias_constraint, self, "bias_constraint"
        )
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape: tuple) -> None:
        """Creates `kernel` `(*kernel_size, channels, depth_multiplier)` and
        `bias` `(channels * depth_multiplier,)`."""
        channels = _common.channels_of(self, input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(channels * self.depth_multiplier,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        axis = -1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        self.built = True

    def call(self, inputs):
        inputs, kernel = _common.match_dtypes(inputs, self.kernel.value)
        outputs = ops.depthwise_conv(
            inputs,
            kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        outputs = _common.add_bias(outputs, self.bias, self.data_format)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape; raises if a spatial size would be below 1."""
        channels = _common.channels_of(self, input_shape)
        spatial = _common.spatial_of(input_shape, self.data_format)
        sizes = tuple(
            spatial_output_size(size, k, s, d, self.padding)
            for size, k, s, d in zip(
                spatial,
                self.kernel_size,
                self.strides,
                self.dilation_rate,
                strict=True,
            )
        )
        return _common.output_shape(
            self, input_shape, sizes, channels * self.depth_multiplier
        )

    def get_config(self) -> dict:
        """Returns the constructor arguments (except `rank`), serialized."""
        config = super().get_config()
        config.update(
            {
                "depth_multiplier": self.depth_multiplier,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "depthwise_initializer": initializers.serialize(
                    self.depthwise_initializer
                ),
                "bias_initializer": initializers.serialize(
                    self.bias_initializer
                ),
                "depthwise_regularizer": regularizers.serialize(
                    self.depthwise_regularizer
                ),
                "bias_regularizer": regularizers.serialize(
                    self.bias_regularizer
                ),
                "activity_regularizer": regularizers.serialize(
                    self.activity_regularizer
                ),
                "depthwise_constraint": constraints.serialize(
                    self.depthwise_constraint
                ),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        return config
