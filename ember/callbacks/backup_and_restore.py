"""The `BackupAndRestore` callback: resume a `fit` that was interrupted."""

import hashlib
import json
import os
import shutil

import numpy as np

from ember.callbacks._save_freq import StepCounter
from ember.callbacks._save_freq import check_save_freq
from ember.callbacks.callback import Callback
from ember.callbacks.callback import ResumePoint
from ember.core.atomic import atomic_write

_WEIGHTS = "latest.weights.h5"
_METADATA = "training_metadata.json"
# The next weights are written here, then renamed over `_WEIGHTS` once the
# metadata naming them is on disk: a kill at any point leaves a weights
# file and metadata that belong together.
_STAGED = "next.weights.h5"


class BackupAndRestore(Callback):
    """Backs up the training state so that an interrupted `fit` resumes.

    At the end of every epoch (or every `save_freq` batches) the callback
    writes the model's weights and optimizer state
    (``latest.weights.h5``) and where training stands
    (``training_metadata.json``) into `backup_dir`. When `fit` starts
    with a backup present, the state is restored and training continues
    from the saved epoch; with in-memory data and a batch-level backup, the
    batches of that epoch already done are skipped. The backup also holds
    the random states of the layers (dropout) and the shuffle seed, so a
    resumed fit ends with the same weights as one that was never
    interrupted. The backup is deleted when `fit` completes (unless
    `delete_checkpoint=False`).

    The model and the `compile` / `fit` arguments must be those of the
    interrupted run; the directory must not hold anything else.

    Args:
        backup_dir: Directory for the backup files.
        save_freq: ``"epoch"`` to back up after each epoch, or an integer
            to back up every that many training batches.
        double_checkpoint: Also keep the previous backup (``*.bkp``), used
            when the latest one cannot be read.
        delete_checkpoint: Delete `backup_dir` when training completes.

    Example:

    >>> backup = ember.callbacks.BackupAndRestore("backup")  # doctest: +SKIP
    >>> model.fit(x, y, epochs=10, callbacks=[backup])  # doctest: +SKIP
    >>> # Killed during epoch 6? The same call resumes at epoch 6.
    """

    # Backing up at the end of a compiled chunk of steps is as good as at
    # the end of its last step: the metadata records the steps done.
    chunked_batch_hooks = True

    def __init__(
        self,
        backup_dir: str | os.PathLike,
        save_freq: str | int = "epoch",
        double_checkpoint: bool = False,
        delete_checkpoint: bool = True,
    ):
        super().__init__()
        if not backup_dir:
            raise ValueError("Empty `backup_dir` argument passed")
        check_save_freq(save_freq, "BackupAndRestore")
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._current_epoch = 0
        self._steps = StepCounter(save_freq) if save_freq != "epoch" else None

    def _path(self, name: str) -> str:
        return os.path.join(self.backup_dir, name)

    # -- hooks ---------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self.resume_point = None
        previous = self._path(_METADATA + ".bkp")
        if not (self.double_checkpoint and os.path.exists(previous)):
            self._restore()
            return
        try:
            if not os.path.exists(self._path(_METADATA)):
                raise ValueError("the latest backup is incomplete")
            self._restore()
        except (OSError, ValueError):
            for name in (_WEIGHTS, _METADATA):
                shutil.copyfile(self._path(name + ".bkp"), self._path(name))
            if os.path.exists(self._path(_STAGED)):
                os.remove(self._path(_STAGED))
            self._restore()

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._steps is not None and self._steps.step(batch):
            self._backup(self._current_epoch, self._steps.done)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._backup(epoch + 1, 0)

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir)

    # -- backup --------------------------------------------------------------
    def _backup(self, epoch: int, steps_done: int) -> None:
        """Writes weights and metadata so that a kill at any moment leaves
        a matching pair on disk."""
        os.makedirs(self.backup_dir, exist_ok=True)
        weights, metadata = self._path(_WEIGHTS), self._path(_METADATA)
        if self.double_checkpoint and os.path.exists(metadata):
            shutil.copyfile(weights, weights + ".bkp")
            shutil.copyfile(metadata, metadata + ".bkp")
        staged = self._path(_STAGED)
        self.model.save_weights(staged)
        _write_json(
            metadata,
            {
                # Keras reads "epoch" (and writes the last batch index).
                "epoch": epoch,
                "batch": max(steps_done - 1, 0),
                "steps_done": steps_done,
                "weights_sha256": _sha256(staged),
                "data_seed": self.model._fit_data_seed,
                "seed_states": [
                    np.asarray(v.value).tolist()
                    for v in _seed_states(self.model)
                ],
            },
        )
        os.replace(staged, weights)

    def _restore(self) -> None:
        """Restores the state saved in `backup_dir`, if any."""
        weights = self._path(_WEIGHTS)
        metadata_path = self._path(_METADATA)
        if not os.path.exists(metadata_path):
            if os.path.exists(weights):  # Weights without a position.
                self.model.load_weights(weights)
            return
        metadata = _read_metadata(metadata_path)
        expected = metadata.get("weights_sha256")
        staged = self._path(_STAGED)
        if (
            expected is not None
            and os.path.exists(staged)
            and _sha256(staged) == expected
        ):
            # Killed after the metadata was written, before the rename.
            os.replace(staged, weights)
        if not os.path.exists(weights):
            raise ValueError(
                f"BackupAndRestore: `{metadata_path}` has no weights file "
                f"`{weights}` beside it."
            )
        if expected is not None and _sha256(weights) != expected:
            raise ValueError(
                f"BackupAndRestore: `{weights}` does not match "
                f"`{metadata_path}` (a backup was interrupted); delete "
                f"`{self.backup_dir}` to start over."
            )
        self.model.load_weights(weights)
        _restore_seed_states(self.model, metadata.get("seed_states"))
        self.resume_point = ResumePoint(
            int(metadata["epoch"]),
            int(metadata.get("steps_done", 0)),
            metadata.get("data_seed"),
        )
        if self._steps is not None:
            self._steps.done = self.resume_point.step


def _seed_states(model) -> list:
    """The random-state variables of `model` (not saved with weights)."""
    weights = {id(w) for w in model.weights}
    return [v for v in model.variables if id(v) not in weights]


def _restore_seed_states(model, saved) -> None:
    states = _seed_states(model)
    if saved is None or len(saved) != len(states):
        return
    for variable, value in zip(states, saved, strict=True):
        variable.assign(np.asarray(value, dtype=variable.dtype))


def _read_metadata(path: str) -> dict:
    try:
        with open(path, encoding="utf-8") as f:
            metadata = json.load(f)
    except (OSError, ValueError, RecursionError) as error:
        raise ValueError(
            f"BackupAndRestore: cannot read `{path}`: {error}"
        ) from None
    epoch = metadata.get("epoch") if isinstance(metadata, dict) else None
    if not isinstance(epoch, int) or epoch < 0:
        raise ValueError(
            f"BackupAndRestore: `{path}` holds no valid `epoch`. "
            f"Received: {metadata!r}"
        )
    return metadata


def _write_json(path: str, content: dict) -> None:
    """Writes `content` to `path` atomically."""

    def write(temporary: str) -> None:
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(content, f)

    atomic_write(path, write)


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
