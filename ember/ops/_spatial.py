"""Argument checks shared by the convolution and pooling ops."""

from collections.abc import Sequence

IntOrInts = int | Sequence[int]


def _tuple(value: IntOrInts, rank: int, name: str) -> tuple:
    """An int, or a sequence of `rank` ints, as a `rank`-tuple."""
    if isinstance(value, int):
        return (value,) * rank
    value = tuple(int(v) for v in value)
    if len(value) != rank:
        raise ValueError(
            f"`{name}` must be an int or a sequence of {rank} ints for "
            f"{rank}-D spatial inputs. Received: {name}={value}"
        )
    return value


def _padding(padding: str) -> str:
    mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(
            "`padding` must be 'valid' or 'same'. "
            f"Received: padding={padding!r}"
        )
    return mode.upper()
