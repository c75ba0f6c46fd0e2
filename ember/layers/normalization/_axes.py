"""Axis checks shared by the normalization layers."""

from typing import Any


def standardize_axis(axis: Any, layer_name: str) -> int | list[int]:
    """`axis` as an int or a list of ints; a TypeError otherwise."""
    if isinstance(axis, list | tuple) and all(
        isinstance(a, int) and not isinstance(a, bool) for a in axis
    ):
        return list(axis)
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(
        f"{layer_name}: expected an int or a list/tuple of ints for the "
        f"argument `axis`. Received: axis={axis!r}"
    )


def positive_axes(layer, axis: Any, input_shape: tuple) -> list[int]:
    """The axes as sorted non-negative ints, checked against the shape.

    Raises a ValueError naming the layer, the axis and the input shape when
    an axis is out of range.
    """
    input_shape = tuple(input_shape)
    rank = len(input_shape)
    axes = axis if isinstance(axis, list | tuple) else [axis]
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(
                f'{type(layer).__name__} "{layer.name}": axis {a} is out of '
                f"range for an input of rank {rank} with shape {input_shape}. "
                f"Received: axis={axis!r}"
            )
    return sorted(a % rank for a in axes)


def broadcast_shape(axes: list[int], input_shape: tuple) -> list[int]:
    """A shape of ones except at `axes`, where it keeps the input's sizes."""
    shape = [1] * len(input_shape)
    for a in axes:
        shape[a] = input_shape[a]
    return shape
