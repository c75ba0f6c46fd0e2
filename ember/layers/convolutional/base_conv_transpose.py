"""BaseConvTranspose: the N-D transposed convolution (`Conv*DTranspose`)."""

from typing import Any

import numpy as np

from ember import ops
from ember.layers import _weights
from ember.layers.convolutional import _common
from ember.layers.layer import Layer


def transpose_output_size(
    size: int | None,
    kernel: int,
    stride: int,
    dilation: int,
    padding: str,
    output_padding: int | None,
) -> int | None:
    """The output length of one spatial axis of a transposed convolution.

    `"valid"`: `(size - 1) * stride + k + output_padding`, where `k` is the
    dilated kernel size and `output_padding` defaults to
    `max(k, stride) - k`. `"same"`: `size * stride`, or with an
    `output_padding`, `(size - 1) * stride + k % 2 + output_padding`.
    """
    if size is None:
        return None
    k = (kernel - 1) * dilation + 1
    if padding == "valid":
        if output_padding is None:
            output_padding = max(k, stride) - k
        return (size - 1) * stride + k + output_padding
    if output_padding is None:
        return size * stride
    return (size - 1) * stride + k % 2 + output_padding


def _standardize_output_padding(value: Any, rank: int, strides: tuple):
    if value is None:
        return None
    error = (
        f"The `output_padding` argument must be None, an int or a tuple of "
        f"{rank} non-negative integers. Received: output_padding={value!r}"
    )
    values = (value,) * rank if isinstance(value, int | np.integer) else value
    try:
        values = tuple(values)
    except TypeError:
        raise ValueError(error) from None
    ok = len(values) == rank and all(
        isinstance(v, int | np.integer) and not isinstance(v, bool) and v >= 0
        for v in values
    )
    if not ok:
        raise ValueError(error)
    values = tuple(int(v) for v in values)
    for i, (pad, stride) in enumerate(zip(values, strides, strict=True)):
        if pad >= stride:
            raise ValueError(
                "`output_padding` must be strictly less than `strides` in "
                f"every dimension. At dimension {i}, output_padding is {pad} "
                f"and strides is {stride}. Received: output_padding={values}, "
                f"strides={strides}"
            )
    return values


# The config entries besides the weight arguments, in Keras' order.
_ARGUMENTS = (
    "filters",
    "kernel_size",
    "strides",
    "padding",
    "output_padding",
    "data_format",
    "dilation_rate",
)

# The weight kinds, each with its own initializer, regularizer, constraint.
_KINDS = ("kernel", "bias")


class BaseConvTranspose(Layer):
    """The transposed convolution (the gradient of a convolution).

    Use `Conv1DTranspose`, `Conv2DTranspose` or `Conv3DTranspose`.

    Args:
        rank: the number of spatial dimensions (1, 2 or 3).
        filters: the number of output channels, a positive int.
        kernel_size: the window size: an int or a tuple of `rank` ints.
        strides: the upsampling factor: an int or a tuple of `rank` ints.
        padding: `"valid"` or `"same"`, case-insensitive.
        output_padding: extra rows/columns added at the end of each spatial
            axis, each below the stride along that axis; None infers it.
        data_format: `"channels_last"` or `"channels_first"`; default
            `config.image_data_format()`.
        dilation_rate: the spacing between kernel taps.
        activation: an activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer: initializer for the kernel.
        bias_initializer: initializer for the bias.
        kernel_regularizer: optional penalty on the kernel.
        bias_regularizer: optional penalty on the bias.
        activity_regularizer: optional penalty on the output.
        kernel_constraint: optional projection applied to the kernel.
        bias_constraint: optional projection applied to the bias.
    """

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        output_padding: Any = None,
        data_format: str | None = None,
        dilation_rate: Any = 1,
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
        _common.check_positive("filters", filters)
        window = _common.window_args(
            rank, kernel_size, strides, dilation_rate, padding
        )
        output_padding = _standardize_output_padding(
            output_padding, rank, window[1]
        )
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        _common.store_window(self, rank, window, data_format)
        self.filters = filters
        self.output_padding = output_padding
        _common.store_weight_args(
            self,
            activation,
            use_bias,
            kernel=(kernel_initializer, kernel_regularizer, kernel_constraint),
            bias=(bias_initializer, bias_regularizer, bias_constraint),
        )

    def build(self, input_shape: tuple) -> None:
        """Creates `kernel` `(*kernel_size, filters, channels)` and `bias`
        `(filters,)`."""
        channels = _common.channels_of(self, input_shape)
        self.kernel = _weights.add_weight(
            self,
            "kernel",
            "kernel",
            self.kernel_size + (self.filters, channels),
        )
        self.bias = _weights.add_bias_weight(self, self.filters)
        _common.finish_build(self, channels)

    def call(self, inputs):
        return _common.convolve(
            self,
            ops.conv_transpose,
            inputs,
            self.kernel,
            output_padding=self.output_padding,
        )

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """The upsampled shape (see `transpose_output_size`)."""
        spatial = _common.spatial_of(input_shape, self.data_format)
        output_padding = self.output_padding or (None,) * self.rank
        sizes = tuple(
            transpose_output_size(size, k, s, d, self.padding, p)
            for size, k, s, d, p in zip(
                spatial,
                self.kernel_size,
                self.strides,
                self.dilation_rate,
                output_padding,
                strict=True,
            )
        )
        return _common.output_shape(self, input_shape, sizes, self.filters)

    def get_config(self) -> dict:
        """Returns the constructor arguments (except `rank`), serialized."""
        config = super().get_config()
        config.update(_common.arguments_config(self, _ARGUMENTS, _KINDS))
        return config
