"""Argument forms shared by the cropping and zero-padding layers."""

from typing import Any

import numpy as np


def _non_negative_int(value: Any) -> bool:
    is_int = isinstance(value, int | np.integer) and not isinstance(value, bool)
    return is_int and value >= 0


def standardize_pairs(value: Any, n: int, name: str) -> tuple:
    """Returns `value` as `n` pairs `(before, after)` of ints >= 0.

    Args:
        value: one int (the same before and after on every axis); `n` ints
            (symmetric, one per axis); or `n` pairs of ints. With `n == 1`,
            a pair of ints is the `(before, after)` of the only axis.
        n: the number of spatial axes.
        name: the argument's name, for the error message.
    """
    error = ValueError(
        f"The `{name}` argument must be a non-negative int, a tuple of {n} "
        f"non-negative ints, or a tuple of {n} pairs of non-negative ints. "
        f"Received: {name}={value!r}"
    )
    if _non_negative_int(value):
        return ((int(value), int(value)),) * n
    try:
        values = tuple(value)
    except TypeError:
        raise error from None
    if n == 1 and len(values) == 2 and all(map(_non_negative_int, values)):
        return ((int(values[0]), int(values[1])),)
    if len(values) != n:
        raise error
    pairs = []
    for item in values:
        if _non_negative_int(item):
            pairs.append((int(item), int(item)))
            continue
        try:
            pair = tuple(item)
        except TypeError:
            raise error from None
        if len(pair) != 2 or not all(map(_non_negative_int, pair)):
            raise error
        pairs.append((int(pair[0]), int(pair[1])))
    return tuple(pairs)
