"""Checks of the attention layers' constructor arguments."""

import numbers
from typing import Any


def check_positive_int(layer: str, argument: str, value: Any) -> None:
    """Raises a ValueError unless `value` is an int above 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(
            f"{layer}: `{argument}` must be a positive integer. Received: "
            f"{argument}={value!r}"
        )


def check_rate(layer: str, dropout: Any) -> None:
    """Raises a ValueError unless `dropout` is a number in `[0, 1]`."""
    if (
        isinstance(dropout, bool)
        or not isinstance(dropout, numbers.Real)
        or not 0 <= dropout <= 1
    ):
        raise ValueError(
            f"{layer}: `dropout` must be a float between 0 and 1. Received: "
            f"dropout={dropout!r}"
        )
