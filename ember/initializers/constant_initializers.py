"""Initializers with fixed values: zeros, ones, a constant, the identity."""

from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core.checks import check_real
from ember.core.dtypes import standardize_dtype
from ember.core.ranks import lift
from ember.initializers import _config
from ember.initializers.initializer import Initializer


def _shape(shape: Sequence[int]) -> tuple[int, ...]:
    return tuple(int(dim) for dim in shape)


class Zeros(Initializer):
    """Initializer that fills the array with 0.

    Example:

    >>> Zeros()((2, 2))
    Array([[0., 0.],
           [0., 0.]], dtype=float32)
    """

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> jax.Array:
        """Returns an array of zeros.

        Args:
            shape: the shape of the array.
            dtype: the dtype name; None means `config.floatx()`.

        Returns:
            The array.
        """
        return jnp.zeros(_shape(shape), dtype=standardize_dtype(dtype))


class Ones(Initializer):
    """Initializer that fills the array with 1.

    Example:

    >>> Ones()((2,))
    Array([1., 1.], dtype=float32)
    """

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> jax.Array:
        """Returns an array of ones.

        Args:
            shape: the shape of the array.
            dtype: the dtype name; None means `config.floatx()`.

        Returns:
            The array.
        """
        return jnp.ones(_shape(shape), dtype=standardize_dtype(dtype))


class Constant(Initializer):
    """Initializer that fills the array with one value.

    Args:
        value: a Python scalar (or an array broadcastable to the shape),
            converted to the requested dtype.

    Example:

    >>> Constant(3.0)((2,))
    Array([3., 3.], dtype=float32)
    """

    def __init__(self, value: Any = 0.0):
        try:
            kind = np.asarray(value).dtype.kind
        except (TypeError, ValueError):
            kind = "O"
        if kind not in "biuf":
            raise ValueError(
                "Constant: expected `value` to be a number or an array of "
                f"numbers. Received: value={value!r}"[:300]
            )
        self.value = value

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> jax.Array:
        """Returns an array filled with `value`.

        Args:
            shape: the shape of the array.
            dtype: the dtype name; None means `config.floatx()`.

        Returns:
            The array.
        """
        dtype = standardize_dtype(dtype)
        value = jnp.asarray(self.value).astype(dtype)
        shape = _shape(shape)
        return lift(value, len(shape)) * jnp.ones(shape, dtype=dtype)

    def get_config(self) -> dict:
        """Returns `{"value": ...}`, arrays in Keras' config format."""
        return {"value": _config.serialize_value(self.value)}

    @classmethod
    def from_config(cls, config: dict) -> "Constant":
        """Builds a `Constant` from the output of `get_config`.

        Args:
            config: a dict with a `value` entry (0.0 when missing).

        Returns:
            A new `Constant`.
        """
        return cls(_config.deserialize_value(config.get("value", 0.0)))


class Identity(Initializer):
    """Initializer that makes a (scaled) identity matrix.

    Only 2D shapes are accepted; a non-square shape gets ones on the main
    diagonal and zeros elsewhere.

    Args:
        gain: the value on the diagonal.

    Example:

    >>> Identity(gain=2.0)((2, 2))
    Array([[2., 0.],
           [0., 2.]], dtype=float32)
    """

    def __init__(self, gain: float = 1.0):
        self.gain = check_real(type(self).__name__, "gain", gain)

    def __call__(self, shape: Sequence[int], dtype: Any = None) -> jax.Array:
        """Returns `gain` times the identity matrix.

        Args:
            shape: a 2D shape `(rows, columns)`.
            dtype: the dtype name; None means `config.floatx()`.

        Returns:
            The array.
        """
        shape = _shape(shape)
        if len(shape) != 2:
            raise ValueError(
                "The Identity initializer only makes 2D matrices. "
                f"Received: shape={shape} of rank {len(shape)}."
            )
        return self.gain * jnp.eye(*shape, dtype=standardize_dtype(dtype))

    def get_config(self) -> dict:
        """Returns the config; `gain` is left out at its default, as Keras."""
        # Keras writes `{}` whatever the gain; ours matches it at the
        # default and keeps a non-default gain so that it survives a reload.
        if self.gain == 1.0:
            return {}
        return {"gain": self.gain}
