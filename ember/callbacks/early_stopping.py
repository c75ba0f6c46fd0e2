"""The `EarlyStopping` callback."""

import sys
import warnings

import numpy as np

from ember.callbacks._monitor import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stops training when a monitored quantity has stopped improving.

    At the end of each epoch the monitored value is compared with the best
    one so far (improving means beating it by more than `min_delta`). After
    `patience` epochs without improvement, ``model.stop_training`` is set
    and `fit` ends after that epoch.

    Args:
        monitor: Quantity to monitor, e.g. ``"val_loss"``.
        min_delta: Smallest change that counts as an improvement.
        patience: Number of epochs without improvement after which
            training stops.
        verbose: ``0`` is silent; ``1`` prints a line when training stops
            and when weights are restored.
        mode: ``"auto"``, ``"min"`` or ``"max"``: whether the quantity
            should go down or up (``"auto"`` infers it from the name).
        baseline: A value the quantity must beat: epochs that do not beat
            it count towards `patience` even when they improve.
        restore_best_weights: At the end of training, set the model's
            weights to those of the best epoch (the one with the best
            monitored value, baseline or not).
        start_from_epoch: Number of warm-up epochs that are not monitored.

    Example:

    >>> callback = ember.callbacks.EarlyStopping(monitor="loss", patience=3)
    >>> model = ember.Sequential([ember.layers.Dense(10)])
    >>> model.compile(ember.optimizers.SGD(), loss="mse")
    >>> history = model.fit(np.arange(100).reshape(5, 20), np.zeros((5, 10)),
    ...                     epochs=10, batch_size=1, callbacks=[callback],
    ...                     verbose=0)
    >>> len(history.history["loss"])  # Only 4 epochs are run.
    4
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        min_delta: float = 0,
        patience: int = 0,
        verbose: int = 0,
        mode: str = "auto",
        baseline: float | None = None,
        restore_best_weights: bool = False,
        start_from_epoch: int = 0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.wait = 0
        self.stopped_epoch = 0
        self.restore_best_weights = restore_best_weights
        self.best_weights = None
        self.best_epoch = 0
        self.start_from_epoch = start_from_epoch

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor_op is None:
            self._set_monitor_op()
        current = self.get_monitor_value(logs)
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            # The first monitored epoch is the best until one beats it.
            self.best_weights = self._weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self._weights()
            if self.baseline is None or self._is_improvement(
                current, self.baseline
            ):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            self._print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                self._print(
                    "Restoring model weights from the end of the best "
                    f"epoch: {self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)

    def get_monitor_value(self, logs):
        """The monitored value in `logs`, or None (with a warning)."""
        logs = logs or {}
        value = logs.get(self.monitor)
        if value is None:
            warnings.warn(
                f"Early stopping conditioned on metric `{self.monitor}` "
                "which is not available. Available metrics are: "
                f"{','.join(logs)}",
                stacklevel=2,
            )
        return value

    def _weights(self) -> list:
        # Copies: the variables' buffers are donated to the next step.
        return [np.array(w, copy=True) for w in self.model.get_weights()]

    @staticmethod
    def _print(message: str) -> None:
        sys.stdout.write(message + "\n")
        sys.stdout.flush()
