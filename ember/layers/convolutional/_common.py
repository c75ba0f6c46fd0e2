"""Argument checks and array helpers shared by the convolution bases."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.layers._windows import standardize_tuple


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
    is_int = isinstance(value, int | np.integer) and not isinstance(value, bool)
    if not is_int or value <= 0:
        raise ValueError(
            f"Invalid value for argument `{name}`, expected a positive "
            f"integer. Received: {name}={value!r}"
        )


def match_dtypes(inputs: jax.Array, *kernels: jax.Array) -> tuple:
    """Float inputs keep their dtype (kernels are cast to it, as mixed
    precision wants); integer inputs take the first kernel's dtype."""
    if jnp.issubdtype(inputs.dtype, jnp.floating):
        dtype = inputs.dtype
    else:
        dtype = kernels[0].dtype
        inputs = inputs.astype(dtype)
    return (inputs, *(k.astype(dtype) for k in kernels))


def add_bias(outputs: jax.Array, bias: Any, data_format: str) -> jax.Array:
    """Adds `bias` (a variable or None) along the channel axis."""
    if bias is None:
        return outputs
    value = bias.value.astype(outputs.dtype)
    if data_format == "channels_first":
        value = jnp.reshape(value, (-1,) + (1,) * (outputs.ndim - 2))
    return outputs + value


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


def spatial_of(input_shape: tuple, data_format: str) -> tuple:
    """The spatial dimensions of a `(batch, ..., channels)`-style shape."""
    input_shape = tuple(input_shape)
    if data_format == "channels_last":
        return input_shape[1:-1]
    return input_shape[2:]


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
