"""The one place that maps variables to traced values.

Pure code (`stateless_call`, the compiled training step, symbolic building)
runs a layer's ordinary `call` inside a `StateScope`. While the scope is
active, reading `variable.value` returns the value the scope holds for that
variable, and `variable.assign(...)` records a new value in the scope instead
of writing to the variable. The caller reads the new values back with
`scope.get(variable)` once the pure function is done.
"""

import contextvars
from collections.abc import Iterable
from typing import Any

_CURRENT = contextvars.ContextVar("ember_state_scope", default=None)


class StateScope:
    """Maps variables to values for the duration of a `with` block.

    Args:
        mapping: pairs `(variable, value)` to read instead of the variables'
            own values.

    Example:

    >>> v = ember.Variable(1.0)
    >>> with StateScope([(v, 2.0)]) as scope:
    ...     v.assign(v.value * 3)
    >>> float(scope.get(v)), float(v.value)
    (6.0, 1.0)
    """

    def __init__(self, mapping: Iterable[tuple[Any, Any]] = ()):
        self._values: dict[int, Any] = {}
        self._variables: dict[int, Any] = {}
        self._losses: dict[int, list] = {}
        for variable, value in mapping:
            self._set(variable, value)
        self._token = None

    def _set(self, variable, value) -> None:
        self._values[id(variable)] = value
        self._variables[id(variable)] = variable

    def __contains__(self, variable) -> bool:
        return id(variable) in self._values

    def get(self, variable, default=None):
        """Returns the scope's value for `variable`, else `default`."""
        return self._values.get(id(variable), default)

    def assign(self, variable, value) -> None:
        """Records `value` as the variable's new value inside the scope."""
        self._set(variable, value)

    def add_loss(self, owner: Any, loss: Any) -> None:
        """Records a loss added by `owner` (a layer) inside the scope."""
        self._losses.setdefault(id(owner), []).append(loss)

    def losses_of(self, owner: Any) -> list:
        """The losses `owner` added inside this scope."""
        return list(self._losses.get(id(owner), []))

    def __enter__(self) -> "StateScope":
        self._parent = _CURRENT.get()
        self._token = _CURRENT.set(self)
        return self

    def __exit__(self, *exc) -> None:
        _CURRENT.reset(self._token)
        self._token = None

    def lookup(self, variable):
        """Finds `variable` here or in an enclosing scope; None if absent."""
        scope = self
        while scope is not None:
            if id(variable) in scope._values:
                return scope._values[id(variable)]
            scope = scope._parent
        return None


def current_scope() -> StateScope | None:
    """Returns the innermost active `StateScope`, or None."""
    return _CURRENT.get()
