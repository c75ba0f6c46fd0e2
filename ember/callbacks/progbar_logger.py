"""The `ProgbarLogger` callback that prints progress and metrics."""

import sys

from ember.callbacks.callback import Callback
from ember.callbacks.progbar import Progbar


class ProgbarLogger(Callback):
    """Prints progress and metrics to stdout, driven by `params`.

    `params` holds ``verbose`` (0 silent, 1 or ``"auto"`` progress bar, 2 one
    line per epoch), ``epochs`` and ``steps`` (``None`` when unknown).
    Inside `fit`, validation is silent: its metrics appear on the epoch line.

    On a terminal with ``verbose=1`` each epoch is a live `rich` bar
    labelled ``"Epoch 3/5"``; its final line, with the validation metrics,
    stays on screen. Elsewhere the output is plain lines, with no carriage
    return and no escape code.
    """

    # Batch updates are cheap and accept jumps in the step count.
    chunked_batch_hooks = True

    def __init__(self) -> None:
        super().__init__()
        self.seen = 0
        self.progbar = None
        self.target = None
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False
        self._console = None  # a rich Console to draw on (tests)

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs") or 1
        self.target = params.get("steps")

    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset_progbar()
            self._maybe_init_progbar("Evaluate")

    def on_predict_begin(self, logs=None):
        self._reset_progbar()
        self._maybe_init_progbar("Predict")

    def on_epoch_begin(self, epoch, logs=None):
        self._reset_progbar()
        header = f"Epoch {epoch + 1}/{self.epochs}"
        self._maybe_init_progbar(header)
        live = self.progbar.dynamic and self.verbose == 1
        if live:
            # Drawn now, not when the first (compiling) execution returns.
            self.progbar.update(0, None, finalize=False)
        elif self.verbose and self.epochs > 1:
            sys.stdout.write(header + "\n")
            sys.stdout.flush()

    def on_train_batch_end(self, batch, logs=None):
        self._update_progbar(batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update_progbar(batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        # Predictions are not metrics: show only the progress.
        self._update_progbar(batch, None)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize_progbar(logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize_progbar(logs)

    def on_predict_end(self, logs=None):
        self._finalize_progbar(None)

    def _reset_progbar(self):
        self.seen = 0
        self.progbar = None

    def _maybe_init_progbar(self, description=None):
        if self.progbar is None:
            self.progbar = Progbar(
                target=self.target,
                verbose=self.verbose,
                unit_name="step",
                description=description,
                console=self._console,
            )

    def _update_progbar(self, batch, logs=None):
        self._maybe_init_progbar()
        self.seen = batch + 1  # One-indexed.
        if self.verbose == 1:
            self.progbar.update(self.seen, logs, finalize=False)

    def _finalize_progbar(self, logs):
        self._maybe_init_progbar()
        target = self.seen if self.target is None else self.target
        self.progbar.target = target
        self.progbar.update(target, logs, finalize=True)
