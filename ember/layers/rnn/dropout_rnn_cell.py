"""DropoutRNNCell: dropout masks drawn once per call, reused at every step."""

from typing import Any

import jax.numpy as jnp

from ember import random


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
