"""BaseConv: the N-D convolution shared by `Conv1D`, `Conv2D` and `Conv3D`."""

from typing import Any

import jax.numpy as jnp

from ember import ops
from ember.layers import _weights
from ember.layers.convolutional import _common
from ember.layers.layer import Layer

# The config entries besides the weight arguments, in Keras' order.
_ARGUMENTS = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "data_format",
    "dilation_rate",
    "groups",
)

# The weight kinds, each with its own initializer, regularizer, constraint.
_KINDS = ("kernel", "bias")


class BaseConv(Layer):
    """The N-D convolution layer: `activation(conv(inputs, kernel) + bias)`.

    Use `Conv1D`, `Conv2D` or `Conv3D`, which fix `rank`.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        filters: the number of output channels, a positive int.
        kernel_size: the window size: an int or a tuple of `rank` ints.
        strides: the window's step: an int or a tuple of `rank` ints.
            `strides > 1` cannot be combined with `dilation_rate > 1`.
        padding: `"valid"` (no padding) or `"same"` (pad so that the output
            size is `ceil(input_size / strides)`); rank 1 also accepts
            `"causal"` (pad on the left only). Case-insensitive.
        data_format: `"channels_last"` (`(batch, *spatial, channels)`) or
            `"channels_first"` (`(batch, channels, *spatial)`); default
            `config.image_data_format()`.
        dilation_rate: the spacing between kernel taps: an int or a tuple of
            `rank` ints.
        groups: the number of groups the channels are split into, each
            convolved separately with `filters // groups` filters. Both the
            input channels and `filters` must be divisible by it.
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
        `(batch_size, *spatial_dims, channels)` with `"channels_last"`,
        `(batch_size, channels, *spatial_dims)` with `"channels_first"`.

    Output shape:
        `(batch_size, *new_spatial_dims, filters)` with `"channels_last"`,
        `(batch_size, filters, *new_spatial_dims)` with `"channels_first"`.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        if rank not in (1, 2, 3):
            raise ValueError(
                f"Argument `rank` must be 1, 2 or 3. Received: rank={rank!r}"
            )
        _common.check_positive("filters", filters)
        _common.check_positive("groups", groups)
        if filters % groups:
            raise ValueError(
                "The number of filters must be divisible by the number of "
                f"groups. Received: filters={filters}, groups={groups}"
            )
        window = _common.window_args(
            rank, kernel_size, strides, dilation_rate, padding, rank == 1
        )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        _common.store_window(self, rank, window, data_format)
        self.filters = filters
        self.groups = groups
        _common.store_weight_args(
            self,
            activation,
            use_bias,
            kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
            bias=(bias_initializer, bias_regularizer, bias_constraint),
        )

    def build(self, input_shape: tuple) -> None:
        """Creates the kernel `(*kernel_size, channels // groups, filters)`
        and the bias `(filters,)`."""
        channels = _common.channels_of(self, input_shape)
        if channels % self.groups:
            raise ValueError(
                f'{type(self).__name__} "{self.name}": the number of input '
                f"channels ({channels}) must be divisible by groups="
                f"{self.groups}. Full input shape: {tuple(input_shape)}"
            )
        self.compute_output_shape(input_shape)
        self.kernel = _weights.add_weight(
            self,
            "kernel",
            "kernel",
            self.kernel_size + (channels // self.groups, self.filters),
        )
        self.bias = _weights.add_bias_weight(self, self.filters)
        _common.finish_build(self, channels)

    def convolution_op(self, inputs, kernel):
        """The convolution alone, without bias or activation."""
        # Compute in the inputs' float dtype (mixed precision keeps float32
        # variables); integer inputs are promoted to the kernel's dtype.
        inputs, kernel = _common.match_dtypes(inputs, kernel)
        options = _common.window_options(self)
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            time_axis = 1 if self.data_format == "channels_last" else 2
            pads = [(0, 0)] * 3
            pads[time_axis] = (left, 0)
            inputs = jnp.pad(inputs, pads)
            options["padding"] = "valid"
        return ops.conv(inputs, kernel, **options)

    def call(self, inputs):
        outputs = self.convolution_op(inputs, self.kernel.value)
        outputs = _common.add_bias(outputs, self.bias, self.data_format)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape; raises if a spatial size would be below 1."""
        return _common.window_output_shape(self, input_shape, self.filters)

    def get_config(self) -> dict:
        """Returns the constructor arguments (except `rank`), serialized."""
        config = super().get_config()
        config.update(_common.arguments_config(self, _ARGUMENTS, _KINDS))
        return config
