"""Errors for names that are not found, with a suggestion of the closest."""

import difflib
from collections.abc import Iterable


def _plural(kind: str) -> str:
    if kind.endswith(("s", "x", "sh", "ch")):
        return kind + "es"
    return kind + "s"


def unknown_identifier_error(
    kind: str, identifier: str, known: Iterable[str]
) -> ValueError:
    """Builds the error raised when a name matches no known object.

    The message names the kind of object, the name received, the closest
    known names when some are close, and the full list of known names.

    Args:
        kind: what was looked up, singular (`"activation"`, `"loss"`).
        identifier: the name that was not found.
        known: the names that would have been accepted.

    Returns:
        A `ValueError` for the caller to raise.

    Example:

    >>> error = unknown_identifier_error("activation", "rleu", ["relu"])
    >>> "Did you mean 'relu'?" in str(error)
    True
    """
    names = sorted(set(known))
    message = f"Unknown {kind}: {identifier!r}."
    if isinstance(identifier, str):
        close = difflib.get_close_matches(identifier, names, n=3)
        if not close:
            lowered = {name.lower(): name for name in names}
            close = [
                lowered[name]
                for name in difflib.get_close_matches(
                    identifier.lower(), list(lowered), n=3
                )
            ]
        if close:
            message += f" Did you mean {' or '.join(map(repr, close))}?"
    listed = ", ".join(map(repr, names)) if names else "(none)"
    message += f" Known {_plural(kind)}: {listed}."
    return ValueError(message)
