"""JSON read for loading: malformed, non-UTF-8 or too deeply nested
text is a `ValueError` naming what was read, never a `RecursionError`."""

import json
from typing import Any

# The deepest nesting of lists and dicts a config may have. Real configs
# stay far below (a model nested in a model adds about four levels); the
# bound keeps hostile files from exhausting Python's stack.
MAX_DEPTH = 200


def load_json(text: str | bytes, member: str) -> Any:
    """Parses JSON read for loading; any failure is a `ValueError`.

    Malformed text, text that is not UTF-8 and nesting deeper than
    `MAX_DEPTH` (which would otherwise end in a `RecursionError`) are
    refused with a `ValueError` naming `member`.

    Args:
        text: the JSON text (str or UTF-8 bytes).
        member: what the text is, for messages (e.g. `"config.json"`).

    Returns:
        The parsed value.
    """
    try:
        if isinstance(text, bytes | bytearray):
            text = text.decode("utf-8")
        value = json.loads(text)
    except RecursionError:
        raise _too_deep(member) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(
            f"Cannot load {member}: it is not valid JSON ({error})."
        ) from error
    check_depth(value, member)
    return value


def check_depth(value: Any, member: str) -> None:
    """Raises a `ValueError` naming `member` when `value` nests lists,
    tuples and dicts deeper than `MAX_DEPTH` (walked without recursion, so
    a cycle is refused too)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        if depth > MAX_DEPTH:
            raise _too_deep(member)
        stack.extend(
            (child, depth + 1)
            for child in children
            if isinstance(child, dict | list | tuple)
        )


def _too_deep(member: str) -> ValueError:
    return ValueError(
        f"Cannot load {member}: it nests lists and objects more than "
        f"{MAX_DEPTH} levels deep, which no saved model does."
    )
