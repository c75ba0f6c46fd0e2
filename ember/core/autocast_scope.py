"""The autocast scope: float variables read in the compute dtype.

A layer whose compute dtype differs from its variable dtype (a mixed policy
such as `"mixed_bfloat16"`) runs its `call` inside an `AutocastScope`. While
it is active, reading a float variable that allows autocasting returns its
value cast to the scope's dtype; the variable itself keeps its own dtype, so
gradients and optimizer updates apply to the float32 values.
"""

import contextvars

import jax.numpy as jnp

from ember.core.dtypes import standardize_dtype

_NO_SCOPE = object()
_CURRENT = contextvars.ContextVar("ember_autocast_scope", default=_NO_SCOPE)


class AutocastScope:
    """Casts float variables read inside the `with` block to `dtype`.

    Args:
        dtype: a float dtype, or None to turn autocasting off inside an
            enclosing scope.

    Example:

    >>> v = ember.Variable([1.0, 2.0])
    >>> with AutocastScope("bfloat16"):
    ...     v.value.dtype
    dtype(bfloat16)
    """

    def __init__(self, dtype: str | None):
        if dtype is not None:
            dtype = standardize_dtype(dtype)
            if "float" not in dtype:
                raise ValueError(
                    "AutocastScope needs a floating point dtype, such as "
                    f"'float16'. Received: dtype={dtype!r}"
                )
        self.dtype = dtype
        self._token = None

    def maybe_cast(self, value):
        """`value` cast to the scope's dtype if it is a float array."""
        if (
            self.dtype is not None
            and jnp.issubdtype(value.dtype, jnp.floating)
            and value.dtype != self.dtype
        ):
            return value.astype(self.dtype)
        return value

    def __enter__(self) -> "AutocastScope":
        self._token = _CURRENT.set(self)
        return self

    def __exit__(self, *exc) -> None:
        _CURRENT.reset(self._token)
        self._token = None


def current_autocast_scope() -> AutocastScope | None:
    """The innermost active `AutocastScope`, or None outside any."""
    scope = _CURRENT.get()
    return None if scope is _NO_SCOPE else scope


def scope_for(compute_dtype: str, variable_dtype: str, autocast: bool):
    """The scope a layer's call enters, or None to keep the current one.

    As in Keras: outside any scope, a layer with mixed dtypes opens one in
    its compute dtype (whatever its `autocast` flag); inside a scope, a
    layer that does not autocast (or computes in a non-float dtype) turns
    casting off, and one with another compute dtype opens its own.
    """
    current = current_autocast_scope()
    if current is None:
        if compute_dtype != variable_dtype and "float" in compute_dtype:
            return AutocastScope(compute_dtype)
        return None
    if not autocast or "float" not in compute_dtype:
        return None if current.dtype is None else AutocastScope(None)
    if current.dtype != compute_dtype:
        return AutocastScope(compute_dtype)
    return None
