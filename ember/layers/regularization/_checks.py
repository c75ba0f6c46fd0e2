"""Argument checks shared by the random regularization layers."""

import numbers


def check_fraction(value, argument: str) -> float:
    """`value` if it is a real number in [0, 1], else a ValueError."""
    if (
        not isinstance(value, numbers.Real)
        or isinstance(value, bool)
        or not 0 <= value <= 1
    ):
        raise ValueError(
            f"Invalid value received for argument `{argument}`, expected a "
            f"float between 0 and 1. Received: {argument}={value!r}"
        )
    return value
