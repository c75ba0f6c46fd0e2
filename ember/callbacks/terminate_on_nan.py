"""The `TerminateOnNaN` callback."""

import math
import sys

import numpy as np

from ember.callbacks.callback import Callback


def _is_finite(value) -> bool:
    if isinstance(value, (int, float)):
        return math.isfinite(value)
    return bool(np.all(np.isfinite(np.asarray(value))))


class TerminateOnNaN(Callback):
    """Stops training when the loss becomes NaN or infinite.

    Sets ``model.stop_training = True`` (the trainer keeps the last finite
    weights), or raises `RuntimeError` when `raise_error` is true.
    """

    # A check once per compiled chunk is enough: the trainer rolls back.
    chunked_batch_hooks = True

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or _is_finite(loss):
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. "
                f"Loss value: {loss}. Terminating training immediately."
            )
        sys.stdout.write(f"Batch {batch}: Invalid loss, terminating training\n")
        sys.stdout.flush()
        self.model.stop_training = True
