"""Merge: the base of the layers that combine a list of inputs."""

from typing import Any

import jax.numpy as jnp
from jax import export

from ember.layers.layer import Layer


def _is_shape(value: Any) -> bool:
    # Symbolic dimensions (a batch left open by export) count as sizes.
    return isinstance(value, tuple | list) and all(
        d is None or isinstance(d, int) or export.is_symbolic_dim(d)
        for d in value
    )


class Merge(Layer):
    """Combines a list of same-shaped (or broadcastable) inputs into one.

    Subclasses define `_merge_function(inputs)`. Inputs of lower rank are
    given size-1 axes after the batch axis, so that the shapes after the
    batch axis broadcast as numpy's do (aligned on the right).

    Args:
        **kwargs: the base layer's arguments (`name`, `dtype`, ...).
    """

    # The fewest and the most inputs the layer takes (None: no limit).
    _min_inputs = 1
    _max_inputs: int | None = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    # -- checks --------------------------------------------------------------
    def _where(self) -> str:
        return f'{type(self).__name__} "{self.name}"'

    def _check_list(self, shapes: Any) -> list[tuple]:
        """The input shapes as a list; raises unless it is a list of shapes."""
        if not isinstance(shapes, list | tuple) or not all(
            _is_shape(s) for s in shapes
        ):
            raise ValueError(
                f"{self._where()} should be called on a list of inputs. "
                f"Received: input_shape={shapes}"
            )
        shapes = [tuple(s) for s in shapes]
        count = len(shapes)
        if count < self._min_inputs or (
            self._max_inputs is not None and count > self._max_inputs
        ):
            if self._min_inputs == self._max_inputs:
                expected = f"exactly {self._min_inputs}"
            else:
                expected = f"at least {self._min_inputs}"
            raise ValueError(
                f"{self._where()} should be called on {expected} inputs, "
                f"got {count}: shapes {', '.join(map(str, shapes))}"
            )
        return shapes

    def _check_batch_sizes(self, shapes: list[tuple]) -> None:
        known = [s for s in shapes if s and s[0] is not None]
        for shape in known[1:]:
            if shape[0] != known[0][0]:
                raise ValueError(
                    f"{self._where()} cannot merge inputs with different "
                    f"batch sizes: got shapes {known[0]} and {shape}"
                )

    def _broadcast_shape(self, first: tuple, second: tuple) -> tuple:
        """Shape after the batch axis of an elementwise op on two inputs."""
        a, b = first[1:], second[1:]
        if len(a) < len(b):
            a, b = b, a
        out = list(a[: len(a) - len(b)])
        for i, j in zip(a[len(a) - len(b) :], b, strict=True):
            if i is None or j is None:
                out.append(None)
            elif i == 1 or j == 1 or i == j:
                out.append(j if i == 1 else i)
            else:
                raise ValueError(
                    f"{self._where()} got inputs with incompatible shapes "
                    f"{first} and {second}"
                )
        return tuple(out)

    def _check_masks(self, inputs: Any, mask: Any) -> None:
        if not isinstance(mask, list | tuple) or not isinstance(
            inputs, list | tuple
        ):
            raise ValueError(
                f"{self._where()}: `inputs` and `mask` should be lists. "
                f"Received: mask={mask!r}"
            )
        if len(mask) != len(inputs):
            raise ValueError(
                f"{self._where()}: `inputs` and `mask` should have the same "
                f"length. Received {len(inputs)} inputs and {len(mask)} masks."
            )

    # -- layer API -----------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        """Checks the input shapes; merge layers have no weights."""
        self.compute_output_shape(input_shape)
        self.built = True

    def compute_output_shape(self, input_shape: Any) -> tuple:
        """The broadcast shape of the inputs; raises if they don't match."""
        shapes = self._check_list(input_shape)
        self._check_batch_sizes(shapes)
        out = shapes[0]
        for shape in shapes[1:]:
            out = (out[0],) + self._broadcast_shape(out, shape)
        batch = next((s[0] for s in shapes if s[0] is not None), None)
        return (batch, *out[1:])

    def _merge_function(self, inputs: list, masks: list | None):
        raise NotImplementedError

    def call(self, inputs, mask=None):
        if not isinstance(inputs, list | tuple):
            raise ValueError(
                f"{self._where()} should be called on a list of inputs. "
                f"Received: inputs={inputs!r}"
            )
        inputs = list(inputs)
        shapes = self._check_list([tuple(x.shape) for x in inputs])
        self._check_batch_sizes(shapes)
        rank = max(x.ndim for x in inputs)
        expanded = []
        for x in inputs:
            for _ in range(rank - x.ndim):
                x = jnp.expand_dims(x, 1)
            expanded.append(x)
        masks = None
        if isinstance(mask, list | tuple) and any(m is not None for m in mask):
            masks = list(mask)
        return self._merge_function(expanded, masks)

    def compute_mask(self, inputs, mask=None):
        """The logical OR of the input masks; None if any input has none."""
        if mask is None:
            return None
        self._check_masks(inputs, mask)
        if any(m is None for m in mask):
            return None
        output = jnp.asarray(mask[0], bool)
        for m in mask[1:]:
            output = jnp.logical_or(output, jnp.asarray(m, bool))
        return output


def masked_merge(op, inputs: list, masks: list | None):
    """Applies the binary `op` left to right where the inputs are unmasked.

    Masked steps of one input take the other's values, so a step masked
    everywhere but in one input keeps that input's value (as Keras'
    `Maximum` and `Minimum` do). Masks are `(batch, steps)` booleans.
    """
    if masks is None:
        output = inputs[0]
        for x in inputs[1:]:
            output = op(output, x)
        return output
    output, output_mask = None, None
    for x, mask in zip(inputs, masks, strict=True):
        if mask is not None:
            mask = jnp.broadcast_to(
                jnp.expand_dims(jnp.asarray(mask, bool), -1), x.shape
            )
        if output is None:
            output, output_mask = x, mask
            continue
        if mask is not None:
            x = jnp.where(mask, x, output)
        if output_mask is not None:
            output = jnp.where(output_mask, output, x)
        if mask is not None and output_mask is not None:
            output_mask = jnp.logical_or(output_mask, mask)
        else:
            output_mask = None
        output = op(output, x)
    return output
