"""The host loops of `fit` and `evaluate`.

Reads top to bottom: validate the data (before any state changes), build
what is missing, put in-memory data on the device once, run compiled
executions epoch by epoch (`epoch.run_epoch`), call the callbacks,
validate, return History.

In-memory data (`DeviceFeed`) is shuffled and batched on the device by
index; a Python generator (`GeneratorIterator`) is batched on the host and
sent chunk by chunk. A generator without `steps_per_epoch` runs each epoch
until it is exhausted, so an infinite one needs `steps_per_epoch`.
"""

import random as python_random
import warnings
from typing import Any

from ember.callbacks import CallbackList
from ember.callbacks import TerminateOnNaN
from ember.callbacks import overrides_batch_hooks
from ember.callbacks.callback import TEST_BATCH_HOOKS
from ember.training import epoch as epoch_lib
from ember.training import prepare
from ember.training.data import ArrayIterator
from ember.training.data import DeviceFeed
from ember.training.data import adapt
from ember.training.data import check_batch_size
from ember.training.data import fits_on_device
from ember.training.data import host_iterator
from ember.training.data import is_batch_source
from ember.training.data import split_validation
from ember.training.data import unpack_validation_data
from ember.training.steps import uses_ember_steps


class _Runner:
    """A compiled function (`kind` "train", "train_keeping" or "test") bound
    to one data source for a whole call.

    The number of steps per execution is planned once, at the first run.
    """

    def __init__(self, model, kind: str, source, callbacks=()):
        self.model = model
        self.function = epoch_lib.chunk_function(model, kind)
        self.step_fn = epoch_lib.step_function(
            model, "test" if kind == "test" else "train"
        )
        self.source = source
        self.callbacks = list(callbacks)
        self._plan = None

    def run(self, epoch: int, callback_list, hook: str, rollback=False, skip=0):
        model = self.model
        if self._plan is None:
            groups = epoch_lib.variable_groups(model)
            self._plan = epoch_lib.plan_executions(
                model,
                self.function,
                self.step_fn,
                self.callbacks,
                epoch_lib.fresh_state(groups, model),
                self.source,
            )
        unroll, sizer = self._plan
        if isinstance(self.source, DeviceFeed):
            chunks = self.source.chunks(epoch, sizer, skip)
        elif isinstance(self.source, ArrayIterator):
            chunks = self.source.chunks(epoch, sizer.fixed, skip)
        else:
            chunks = self.source.chunks(epoch, sizer.fixed)
            skip = 0
        return epoch_lib.run_epoch(
            model,
            self.function,
            chunks,
            callback_list,
            hook,
            unroll=unroll,
            sizer=sizer,
            rollback=rollback,
            first_step=skip,
        )


def _array_source(model, data, batch_size, **kwargs):
    """A `DeviceFeed`, or host batches when `data` is too big for the
    device or when a model with its own steps needs a last partial batch
    at its real size (the device path pads it)."""
    pad = uses_ember_steps(model)
    whole = data.num_samples % check_batch_size(batch_size) == 0
    if fits_on_device(data) and (pad or whole):
        return DeviceFeed(data, batch_size, **kwargs)
    return ArrayIterator(data, batch_size, pad=pad, **kwargs)


def _check_generator_arguments(y, sample_weight, validation_split=0.0):
    if y is not None:
        raise ValueError(
            "`y` must not be given when `x` is a generator: the generator "
            "yields (x, y) or (x, y, sample_weight). Received y of type "
            f"{type(y).__name__}."
        )
    if sample_weight is not None:
        raise ValueError(
            "`sample_weight` must not be given when `x` is a generator: "
            "yield (x, y, sample_weight) instead."
        )
    if validation_split:
        raise ValueError(
            "`validation_split` is only supported for in-memory arrays; "
            "received a generator. Pass `validation_data` instead."
        )


def _shuffle_owner(source) -> ArrayIterator | None:
    """The `ArrayIterator` whose `seed` orders `source`'s epochs."""
    source = getattr(source, "iterator", source)
    return source if isinstance(source, ArrayIterator) else None


def _resume_point(model, initial_epoch: int, source) -> tuple[int, int]:
    """`(epoch, steps done in it)` to start from, as left on the model by a
    callback's `on_train_begin` (`BackupAndRestore`).

    `model._initial_epoch` is Keras' attribute for this; ember adds
    `_initial_step` (steps of that epoch already done, skipped for array
    data) and `_resume_data_seed` (the shuffle seed of the interrupted
    fit). All three are cleared: they apply to this fit only.
    """
    epoch = model._initial_epoch
    step = model._initial_step or 0
    seed = model._resume_data_seed
    model._initial_epoch = model._initial_step = None
    model._resume_data_seed = None
    owner = _shuffle_owner(source)
    if seed is not None and owner is not None:
        owner.seed = int(seed)
    if epoch is None:
        return initial_epoch, 0
    epoch, step = int(epoch), int(step)
    if source.num_steps and step >= source.num_steps:
        return epoch + 1, 0  # Saved after the epoch's last step.
    return epoch, step


def _progress(verbose) -> bool:
    """Whether to show progress: `verbose` is "auto", 0, 1 or 2 (the
    callbacks see it as given, as in Keras)."""
    return verbose == "auto" or int(verbose) != 0


_RAN_OUT = (
    "Your input ran out of data; interrupting training. Make sure that your "
    "dataset or generator can generate at least `steps_per_epoch * epochs` "
    "batches. You may need to use the `.repeat()` function when building "
    "your dataset."
)


def _ran_out(source) -> bool:
    """Whether training stops because `source` ran out of data.

    Keras' warning is given either way; a `PyDataset` whose pass ended
    before `steps_per_epoch` goes on with the next epoch, as in Keras.
    """
    stop = getattr(source, "ran_out", False)
    if stop or getattr(source, "cut_short", False):
        warnings.warn(_RAN_OUT, stacklevel=3)
    return stop


def _with_validation(logs: dict, val_logs: dict) -> dict:
    """The epoch's logs with `val_`-prefixed validation logs, all keys
    sorted together as Keras' callbacks receive them (`loss`, then
    `val_loss`, then `w_precision`)."""
    merged = dict(logs)
    merged.update({f"val_{k}": v for k, v in val_logs.items()})
    return {key: merged[key] for key in sorted(merged)}


def _validation_source(model, validation_data, validation_steps):
    """`(source or None, adapted data or first batch)` for validation."""
    if validation_data is None:
        return None, None
    if is_batch_source(validation_data):
        source = host_iterator(
            validation_data, validation_steps, pad=uses_ember_steps(model)
        )
        return source, source.peek()
    return None, adapt(*unpack_validation_data(validation_data))


def fit(
    model,
    x: Any = None,
    y: Any = None,
    batch_size: int | None = None,
    epochs: int = 1,
    verbose: Any = "auto",
    callbacks: list | None = None,
    validation_split: float = 0.0,
    validation_data: Any = None,
    shuffle: bool = True,
    class_weight: dict | None = None,
    sample_weight: Any = None,
    initial_epoch: int = 0,
    steps_per_epoch: int | None = None,
    validation_steps: int | None = None,
    validation_batch_size: int | None = None,
    validation_freq: int = 1,
):
    """Trains `model`; see `Model.fit`. Returns the `History`."""
    prepare.check_compiled(model, "fit")
    batch_size = check_batch_size(batch_size)
    source = None
    if is_batch_source(x):
        _check_generator_arguments(y, sample_weight, validation_split)
        source = host_iterator(
            x, steps_per_epoch, class_weight, shuffle, uses_ember_steps(model)
        )
        data = source.peek()
    else:
        data = adapt(x, y, sample_weight, class_weight)
    val_source, val_data = _validation_source(
        model, validation_data, validation_steps
    )
    if validation_data is None and validation_split:
        data, val_data = split_validation(data, validation_split)
    prepare.prepare(
        model,
        data,
        val_data,
        batch_size=None if source is not None else batch_size,
        val_batch_size=None
        if val_source is not None
        else (validation_batch_size or batch_size),
        what="fit",
    )

    if source is None:
        source = _array_source(
            model,
            data,
            batch_size,
            shuffle=shuffle,
            seed=python_random.randint(0, 2**31 - 1),
            steps_per_epoch=steps_per_epoch,
        )
    if val_data is not None and val_source is None:
        val_source = _array_source(
            model,
            val_data,
            validation_batch_size or batch_size,
            steps_per_epoch=validation_steps,
        )
    user_callbacks = list(callbacks or [])
    callback_list = CallbackList(
        user_callbacks,
        add_history=True,
        add_progbar=_progress(verbose),
        model=model,
        verbose=verbose,
        epochs=epochs,
        steps=source.num_steps,
    )
    rollback = any(isinstance(c, TerminateOnNaN) for c in user_callbacks)
    train = _Runner(
        model, "train_keeping" if rollback else "train", source, user_callbacks
    )
    validation = None
    if val_source is not None:
        # Only test batch hooks make validation run step by step.
        val_callbacks = [
            c
            for c in user_callbacks
            if overrides_batch_hooks(c, TEST_BATCH_HOOKS)
        ]
        validation = _Runner(model, "test", val_source, val_callbacks)
    model.stop_training = False
    owner = _shuffle_owner(source)
    model._fit_data_seed = owner.seed if owner is not None else None
    logs = train_logs = {}
    callback_list.on_train_begin()
    initial_epoch, skip = _resume_point(model, initial_epoch, source)
    try:
        for epoch in range(initial_epoch, epochs):
            callback_list.on_epoch_begin(epoch)
            logs = train.run(
                epoch, callback_list, "train", rollback=rollback, skip=skip
            )
            skip = 0
            if _ran_out(source):
                model.stop_training = True
                if not logs:
                    break
            # An epoch without a batch (a used-up generator) reports the
            # previous epoch's training logs, as Keras does.
            logs = train_logs = logs or dict(train_logs)
            if validation is not None and (epoch + 1) % validation_freq == 0:
                # As in Keras, validation calls the same callbacks' test
                # hooks.
                val_logs = _evaluate(validation, callback_list)
                logs = _with_validation(logs, val_logs)
            callback_list.on_epoch_end(epoch, logs)
            if model.stop_training:
                break
    finally:
        # As in Keras, also when an exception interrupts fit (the weights'
        # moving averages go in); `on_train_end` is then not called.
        if epochs > 0:
            model.optimizer.finalize_variable_values(model.trainable_weights)
    callback_list.on_train_end(logs)
    return model.history


def _evaluate(runner: _Runner, callback_list) -> dict:
    restart = getattr(runner.source, "restart", None)
    if restart is not None:  # Keras resets its iterator for each run.
        restart()
    callback_list.on_test_begin()
    logs = runner.run(0, callback_list, "test")
    if getattr(runner.source, "cut_short", False):
        warnings.warn(_RAN_OUT, stacklevel=3)  # Keras warns here too
    callback_list.on_test_end(logs)
    return logs


def evaluate(
    model,
    x: Any = None,
    y: Any = None,
    batch_size: int | None = None,
    verbose: Any = "auto",
    sample_weight: Any = None,
    steps: int | None = None,
    callbacks: list | None = None,
    return_dict: bool = False,
):
    """Evaluates `model`; see `Model.evaluate`."""
    prepare.check_compiled(model, "evaluate")
    batch_size = check_batch_size(batch_size)
    if is_batch_source(x):
        _check_generator_arguments(y, sample_weight)
        source = host_iterator(x, steps, pad=uses_ember_steps(model))
        data = source.peek()
    else:
        data = adapt(x, y, sample_weight)
        source = None
    prepare.prepare(
        model,
        data,
        batch_size=None if source is not None else batch_size,
        what="evaluate",
    )
    if source is None:
        source = _array_source(model, data, batch_size, steps_per_epoch=steps)
    callbacks = list(callbacks or [])
    callback_list = CallbackList(
        callbacks,
        add_progbar=_progress(verbose),
        model=model,
        verbose=verbose,
        epochs=1,
        steps=source.num_steps,
    )
    runner = _Runner(model, "test", source, callbacks)
    logs = _evaluate(runner, callback_list)
    return epoch_lib.flatten_logs(model, logs, return_dict)
