"""Errors for names that are not found, with a suggestion of the closest."""

import difflib
from collections.abc import Iterable


def _plural(kind: str) -> str:
    if kind.endswith(("s", "x", "sh", "ch")):
        return kind + "es"
    return kind + "s"


def unknown_identifier_error(
    kind: str,
    identifier: str,
    known: Iterable[str],
    where: str = "",
    advice: str = "",
    list_known: bool = True,
) -> ValueError:
    """Builds the error raised when a name matches no known object.

    The message names the kind of object, the name received, the closest
    known names when some are close, and the full list of known names.
    Every "unknown name" in ember (the namespaces' `get`, loading files)
    is this error.

    Args:
        kind: what was looked up, singular (`"activation"`, `"loss"`).
        identifier: the name that was not found.
        known: the names that would have been accepted.
        where: where the name was read, after the name (`" (module
            'keras.layers')"`).
        advice: a sentence on how to make the name known.
        list_known: end with the list of known names.

    Returns:
        A `ValueError` for the caller to raise.

    Example:

    >>> error = unknown_identifier_error("activation", "rleu", ["relu"])
    >>> "Did you mean 'relu'?" in str(error)
    True
    """
    names = sorted(set(known))
    message = f"Unknown {kind}: {identifier!r}{where}."
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
    if advice:
        message += f" {advice}"
    if list_known:
        listed = ", ".join(map(repr, names)) if names else "(none)"
        message += f" Known {_plural(kind)}: {listed}."
    return ValueError(message)
