"""The base `Callback` class, `ResumePoint` and `overrides_batch_hooks`."""

from typing import NamedTuple

BATCH_HOOKS = (
    "on_batch_begin",
    "on_batch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)


class ResumePoint(NamedTuple):
    """Where an interrupted `fit` resumes (see `Callback.resume_point`).

    Attributes:
        epoch: the epoch to start at.
        step: the steps of that epoch already done (skipped).
        data_seed: the shuffle seed of the interrupted fit (its epochs'
            batches), or None to keep the new fit's.
    """

    epoch: int
    step: int = 0
    data_seed: int | None = None


class Callback:
    """Base class for callbacks: subclass it and override the hooks you need.

    Attributes:
        params: Dict of training parameters (``verbose``, ``epochs``,
            ``steps``), set by the trainer through `set_params`.
        model: The model being trained, set through `set_model`.
        chunked_batch_hooks: Class attribute. ``True`` when the callback's
            batch hooks are fine with being called once per compiled chunk of
            steps (with the index of the chunk's last step) rather than once
            per step; `overrides_batch_hooks` then ignores them.
        resume_point: None, or a `ResumePoint` that the callback sets in
            `on_train_begin` (`BackupAndRestore` does) to make `fit` start
            there instead of at `initial_epoch`. It applies to that fit.
    """

    chunked_batch_hooks = False
    resume_point: ResumePoint | None = None

    def __init__(self):
        self.params = None
        self.model = None

    def set_params(self, params):
        self.params = params

    def set_model(self, model):
        self.model = model

    # Legacy aliases: the train batch hooks call these by default.
    def on_batch_begin(self, batch, logs=None):
        """Alias kept for compatibility; called by `on_train_batch_begin`."""

    def on_batch_end(self, batch, logs=None):
        """Alias kept for compatibility; called by `on_train_batch_end`."""

    def on_epoch_begin(self, epoch, logs=None):
        """Called at the start of an epoch (training only)."""

    def on_epoch_end(self, epoch, logs=None):
        """Called at the end of an epoch; `logs` holds the epoch's metrics,
        validation ones prefixed with ``val_``."""

    def on_train_batch_begin(self, batch, logs=None):
        """Called at the start of a training batch in `fit`."""
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        """Called at the end of a training batch in `fit`."""
        self.on_batch_end(batch, logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        """Called at the start of a batch in `evaluate` (and validation)."""

    def on_test_batch_end(self, batch, logs=None):
        """Called at the end of a batch in `evaluate` (and validation)."""

    def on_predict_batch_begin(self, batch, logs=None):
        """Called at the start of a batch in `predict`."""

    def on_predict_batch_end(self, batch, logs=None):
        """Called at the end of a batch in `predict`."""

    def on_train_begin(self, logs=None):
        """Called at the start of training."""

    def on_train_end(self, logs=None):
        """Called at the end of training."""

    def on_test_begin(self, logs=None):
        """Called at the start of evaluation or validation."""

    def on_test_end(self, logs=None):
        """Called at the end of evaluation or validation."""

    def on_predict_begin(self, logs=None):
        """Called at the start of prediction."""

    def on_predict_end(self, logs=None):
        """Called at the end of prediction."""


TEST_BATCH_HOOKS = ("on_test_batch_begin", "on_test_batch_end")


def overrides_batch_hooks(callback, hooks=BATCH_HOOKS) -> bool:
    """Whether `callback` needs its batch hooks called after every step.

    True when the callback (or, for a `CallbackList` or a list, any callback
    in it) overrides one of `hooks` (by default every per-batch hook of
    `Callback`), in its class or on the instance, unless it sets
    ``chunked_batch_hooks = True``. The trainer uses this to decide whether
    it must run one step per compiled execution.
    """
    if callback is None:
        return False
    if isinstance(callback, (list, tuple)):
        return any(overrides_batch_hooks(cb, hooks) for cb in callback)
    inner = getattr(callback, "callbacks", None)
    if isinstance(inner, list):
        return any(overrides_batch_hooks(cb, hooks) for cb in inner)
    if getattr(callback, "chunked_batch_hooks", False):
        return False
    own = vars(callback) if hasattr(callback, "__dict__") else {}
    if any(callable(own.get(name)) for name in hooks):
        return True  # A hook set on the instance (`LambdaCallback`).
    cls = type(callback)
    for name in hooks:
        method = getattr(cls, name, None)
        if method is not None and method is not getattr(Callback, name):
            return True
    return False
