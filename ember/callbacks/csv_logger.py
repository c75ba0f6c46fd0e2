"""The `CSVLogger` callback."""

import collections.abc
import csv
import os

import numpy as np

from ember.callbacks.callback import Callback


def _cell(value):
    """A log value as Keras writes it in a CSV cell."""
    if isinstance(value, str):
        return value
    if isinstance(value, collections.abc.Iterable) and not (
        isinstance(value, np.ndarray) and value.ndim == 0
    ):
        return f'"[{", ".join(map(str, value))}]"'
    return value


class CSVLogger(Callback):
    """Streams each epoch's logs to a CSV file.

    The first row is the header: ``epoch`` then the log keys, sorted (when
    the first epoch has no ``val_`` keys, a ``val_`` column is added for
    each key, as Keras does; missing values are written ``NA``). One row
    follows per epoch, flushed at once.

    Args:
        filename: Path of the CSV file.
        separator: The string separating cells.
        append: Append to an existing file (no new header when it is not
            empty) instead of overwriting it.

    Example:

    >>> csv_logger = ember.callbacks.CSVLogger("training.log")
    >>> model.fit(x, y, callbacks=[csv_logger])  # doctest: +SKIP
    """

    def __init__(
        self,
        filename: str | os.PathLike,
        separator: str = ",",
        append: bool = False,
    ):
        super().__init__()
        self.sep = separator
        self.filename = os.fspath(filename)
        self.append = append
        self.writer = None
        self.keys = None
        self.append_header = True
        self.csv_file = None

    def on_train_begin(self, logs=None):
        if self.append:
            if os.path.exists(self.filename):
                with open(self.filename) as existing:
                    self.append_header = not existing.readline()
            mode = "a"
        else:
            mode = "w"
        self._close()
        # newline="": the csv module writes its own line endings ("\r\n").
        self.csv_file = open(self.filename, mode, newline="")
        self.writer = None
        self.keys = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                self.keys += [f"val_{k}" for k in self.keys]
        if self.writer is None:
            separator = self.sep

            class Dialect(csv.excel):
                delimiter = separator

            self.writer = csv.DictWriter(
                self.csv_file,
                fieldnames=["epoch", *self.keys],
                dialect=Dialect,
            )
            if self.append_header:
                self.writer.writeheader()
        row = {"epoch": epoch}
        row.update((key, _cell(logs.get(key, "NA"))) for key in self.keys)
        self.writer.writerow(row)
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self._close()
        self.writer = None

    def _close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
