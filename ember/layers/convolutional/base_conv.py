"""BaseConv: the N-D convolution shared by `Conv1D`, `Conv2D` and `Conv3D`."""

from typing import Any

import jax.numpy as jnp

from ember import activations
from ember import constraints
from ember import initializers
from ember import ops
from ember import regularizers
from ember.core.config import standardize_data_format
from ember.layers._config import resolve
from ember.layers._windows import is_positive_int
from ember.layers._windows import spatial_output_size
from ember.layers.convolutional import _common
from ember.layers.input_spec import InputSpec
from ember.layers.layer import Layer

_SPATIAL = "DHW"


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
        if not is_positive_int(filters):
            raise ValueError(
                "Invalid value for argument `filters`, expected a positive "
                f"integer. Received: filters={filters!r}"
            )
        if not is_positive_int(groups):
            raise ValueError(
                "Invalid value for argument `groups`, expected a positive "
                f"integer. Received: groups={groups!r}"
            )
        if filters % groups:
            raise ValueError(
                "The number of filters must be divisible by the number of "
                f"groups. Received: filters={filters}, groups={groups}"
            )
        kernel_size, strides, dilation_rate, padding = _common.window_args(
            rank, kernel_size, strides, dilation_rate, padding, rank == 1
        )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = filters
        self.kernel_size = kernel_size
        self.strides = strides
        self.padding = padding
        self.data_format = standardize_data_format(data_format)
        self.dilation_rate = dilation_rate
        self.groups = groups
        self.activation = resolve(
            activations.get, activation, self, "activation"
        )
        self.use_bias = use_bias
        self.kernel_initializer = resolve(
            initializers.get, kernel_initializer, self, "kernel_initializer"
        )
        self.bias_initializer = resolve(
            initializers.get, bias_initializer, self, "bias_initializer"
        )
        self.kernel_regularizer = resolve(
            regularizers.get, kernel_regularizer, self, "kernel_regularizer"
        )
        self.bias_regularizer = resolve(
            regularizers.get, bias_regularizer, self, "bias_regularizer"
        )
        self.kernel_constraint = resolve(
            constraints.get, kernel_constraint, self, "kernel_constraint"
        )
        self.bias_constraint = resolve(
            constraints.get, bias_constraint, self, "bias_constraint"
        )
        self.input_spec = InputSpec(ndim=rank + 2)

    @property
    def _channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def build(self, input_shape: tuple) -> None:
        """Creates the kernel `(*kernel_size, channels // groups, filters)`
        and the bias `(filters,)`."""
        channels = input_shape[self._channel_axis]
        if channels is None:
            raise ValueError(
                f'{type(self).__name__} "{self.name}" needs a known channel '
                f"dimension, got input shape {tuple(input_shape)}"
            )
        if channels % self.groups:
            raise ValueError(
                f'{type(self).__name__} "{self.name}": the number of input '
                f"channels ({channels}) must be divisible by groups="
                f"{self.groups}. Full input shape: {tuple(input_shape)}"
            )
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=self.kernel_size + (channels // self.groups, self.filters),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None
        self.input_spec = InputSpec(
            ndim=self.rank + 2, axes={self._channel_axis: channels}
        )
        self.built = True

    def convolution_op(self, inputs, kernel):
        """The convolution alone, without bias or activation."""
        # Compute in the inputs' float dtype (mixed precision keeps float32
        # variables); integer inputs are promoted to the kernel's dtype.
        inputs, kernel = _common.match_dtypes(inputs, kernel)
        padding = self.padding
        if padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            time_axis = 1 if self.data_format == "channels_last" else 2
            pads = [(0, 0)] * 3
            pads[time_axis] = (left, 0)
            inputs = jnp.pad(inputs, pads)
            padding = "valid"
        return ops.conv(
            inputs,
            kernel,
            strides=self.strides,
            padding=padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def call(self, inputs):
        outputs = self.convolution_op(inputs, self.kernel.value)
        outputs = _common.add_bias(outputs, self.bias, self.data_format)
        return self.activation(outputs)

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The output shape; raises if a spatial size would be below 1."""
        input_shape = tuple(input_shape)
        if self.data_format == "channels_last":
            spatial = input_shape[1:-1]
        else:
            spatial = input_shape[2:]
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
        if any(size is not None and size <= 0 for size in sizes):
            raise ValueError(
                f'{type(self).__name__} "{self.name}": input shape '
                f"{input_shape} is too small for kernel_size="
                f"{self.kernel_size} with dilation_rate={self.dilation_rate} "
                f"and padding={self.padding!r}; the output would have "
                f"spatial size {sizes}."
            )
        if self.data_format == "channels_last":
            return (input_shape[0], *sizes, self.filters)
        return (input_shape[0], self.filters, *sizes)

    def get_config(self) -> dict:
        """Returns the constructor arguments (except `rank`), serialized."""
        config = super().get_config()
        config.update(
            {
                "filters": self.filters,
                "kernel_size": self.kernel_size,
                "strides": self.strides,
                "padding": self.padding,
                "data_format": self.data_format,
                "dilation_rate": self.dilation_rate,
                "groups": self.groups,
                "activation": activations.serialize(self.activation),
                "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(
                    self.kernel_initializer
                ),
                "bias_initializer": initializers.serialize(
                    self.bias_initializer
                ),
                "kernel_regularizer": regularizers.serialize(
                    self.kernel_regularizer
                ),
                "bias_regularizer": regularizers.serialize(
                    self.bias_regularizer
                ),
                "activity_regularizer": regularizers.serialize(
                    self.activity_regularizer
                ),
                "kernel_constraint": constraints.serialize(
                    self.kernel_constraint
                ),
                "bias_constraint": constraints.serialize(self.bias_constraint),
            }
        )
        return config
