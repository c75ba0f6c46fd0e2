"""Weight projections applied after each optimizer update."""

from typing import Any

import jax
import jax.numpy as jnp

from ember.core import checks
from ember.core import config


def _axis(axis: Any) -> Any:
    # A config read back from JSON holds a list; jnp reductions want a tuple.
    return tuple(axis) if isinstance(axis, list) else axis


def _norms(w: jax.Array, axis: Any) -> jax.Array:
    return jnp.sqrt(jnp.sum(jnp.square(w), axis=_axis(axis), keepdims=True))


class Constraint:
    """The base class: a constraint maps a weight to its projected value.

    The optimizer calls it on a variable's new value after each update.
    Subclasses implement `__call__(w)` and, when they take arguments,
    `get_config()`.

    Example:

    >>> class Clip(Constraint):
    ...     def __call__(self, w):
    ...         return jnp.clip(w, -1.0, 1.0)
    """

    def __call__(self, w: jax.Array) -> jax.Array:
        """Returns `w` unchanged; subclasses return the projected weight.

        Args:
            w: the weight's value.

        Returns:
            The projected value, same shape as `w`.
        """
        return w

    def get_config(self) -> dict:
        """Returns the constructor arguments."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Constraint":
        """Creates the constraint from `get_config()`'s dict."""
        return cls(**config)


class MaxNorm(Constraint):
    """Rescales each slice whose L2 norm exceeds `max_value` down to it.

    Norms are taken over `axis`; slices already within the bound keep their
    value (up to the `epsilon()` added to the norm).

    Args:
        max_value: the largest norm allowed (default 2).
        axis: the axis or axes the norm runs over (default 0: for a `Dense`
            kernel `(input_dim, units)`, each unit's incoming weights).

    Example:

    >>> MaxNorm(1.0)(jnp.array([[3.0], [4.0]]))  # norm 5 -> 1
    Array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, max_value: float = 2, axis: Any = 0):
        checks.check_real("MaxNorm", "max_value", max_value)
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w: jax.Array) -> jax.Array:
        w = jnp.asarray(w)
        norms = _norms(w, self.axis)
        desired = jnp.clip(norms, 0, self.max_value)
        return w.astype(norms.dtype) * (desired / (config.epsilon() + norms))

    def get_config(self) -> dict:
        """Returns `{"max_value": ..., "axis": ...}`."""
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves each slice's L2 norm into `[min_value, max_value]`.

    The new norm is `rate * clip(norm, min_value, max_value) +
    (1 - rate) * norm`: `rate=1` enforces the bounds at once, a smaller rate
    moves towards them a step at a time.

    Args:
        min_value: the smallest norm allowed (default 0).
        max_value: the largest norm allowed (default 1).
        rate: how far to move towards the bounds per call (default 1).
        axis: the axis or axes the norm runs over (default 0).

    Example:

    >>> MinMaxNorm(min_value=10.0, max_value=20.0)(jnp.array([[3.0], [4.0]]))
    Array([[6.],
           [8.]], dtype=float32)
    """

    def __init__(
        self,
        min_value: float = 0.0,
        max_value: float = 1.0,
        rate: float = 1.0,
        axis: Any = 0,
    ):
        for argument, value in (
            ("min_value", min_value),
            ("max_value", max_value),
            ("rate", rate),
        ):
            checks.check_real("MinMaxNorm", argument, value)
        self.min_value = min_value
        self.max_value = max_value
        self.rate = rate
        self.axis = axis

    def __call__(self, w: jax.Array) -> jax.Array:
        w = jnp.asarray(w)
        norms = _norms(w, self.axis)
        clipped = jnp.clip(norms, self.min_value, self.max_value)
        desired = self.rate * clipped + (1 - self.rate) * norms
        return w.astype(norms.dtype) * (desired / (config.epsilon() + norms))

    def get_config(self) -> dict:
        """Returns `{"min_value", "max_value", "rate", "axis"}`."""
        return {
            "min_value": self.min_value,
            "max_value": self.max_value,
            "rate": self.rate,
            "axis": self.axis,
        }


class NonNeg(Constraint):
    """Sets the negative entries of a weight to zero.

    Example:

    >>> NonNeg()(jnp.array([-1.0, 2.0]))
    Array([0., 2.], dtype=float32)
    """

    def __call__(self, w: jax.Array) -> jax.Array:
        return jnp.maximum(jnp.asarray(w), 0)


class UnitNorm(Constraint):
    """Divides each slice by its L2 norm, so that the norm becomes 1.

    Args:
        axis: the axis or axes the norm runs over (default 0).

    Example:

    >>> UnitNorm()(jnp.array([[3.0], [4.0]]))
    Array([[0.6],
           [0.8]], dtype=float32)
    """

    def __init__(self, axis: Any = 0):
        self.axis = axis

    def __call__(self, w: jax.Array) -> jax.Array:
        w = jnp.asarray(w)
        norms = _norms(w, self.axis)
        return w.astype(norms.dtype) / (config.epsilon() + norms)

    def get_config(self) -> dict:
        """Returns `{"axis": ...}`."""
        return {"axis": self.axis}
