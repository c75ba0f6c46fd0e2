"""The `ReduceLROnPlateau` callback."""

import sys
import warnings

import numpy as np

from ember.callbacks._learning_rates import learning_rate_of
from ember.callbacks._learning_rates import log_learning_rates
from ember.callbacks._learning_rates import optimizers_of
from ember.callbacks._monitor import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Reduces the learning rate when a monitored quantity stops improving.

    After `patience` epochs without an improvement (of more than
    `min_delta`), the learning rate is multiplied by `factor`, never going
    below `min_lr`; then `cooldown` epochs pass before counting again. The
    optimizer keeps its rate in a variable, so the change applies at the
    next step without recompiling. The epoch's logs gain
    ``learning_rate`` (the rate the epoch ran with).

    Args:
        monitor: Quantity to monitor, e.g. ``"val_loss"``.
        factor: Factor the rate is multiplied by: ``new_lr = lr * factor``
            (below 1).
        patience: Number of epochs without improvement before reducing.
        verbose: ``0`` is silent; ``1`` prints a line at each reduction.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        min_delta: Smallest change that counts as an improvement.
        cooldown: Number of epochs to wait after a reduction before
            counting epochs without improvement again.
        min_lr: Lower bound on the learning rate.

    Example:

    >>> reduce_lr = ember.callbacks.ReduceLROnPlateau(
    ...     monitor="val_loss", factor=0.2, patience=5, min_lr=0.001)
    >>> model.fit(x, y, callbacks=[reduce_lr])  # doctest: +SKIP
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        factor: float = 0.1,
        patience: int = 10,
        verbose: int = 0,
        mode: str = "auto",
        min_delta: float = 1e-4,
        cooldown: int = 0,
        min_lr: float = 0.0,
    ):
        if factor >= 1.0:
            raise ValueError(
                "ReduceLROnPlateau does not support a factor >= 1.0. "
                f"Received factor={factor}"
            )
        super().__init__(monitor, mode, min_delta=min_delta)
        self.factor = factor
        self.min_lr = min_lr
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.cooldown_counter = 0
        self.wait = 0

    def _reset(self) -> None:
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        """Whether the callback is waiting after a reduction."""
        return self.cooldown_counter > 0

    def on_train_begin(self, logs=None):
        self._reset()

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        logs = log_learning_rates(self.model, {} if logs is None else logs)
        current = logs.get(self.monitor)
        if current is None:
            warnings.warn(
                "Learning rate reduction is conditioned on metric "
                f"`{self.monitor}` which is not available. Available "
                f"metrics are: {','.join(logs)}.",
                stacklevel=2,
            )
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        reduced = False
        for suffix, optimizer in optimizers_of(self.model):
            name = f" {suffix[1:]}" if suffix else ""
            reduced = self._reduce(optimizer, epoch, name) or reduced
        if reduced:
            self.cooldown_counter = self.cooldown
            self.wait = 0

    def _reduce(self, optimizer, epoch: int, name: str) -> bool:
        old_lr = learning_rate_of(optimizer)
        if old_lr <= np.float32(self.min_lr):
            return False
        new_lr = max(old_lr * self.factor, self.min_lr)
        optimizer.learning_rate = new_lr
        if self.verbose > 0:
            sys.stdout.write(
                f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing{name} "
                f"learning rate to {new_lr}.\n"
            )
            sys.stdout.flush()
        return True
