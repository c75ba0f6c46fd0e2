"""DropoutRNNCell: dropout masks drawn once per call, reused at every step."""

from typing import Any

import jax.numpy as jnp

from ember import random
from ember.layers.rnn.stacked_rnn_cells import StackedRNNCells
from ember.layers.rnn.stacked_rnn_cells import cell_output_size


class DropoutRNNCell:
    """Mixin giving a cell Keras' cached dropout masks.

    The cell has `dropout`, `recurrent_dropout` and `seed_generator`. The
    `RNN` layer draws the masks before the time loop (input mask first,
    then recurrent mask, as Keras does), every step reuses them, and they
    are dropped when the call ends. With `dropout_mask_count` set (per-gate
    masks), each mask is a list of that many masks.
    """

    def _create_dropout_mask(self, step_input: Any, rate: float) -> Any:
        ones = jnp.ones_like(step_input)
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return random.dropout(ones, rate=rate, seed=self.seed_generator)
        return [
            random.dropout(ones, rate=rate, seed=self.seed_generator)
            for _ in range(count)
        ]

    def get_dropout_mask(self, step_input: Any) -> Any:
        """The input dropout mask for `step_input`'s shape (made once)."""
        if getattr(self, "_dropout_mask", None) is None and self.dropout > 0:
            self._dropout_mask = self._create_dropout_mask(
                step_input, self.dropout
            )
        return getattr(self, "_dropout_mask", None)

    def get_recurrent_dropout_mask(self, step_input: Any) -> Any:
        """The recurrent dropout mask for the state's shape (made once)."""
        if (
            getattr(self, "_recurrent_dropout_mask", None) is None
            and self.recurrent_dropout > 0
        ):
            self._recurrent_dropout_mask = self._create_dropout_mask(
                step_input, self.recurrent_dropout
            )
        return getattr(self, "_recurrent_dropout_mask", None)

    def reset_dropout_mask(self) -> None:
        """Forgets the cached input mask (the RNN does it after each call)."""
        self._dropout_mask = None

    def reset_recurrent_dropout_mask(self) -> None:
        """Forgets the cached recurrent mask."""
        self._recurrent_dropout_mask = None


def time_mask(mask: Any, inputs: Any) -> Any:
    """A per-step `(batch, features)` mask, broadcast over a time axis when
    `inputs` is a whole sequence `(batch, time, features)`."""
    if inputs.ndim == mask.ndim + 1:
        return mask[:, None, :]
    return mask


def draw_dropout_masks(cell: Any, step_input: Any, states: Any) -> None:
    """Draws the masks of a cell (or of each stacked cell) before the time
    loop, in Keras' order: each cell's input mask, then its recurrent mask.
    """
    if isinstance(cell, StackedRNNCells):
        for c, s in zip(cell.cells, states, strict=True):
            draw_dropout_masks(c, step_input, s)
            step_input = jnp.zeros(
                (step_input.shape[0], cell_output_size(c)), step_input.dtype
            )
    elif isinstance(cell, DropoutRNNCell):
        state = states[0] if isinstance(states, list | tuple) else states
        cell.get_dropout_mask(step_input)
        cell.get_recurrent_dropout_mask(state)


def reset_dropout_masks(cell: Any) -> None:
    """Forgets the masks drawn for a call (after the call)."""
    for c in getattr(cell, "cells", [cell]):
        if isinstance(c, DropoutRNNCell):
            c.reset_dropout_mask()
            c.reset_recurrent_dropout_mask()
