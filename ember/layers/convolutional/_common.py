"""Argument checks, weight creation, config writing and array helpers
shared by the convolution bases."""

from typing import Any

import jax
import jax.numpy as jnp

from ember import activations
from ember.core.config import standardize_data_format
from ember.core.ranks import lift
from ember.layers import _weights
from ember.layers._config import resolve
from ember.layers._weights import add_weight
from ember.layers._windows import is_positive_int
from ember.layers._windows import spatial_of
from ember.layers._windows import spatial_output_size
from ember.layers._windows import standardize_tuple
from ember.layers.input_spec import InputSpec


def window_args(
    rank: int,
    kernel_size: Any,
    strides: Any,
    dilation_rate: Any,
    padding: Any,
    allow_causal: bool = False,
) -> tuple[tuple, tuple, tuple, str]:
    """Checks and standardizes the window arguments of a convolution.

    Returns:
        `(kernel_size, strides, dilation_rate, padding)`: three `rank`-tuples
        of positive ints and the lower-case padding.
    """
    kernel_size = standardize_tuple(kernel_size, rank, "kernel_size")
    strides = standardize_tuple(strides, rank, "strides")
    dilation_rate = standardize_tuple(dilation_rate, rank, "dilation_rate")
    if max(strides) > 1 and max(dilation_rate) > 1:
        raise ValueError(
            "`strides > 1` is not supported together with "
            f"`dilation_rate > 1`. Received: strides={strides} and "
            f"dilation_rate={dilation_rate}"
        )
    allowed = ("valid", "same") + (("causal",) if allow_causal else ())
    if not isinstance(padding, str) or padding.lower() not in allowed:
        raise ValueError(
            f"The `padding` argument must be one of {allowed}. "
            f"Received: padding={padding!r}"
        )
    return kernel_size, strides, dilation_rate, padding.lower()


def check_positive(name: str, value: Any) -> None:
    """Raises unless `value` is an int (not a bool) above zero."""
    if not is_positive_int(value):
        raise ValueError(
            f"Invalid value for argument `{name}`, expected a positive "
            f"integer. Received: {name}={value!r}"
        )


def store_window(
    layer: Any, rank: int, window: tuple, data_format: str | None
) -> None:
    """Stores `rank`, the `window_args` result and `data_format` on `layer`
    and expects inputs of `rank + 2` dimensions."""
    layer.rank = rank
    layer.kernel_size, layer.strides, layer.dilation_rate = window[:3]
    layer.padding = window[3]
    layer.data_format = standardize_data_format(data_format)
    layer.input_spec = InputSpec(ndim=rank + 2)


def store_weight_args(
    layer: Any, activation: Any, use_bias: bool, **kinds: tuple
) -> None:
    """Resolves and stores `activation`, `use_bias` and the weight arguments
    of each kind (see `_weights.store_weight_args`)."""
    layer.activation = resolve(activations.get, activation, layer, "activation")
    layer.use_bias = use_bias
    _weights.store_weight_args(layer, **kinds)


def arguments_config(layer: Any, names: tuple, kinds: tuple) -> dict:
    """The config entries of a convolution: the attributes `names` as they
    are, then those of `weight_args_config(layer, kinds)`."""
    config = {name: getattr(layer, name) for name in names}
    return config | weight_args_config(layer, kinds)


def weight_args_config(layer: Any, kinds: tuple) -> dict:
    """The config entries written by `store_weight_args`, serialized, with
    `activity_regularizer` after the weight regularizers."""
    config = {
        "activation": activations.serialize(layer.activation),
        "use_bias": layer.use_bias,
    }
    return config | _weights.weight_args_config(layer, kinds, True)


def add_depthwise_kernel(layer: Any, name: str, channels: int) -> Any:
    """The depthwise kernel `(*kernel_size, channels, depth_multiplier)`,
    made with the layer's `depthwise_*` arguments."""
    shape = layer.kernel_size + (channels, layer.depth_multiplier)
    return add_weight(layer, name, "depthwise", shape)


def finish_build(layer: Any, channels: int) -> None:
    """Pins the channel dimension in `input_spec` and marks `layer` built."""
    axis = -1 if layer.data_format == "channels_last" else 1
    layer.input_spec = InputSpec(ndim=layer.rank + 2, axes={axis: channels})
    layer.built = True


def match_dtypes(inputs: jax.Array, *kernels: jax.Array) -> tuple:
    """Float inputs keep their dtype (kernels are cast to it, as mixed
    precision wants); integer inputs take the first kernel's dtype."""
    if jnp.issubdtype(inputs.dtype, jnp.floating):
        dtype = inputs.dtype
    else:
        dtype = kernels[0].dtype
        inputs = inputs.astype(dtype)
    return (inputs, *(k.astype(dtype) for k in kernels))


def window_options(layer: Any) -> dict:
    """The window keywords of the `ops` convolutions, from `layer`."""
    return {
        "strides": layer.strides,
        "padding": layer.padding,
        "data_format": layer.data_format,
        "dilation_rate": layer.dilation_rate,
    }


def convolve(
    layer: Any, op: Any, inputs: jax.Array, *kernels: Any, **options: Any
) -> jax.Array:
    """`activation(op(inputs, *kernels) + bias)` with the layer's window
    options and `options`, in the dtype `match_dtypes` picks."""
    inputs, *values = match_dtypes(inputs, *(k.value for k in kernels))
    outputs = op(inputs, *values, **window_options(layer), **options)
    outputs = add_bias(outputs, layer.bias, layer.data_format)
    return layer.activation(outputs)


def add_bias(outputs: jax.Array, bias: Any, data_format: str) -> jax.Array:
    """Adds `bias` (a variable or None) along the channel axis."""
    if bias is None:
        return outputs
    value = bias.value.astype(outputs.dtype)
    if data_format == "channels_first":
        value = jnp.reshape(value, (-1,) + (1,) * (outputs.ndim - 2))
    return outputs + lift(value, outputs.ndim)


def channels_of(layer: Any, input_shape: tuple) -> int:
    """The known channel count of `input_shape`; raises naming the layer."""
    axis = -1 if layer.data_format == "channels_last" else 1
    channels = tuple(input_shape)[axis]
    if channels is None:
        raise ValueError(
            f'{type(layer).__name__} "{layer.name}" needs a known channel '
            f"dimension, got input shape {tuple(input_shape)}"
        )
    return channels


def window_output_sizes(layer: Any, input_shape: tuple) -> tuple:
    """The spatial output sizes of a (non-transposed) windowed convolution."""
    return tuple(
        spatial_output_size(size, k, s, d, layer.padding)
        for size, k, s, d in zip(
            spatial_of(input_shape, layer.data_format),
            layer.kernel_size,
            layer.strides,
            layer.dilation_rate,
            strict=True,
        )
    )


def window_output_shape(layer: Any, input_shape: tuple, channels: int) -> tuple:
    """The output shape of a (non-transposed) windowed convolution with
    `channels` outputs; raises if a spatial size would be below 1."""
    sizes = window_output_sizes(layer, input_shape)
    return output_shape(layer, input_shape, sizes, channels)


def output_shape(
    layer: Any, input_shape: tuple, sizes: tuple, channels: int
) -> tuple:
    """Assembles the output shape; raises if a spatial size is below 1."""
    input_shape = tuple(input_shape)
    if any(size is not None and size <= 0 for size in sizes):
        raise ValueError(
            f'{type(layer).__name__} "{layer.name}": input shape '
            f"{input_shape} is too small for kernel_size="
            f"{layer.kernel_size} with dilation_rate={layer.dilation_rate} "
            f"and padding={layer.padding!r}; the output would have "
            f"spatial size {sizes}."
        )
    if layer.data_format == "channels_last":
        return (input_shape[0], *sizes, channels)
    return (input_shape[0], channels, *sizes)
