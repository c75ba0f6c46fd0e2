"""The `LearningRateScheduler` callback."""

import sys

import numpy as np

from ember.callbacks._learning_rates import learning_rate_of
from ember.callbacks._learning_rates import log_learning_rates
from ember.callbacks._learning_rates import optimizers_of
from ember.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Sets the learning rate at the start of each epoch from a schedule.

    `schedule` is called as ``schedule(epoch, lr)`` with the epoch index
    (from 0) and the current rate, or as ``schedule(epoch)`` when it does
    not take two arguments, and returns the new rate as a float. The
    optimizer keeps its rate in a variable, so no recompilation happens.
    The epoch's logs gain ``learning_rate``.

    Args:
        schedule: The function giving the learning rate.
        verbose: ``0`` is silent; ``1`` prints the rate set each epoch.

    Example:

    >>> def scheduler(epoch, lr):
    ...     return lr if epoch < 10 else lr * 0.9
    >>> callback = ember.callbacks.LearningRateScheduler(scheduler)
    >>> model.fit(x, y, epochs=15, callbacks=[callback])  # doctest: +SKIP
    """

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        self.schedule = schedule
        self.verbose = verbose

    def _update(self, optimizer, epoch: int) -> float:
        if not hasattr(optimizer, "learning_rate"):
            raise ValueError('Optimizer must have a "learning_rate" attribute.')
        try:
            learning_rate = self.schedule(epoch, learning_rate_of(optimizer))
        except TypeError:  # A schedule of the epoch alone.
            learning_rate = self.schedule(epoch)
        if not isinstance(learning_rate, (float, np.float32, np.float64)):
            raise ValueError(
                "The output of the `schedule` function should be a float. "
                f"Got: {learning_rate}"
            )
        optimizer.learning_rate = learning_rate
        return learning_rate

    def on_epoch_begin(self, epoch, logs=None):
        for suffix, optimizer in optimizers_of(self.model):
            learning_rate = self._update(optimizer, epoch)
            if self.verbose > 0:
                name = f"{suffix[1:]} " if suffix else ""
                sys.stdout.write(
                    f"\nEpoch {epoch + 1}: LearningRateScheduler setting "
                    f"{name}learning rate to {learning_rate}.\n"
                )
                sys.stdout.flush()

    def on_epoch_end(self, epoch, logs=None):
        log_learning_rates(self.model, {} if logs is None else logs)
