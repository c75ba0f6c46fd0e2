"""BaseSeparableConv: depthwise then pointwise convolution, N-D."""

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
        self.rank = rank
        self.depth_multiplier = depth_multiplier
        self.filters = filters
        self.kernel_size, self.strides, self.dilation_rate = window[:3]
        self.padding = window[3]
        self.data_format = standardize_data_format(data_format)
        self.activation = resolve(
            activations.get, activation, self, "activation"
        )
        self.use_bias = use_bias
        for kind, init, reg in (
            ("depthwise", depthwise_initializer, depthwise_regularizer),
            ("pointwise", pointwise_initializer, pointwise_regularizer),
            ("bias", bias_initializer, bias_regularizer),
        ):
            name = f"{kind}_initializer"
            setattr(self, name, resolve(initializers.get, init, self, name))
            name = f"{kind}_regularizer"
            setattr(self, name, resolve(regularizers.get, reg, self, name))
        self.depthwise_constraint = resolve(
            constraints.get, depthwise_constraint, self, "depthwise_constraint"
        )
        self.pointwise_constraint = resolve(
            constraints.get, pointwise_constraint, self, "pointwise_constraint"
        )
        self.bias_constraint = resolve(
            constraints.get, bias_constraint, self, "bias_constraint"
        )
        self.input_spec = InputSpec(ndim=rank + 2)

    def build(self, input_shape: tuple) -> None:
        """Creates `depthwise_kernel`, `pointwise_kernel` and `bias`."""
        channels = _common.channels_of(self, input_shape)
        self.compute_output_shape(input_shape)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=self.kernel_size + (channels, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(1,) * self.rank
            + (channels * self.depth_multiplier, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        axis = -1 if self.data_format == "channels_last" else 1
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: channels})
        self.built = True

    def call(self, inputs):
        inputs, depthwise, pointwise = _common.match_dtypes(
            inputs, self.depthwise_kernel.value, self.pointwise_kernel.value
        )
        outputs = ops.separable_conv(
            inputs,
            depthwise,
            pointwise,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        outputs = _common.add_bias(outputs, self.bias, self.data_format)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape; raises if a spatial size would be below 1."""
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
        return _common.output_shape(self, input_shape, sizes, self.filters)

    def get_config(self) -> dict:
        """Returns the constructor arguments (except `rank`), serialized."""
        config = super().get_config()
        config.update(
            {
                "depth_multiplier": self.depth_multiplier,
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
            }
        )
        for kind in ("depthwise", "pointwise", "bias"):
            config[f"{kind}_initializer"] = initializers.serialize(
                getattr(self, f"{kind}_initializer")
            )
        for kind in ("depthwise", "pointwise", "bias"):
            config[f"{kind}_regularizer"] = regularizers.serialize(
                getattr(self, f"{kind}_regularizer")
            )
        config["activity_regularizer"] = regularizers.serialize(
            self.activity_regularizer
        )
        for kind in ("depthwise", "pointwise", "bias"):
            config[f"{kind}_constraint"] = constraints.serialize(
                getattr(self, f"{kind}_constraint")
            )
        return config
