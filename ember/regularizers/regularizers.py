"""Weight penalties added to the loss: L1, L2, L1L2, OrthogonalRegularizer."""

import math
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np


def _non_negative(value: Any, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or number < 0:
        raise ValueError(
            f"Invalid value for argument {name}: expected a non-negative "
            f"float. Received: {name}={value!r}"
        )
    return number


class Regularizer:
    """The base class: a regularizer maps a weight to a scalar penalty.

    Subclasses implement `__call__(x)` and `get_config()`.

    Example:

    >>> class Small(Regularizer):
    ...     def __call__(self, x):
    ...         return 1e-3 * jnp.sum(x**4)
    """

    def __call__(self, x: jax.Array) -> jax.Array:
        return jnp.zeros((), dtype=jnp.asarray(x).dtype)

    def get_config(self) -> dict:
        """Returns the constructor arguments."""
        return {}

    @classmethod
    def from_config(cls, config: dict) -> "Regularizer":
        """Creates the regularizer from `get_config()`'s dict."""
        return cls(**config)


class L1(Regularizer):
    """Penalty `l1 * sum(abs(x))`.

    Args:
        l1: the factor, a non-negative float (default 0.01).
    """

    def __init__(self, l1: float = 0.01):
        l1 = 0.01 if l1 is None else l1
        # Keras keeps the factor as a float32 tensor, so its config shows
        # the float32 value (0.01 -> 0.009999999776482582).
        self.l1 = float(np.float32(_non_negative(l1, "l1")))

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.l1 * jnp.sum(jnp.abs(x))

    def get_config(self) -> dict:
        """Returns `{"l1": ...}`."""
        return {"l1": self.l1}


class L2(Regularizer):
    """Penalty `l2 * sum(square(x))`.

    Args:
        l2: the factor, a non-negative float (default 0.01).
    """

    def __init__(self, l2: float = 0.01):
        l2 = 0.01 if l2 is None else l2
        self.l2 = _non_negative(l2, "l2")

    def __call__(self, x: jax.Array) -> jax.Array:
        return self.l2 * jnp.sum(jnp.square(x))

    def get_config(self) -> dict:
        """Returns `{"l2": ...}`."""
        return {"l2": self.l2}


class L1L2(Regularizer):
    """Penalty `l1 * sum(abs(x)) + l2 * sum(square(x))`.

    Args:
        l1: the L1 factor (default 0).
        l2: the L2 factor (default 0).
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1 = _non_negative(0.0 if l1 is None else l1, "l1")
        self.l2 = _non_negative(0.0 if l2 is None else l2, "l2")

    def __call__(self, x: jax.Array) -> jax.Array:
        penalty = jnp.zeros((), dtype=jnp.asarray(x).dtype)
        if self.l1:
            penalty = penalty + self.l1 * jnp.sum(jnp.abs(x))
        if self.l2:
            penalty = penalty + self.l2 * jnp.sum(jnp.square(x))
        return penalty

    def get_config(self) -> dict:
        """Returns `{"l1": ..., "l2": ...}`."""
        return {"l1": self.l1, "l2": self.l2}


class OrthogonalRegularizer(Regularizer):
    """Pushes the rows (or columns) of a 2-D weight towards orthogonality.

    The penalty is `factor` times the mean absolute cosine similarity
    between distinct pairs of rows (`mode="rows"`) or columns.

    Args:
        factor: the penalty's scale (default 0.01).
        mode: `"rows"` or `"columns"`.
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        # Stored as float32, as Keras does (its config shows that value).
        self.factor = float(np.float32(_non_negative(factor, "factor")))
        if mode not in ("rows", "columns"):
            raise ValueError(
                "Invalid value for argument mode: expected 'rows' or "
                f"'columns'. Received: mode={mode!r}"
            )
        self.mode = mode

    def __call__(self, x: jax.Array) -> jax.Array:
        x = jnp.asarray(x)
        if x.ndim != 2:
            raise ValueError(
                "OrthogonalRegularizer expects a 2-D weight. Received: "
                f"shape={tuple(x.shape)}"
            )
        axis = 1 if self.mode == "rows" else 0
        norm = jnp.sqrt(
            jnp.maximum(jnp.sum(jnp.square(x), axis=axis, keepdims=True), 1e-12)
        )
        x = x / norm
        product = x @ x.T if self.mode == "rows" else x.T @ x
        size = product.shape[0]
        off_diagonal = product * (1.0 - jnp.eye(size, dtype=x.dtype))
        pairs = size * (size - 1.0) / 2.0
        return self.factor * 0.5 * jnp.sum(jnp.abs(off_diagonal)) / pairs

    def get_config(self) -> dict:
        """Returns `{"factor": ..., "mode": ...}`."""
        return {"factor": self.factor, "mode": self.mode}
