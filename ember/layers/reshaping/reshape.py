"""Reshape: reshapes each sample to a target shape."""

import math
from typing import Any

import jax.numpy as jnp

from ember.layers.layer import Layer


class Reshape(Layer):
    """Reshapes each sample to `target_shape`; the batch size is unchanged.

    Args:
        target_shape: the shape of one output sample, without the batch
            dimension: a tuple of positive ints, one of which may be -1 to
            be inferred from the input's size.

    Input shape:
        `(batch_size, ...)` with as many values per sample as
        `target_shape` holds.

    Output shape:
        `(batch_size, *target_shape)`.

    Example:

    >>> x = ember.Input(shape=(12,))
    >>> ember.layers.Reshape((3, 4))(x).shape
    (None, 3, 4)
    >>> ember.layers.Reshape((-1, 2, 2))(x).shape
    (None, 3, 2, 2)
    """

    def __init__(self, target_shape: Any, **kwargs):
        try:
            target_shape = tuple(target_shape)
        except TypeError:
            raise ValueError(
                "Argument `target_shape` must be a tuple of ints. "
                f"Received: target_shape={target_shape!r}"
            ) from None
        if target_shape.count(-1) > 1 or not all(
            isinstance(d, int)
            and not isinstance(d, bool)
            and (d > 0 or d == -1)
            for d in target_shape
        ):
            raise ValueError(
                "Argument `target_shape` must hold positive ints and at most "
                f"one -1. Received: target_shape={target_shape!r}"
            )
        super().__init__(**kwargs)
        self.target_shape = target_shape
        self.built = True

    def _resolve(self, sample_shape: tuple) -> tuple:
        """`target_shape` with the -1 filled in for a sample's shape."""
        known = math.prod(d for d in self.target_shape if d != -1)
        if None in sample_shape:
            return tuple(None if d == -1 else d for d in self.target_shape)
        size = math.prod(sample_shape)
        if -1 in self.target_shape:
            fits = known > 0 and size % known == 0
            shape = tuple(
                size // known if d == -1 and fits else d
                for d in self.target_shape
            )
        else:
            fits = size == known
            shape = self.target_shape
        if not fits:
            raise ValueError(
                f'Reshape "{self.name}" cannot reshape inputs of sample shape '
                f"{tuple(sample_shape)} ({size} values) to target_shape="
                f"{self.target_shape}."
            )
        return shape

    def call(self, inputs):
        shape = self._resolve(tuple(inputs.shape[1:]))
        return jnp.reshape(inputs, (inputs.shape[0], *shape))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        """`(batch_size, *target_shape)` with any -1 resolved."""
        return (input_shape[0], *self._resolve(tuple(input_shape[1:])))

    def get_config(self) -> dict:
        """Returns the base config and `target_shape`."""
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config
