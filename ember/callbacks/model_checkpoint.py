"""The `ModelCheckpoint` callback."""

import os
import sys
import warnings

import numpy as np

from ember.callbacks._monitor import metric_direction
from ember.callbacks._save_freq import StepCounter
from ember.callbacks._save_freq import check_save_freq
from ember.callbacks.callback import Callback

# Words that mark a monitored quantity to maximize when `mode="auto"` and
# the model's metrics do not say which way is better.
_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "fmeasure", "f1")
_LOWER_IS_BETTER = ("loss", "error", "crossentropy", "hinge", "divergence")


class ModelCheckpoint(Callback):
    """Saves the model or its weights during training.

    The model is saved through its own `save` (a `.keras` archive) or
    `save_weights` (a `.weights.h5` file), at the end of every epoch or
    every `save_freq` batches. `filepath` may hold format fields filled at
    each save: ``{epoch}`` (counted from 1), ``{batch}`` (counted from 1,
    batch-level saves only) and any key of the logs, e.g.
    ``"ckpt/{epoch:02d}-{val_loss:.2f}.keras"``.

    With `save_best_only=True` the model is saved only when the monitored
    quantity improves on the best value seen so far (or on
    `initial_value_threshold`); with a fixed `filepath` this keeps the best
    model on disk.

    Args:
        filepath: Path of the file to write, ending in `.keras`, or in
            `.weights.h5` when `save_weights_only=True`. May contain
            format fields (see above).
        monitor: Name of the logged quantity compared when
            `save_best_only=True`, e.g. ``"val_loss"`` or
            ``"val_accuracy"``.
        verbose: ``0`` is silent, ``1`` prints a line at each save.
        save_best_only: Save only when the monitored quantity improves.
        save_weights_only: Save only the weights (`model.save_weights`)
            instead of the whole model (`model.save`).
        mode: One of ``"auto"``, ``"min"``, ``"max"``: whether a lower or a
            higher value is better. ``"auto"`` decides from the metric (its
            direction, or its name: loss and errors go down, accuracy-like
            names go up).
        save_freq: ``"epoch"`` to save after each epoch, or an integer to
            save every that many training batches (each batch then runs
            as its own compiled step).
        initial_value_threshold: The best value to beat at the start, used
            only with `save_best_only=True`.

    Example:

    >>> checkpoint = ember.callbacks.ModelCheckpoint(  # doctest: +SKIP
    ...     "best.keras", monitor="val_accuracy", save_best_only=True
    ... )
    >>> model.fit(x, y, validation_split=0.2,  # doctest: +SKIP
    ...           epochs=10, callbacks=[checkpoint])
    """

    def __init__(
        self,
        filepath: str | os.PathLike,
        monitor: str = "val_loss",
        verbose: int = 0,
        save_best_only: bool = False,
        save_weights_only: bool = False,
        mode: str = "auto",
        save_freq: str | int = "epoch",
        initial_value_threshold: float | None = None,
    ):
        super().__init__()
        self.filepath = os.fspath(filepath)
        self.monitor = monitor
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self.initial_value_threshold = initial_value_threshold
        self.best = initial_value_threshold
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"ModelCheckpoint mode '{mode}' is unknown, falling back to "
                "'auto'.",
                stacklevel=2,
            )
            mode = "auto"
        self.mode = mode
        self._higher_is_better = None
        check_save_freq(save_freq, "ModelCheckpoint")
        if save_weights_only:
            if not self.filepath.endswith(".weights.h5"):
                raise ValueError(
                    "With `save_weights_only=True`, the `filepath` of "
                    "ModelCheckpoint must end in `.weights.h5`. Received: "
                    f"filepath={self.filepath}"
                )
        elif not self.filepath.endswith(".keras"):
            raise ValueError(
                "The `filepath` of ModelCheckpoint must end in `.keras` (or "
                "in `.weights.h5` with `save_weights_only=True`). Received: "
                f"filepath={self.filepath}"
            )
        # Epoch-level saving is fine with batch hooks called once per
        # compiled chunk; an int `save_freq` needs every batch.
        self.chunked_batch_hooks = save_freq == "epoch"
        self._current_epoch = 0
        self._steps = StepCounter(save_freq) if save_freq != "epoch" else None

    # -- hooks ---------------------------------------------------------------
    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._steps is not None and self._steps.step(batch):
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    # -- saving --------------------------------------------------------------
    def _save(self, epoch: int, batch: int | None, logs) -> None:
        logs = dict(logs or {})
        filepath = self._format_path(epoch, batch, logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(
                    f"Can save best model only with {self.monitor} "
                    "available, skipping.",
                    stacklevel=2,
                )
                return
            current = float(np.asarray(current))
            best = "None" if self.best is None else f"{self.best:.5f}"
            if not self._improves(current):
                self._print(
                    f"\nEpoch {epoch + 1}: {self.monitor} did not improve "
                    f"from {best}"
                )
                return
            self._print(
                f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} "
                f"to {current:.5f}, saving model to {filepath}"
            )
            self.best = current
        else:
            self._print(f"\nEpoch {epoch + 1}: saving model to {filepath}")
        directory = os.path.dirname(filepath)
        if directory:
            os.makedirs(directory, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(filepath, overwrite=True)
        else:
            self.model.save(filepath, overwrite=True)

    def _format_path(self, epoch: int, batch: int | None, logs: dict) -> str:
        fields = dict(logs)
        fields["epoch"] = epoch + 1
        if batch is not None:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except KeyError as error:
            raise KeyError(
                f"Failed to format the ModelCheckpoint filepath "
                f"'{self.filepath}': the logs have no key {error}. "
                f"Available keys: {sorted(fields)}"
            ) from error

    def _improves(self, current: float) -> bool:
        if self._higher_is_better is None:
            self._higher_is_better = self._direction()
        if self.best is None:
            return True
        if self._higher_is_better:
            return current > self.best
        return current < self.best

    def _direction(self) -> bool:
        """Whether a higher monitored value is better."""
        if self.mode != "auto":
            return self.mode == "max"
        name = self.monitor.removeprefix("val_")
        direction = metric_direction(self.model, name)
        if direction is not None:
            return direction == "up"
        lowered = name.lower()
        if any(word in lowered for word in _LOWER_IS_BETTER):
            return False
        if any(word in lowered for word in _HIGHER_IS_BETTER):
            return True
        raise ValueError(
            f"ModelCheckpoint received monitor={self.monitor}, and cannot "
            "tell whether it should be maximized or minimized. Pass "
            "`mode='max'` or `mode='min'`."
        )

    def _print(self, message: str) -> None:
        if self.verbose > 0:
            sys.stdout.write(message + "\n")
            sys.stdout.flush()
