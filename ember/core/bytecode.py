"""Python functions as bytecode, in the form Keras writes lambdas.

Keras saves a Python `lambda` (in a `Lambda` layer, or as a loss or
metric) as its base64 marshalled code object, its defaults and its closure
values. Writing that is harmless; reading it runs code from the file, so
`load_function` is reached only when the caller passed `safe_mode=False`.
This module is the only place in ember that uses `marshal`.
"""

import codecs
import marshal
import sys
import types
from collections.abc import Callable
from typing import Any


def dump_function(fn: types.FunctionType) -> tuple[str, Any, Any]:
    """Returns `(code, defaults, closure)`: `fn`'s code object marshalled
    and base64-encoded, its default values and its closure's values."""
    code = codecs.encode(marshal.dumps(fn.__code__), "base64").decode("ascii")
    closure = None
    if fn.__closure__:
        closure = tuple(cell.cell_contents for cell in fn.__closure__)
    return code, fn.__defaults__, closure


def load_function(
    code: str, defaults: Any = None, closure: Any = None, namespace=None
) -> Callable:
    """Rebuilds a function written by `dump_function` (runs its code).

    Args:
        code: the base64 text of the marshalled code object.
        defaults: the default values of its parameters, or None.
        closure: the values of its closure cells, or None.
        namespace: its global names; `keras` and `ember` are ember.

    Returns:
        The function.

    Raises:
        ValueError: the code cannot be read (it only loads in the Python
            version that wrote it) or does not fit its closure.
    """
    try:
        raw = codecs.decode(code.encode("ascii"), "base64")
        code_object = marshal.loads(raw)
        if not isinstance(code_object, types.CodeType):
            raise TypeError(f"expected code, got {type(code_object).__name__}")
        ember = sys.modules["ember"]
        return types.FunctionType(
            code_object,
            {"keras": ember, "ember": ember, **(namespace or {})},
            code_object.co_name,
            tuple(defaults) if defaults is not None else None,
            tuple(types.CellType(v) for v in closure) if closure else None,
        )
    except (AttributeError, EOFError, TypeError, ValueError) as error:
        raise ValueError(
            "Could not rebuild a Python function saved as bytecode (it "
            "only loads in the Python version that wrote it; this is "
            f"{sys.version.split()[0]}): {error}"
        ) from None
