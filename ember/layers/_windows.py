"""Window arithmetic and spatial axes shared by the convolution, pooling
and reshaping layers."""

from typing import Any

import numpy as np


def is_positive_int(value: Any) -> bool:
    """Whether `value` is an int (not a bool) above zero."""
    is_int = isinstance(value, int | np.integer) and not isinstance(value, bool)
    return is_int and value > 0


def standardize_tuple(value: Any, n: int, name: str) -> tuple[int, ...]:
    """Returns `value` (an int or `n` ints) as a tuple of `n` positive ints.

    Args:
        value: one int, repeated `n` times, or a sequence of `n` ints.
        n: the length of the result.
        name: the argument's name, for the error message.
    """
    error = (
        f"The `{name}` argument must be an int or a tuple of {n} positive "
        f"integers. Received: {name}={value!r}"
    )
    if isinstance(value, int | np.integer) and not isinstance(value, bool):
        values = (value,) * n
    else:
        try:
            values = tuple(value)
        except TypeError:
            raise ValueError(error) from None
        if len(values) != n:
            raise ValueError(error)
    if not all(is_positive_int(v) for v in values):
        raise ValueError(error)
    return tuple(int(v) for v in values)


def spatial_output_size(
    size: int | None,
    kernel: int,
    stride: int,
    dilation: int,
    padding: str,
) -> int | None:
    """The output length of one spatial axis (None stays None)."""
    if size is None:
        return None
    if padding == "valid":
        return (size - dilation * (kernel - 1) - 1) // stride + 1
    return (size - 1) // stride + 1


def spatial_axes(ndim: int, data_format: str) -> tuple[int, ...]:
    """The spatial axes of a `(batch, ..., channels)` layout of `ndim`."""
    if data_format == "channels_last":
        return tuple(range(1, ndim - 1))
    return tuple(range(2, ndim))


def spatial_of(input_shape: tuple, data_format: str) -> tuple:
    """The spatial dimensions of a `(batch, ..., channels)`-style shape."""
    axes = spatial_axes(len(input_shape), data_format)
    return tuple(input_shape[axis] for axis in axes)
