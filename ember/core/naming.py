"""Unique automatic names (`dense`, `dense_1`, ...) and name scopes."""

import contextvars
import re

_COUNTS: dict[str, int] = {}
_SCOPE = contextvars.ContextVar("ember_name_scope", default=())


def to_snake_case(name: str) -> str:
    """`"Conv2D"` -> `"conv2d"`, `"MaxPooling2D"` -> `"max_pooling2d"`."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub(r"([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def uniquify(prefix: str) -> str:
    """Returns `prefix` the first time, then `prefix_1`, `prefix_2`, ..."""
    count = _COUNTS.get(prefix, 0)
    _COUNTS[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


def reset_uids() -> None:
    """Forgets the names handed out so far (Keras' `clear_session`)."""
    _COUNTS.clear()


class name_scope:
    """Pushes `name` onto the path used for new variables.

    Example:

    >>> with name_scope("dense"):
    ...     current_path("kernel")
    'dense/kernel'
    """

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        self._token = _SCOPE.set(_SCOPE.get() + (self.name,))
        return self

    def __exit__(self, *exc):
        _SCOPE.reset(self._token)


def current_path(name: str) -> str:
    """Returns `name` prefixed by the active name scopes."""
    return "/".join(_SCOPE.get() + (name,))
