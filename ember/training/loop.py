"""The host loops of `fit` and `evaluate`, and the compiled functions
they run.

`fit` reads top to bottom: validate the data (before any state changes),
build what is missing, make the data source (`make_source`: in-memory data
goes to the device once), run compiled executions epoch by epoch
(`run_epoch`), call the callbacks, validate, return History.

The compiled chunk functions are made once per `compile` and kept in the
model's `Compiled` object (`chunk_function`); `step_function` adapts the
model's steps to them. A generator without `steps_per_epoch` runs each
epoch until it is exhausted, so an infinite one needs `steps_per_epoch`.
"""

import random as python_random
import time
import warnings
from typing import Any

import jax

from ember.callbacks import CallbackList
from ember.callbacks import ResumePoint
from ember.callbacks import TerminateOnNaN
from ember.callbacks import overrides_batch_hooks
from ember.callbacks.callback import TEST_BATCH_HOOKS
from ember.core.state_scope import StateScope
from ember.training import compiled as chunk_lib
from ember.training import prepare
from ember.training import sharding
from ember.training import state as state_lib
from ember.training import steps
from ember.training.data import check_batch_size
from ember.training.data import describe_source
from ember.training.data import is_batch_source
from ember.training.data import make_source
from ember.training.data import split_validation
from ember.training.data import unpack_validation_data
from ember.training.host import adapt_for
from ember.training.host import host_function
from ember.training.logs import flatten_logs
from ember.training.steps import uses_ember_steps


def step_function(model, kind: str):
    """`(state, batch) -> (logs, state)` over the four-list state of the
    executions: the model's `"train"` or `"test"` step.

    ember's own steps also take the batch's padding mask. A model's own
    steps get `batch.data` alone (Keras' signature; their batches are never
    padded), inside a state scope so that what they assign statefully
    (a compiled loss's trackers) is dropped instead of leaking a traced
    value into a variable; the optimizer's variables read the state's
    values there. Keras' JAX `test_step` takes and returns three lists,
    `(trainable, non_trainable, metrics)`; the optimizer's values pass
    around it.
    """
    own = steps.uses_ember_steps(model)

    def run(method, default, state, batch, mapping=()):
        batch = sharding.constrain_batch(batch)
        if own:
            return default(model, state, batch.data, batch.mask)
        with StateScope(mapping):
            return method(state, batch.data)

    def train(state, batch):
        # A model's own step reads the optimizer's variables from the
        # state: `self.optimizer.scale_loss(loss)` gets the current scale.
        mapping = zip(model.optimizer.variables, state[2], strict=True)
        return run(model.train_step, steps.train_step, state, batch, mapping)

    def test(state, batch):
        trainable, non_trainable, optimizer_values, metric_values = state
        logs, (trainable, non_trainable, metric_values) = run(
            model.test_step,
            steps.test_step,
            (trainable, non_trainable, metric_values),
            batch,
        )
        return logs, (trainable, non_trainable, optimizer_values, metric_values)

    def laid_out(step):
        if sharding.current_key() is None:
            return step

        def step_keeping_layouts(state, batch):
            logs, state = step(state, batch)
            groups = state_lib.variable_groups(model)
            return logs, tuple(
                sharding.constrain_values(variables, values)
                for variables, values in zip(groups, state, strict=True)
            )

        return step_keeping_layouts

    return laid_out(train if kind == "train" else test)


def chunk_function(model, kind: str):
    """The model's compiled chunk function of `kind`, made once per compile
    (and distribution).

    `"train"` and `"test"` run the model's steps; `"train_keeping"` is the
    train function without buffer donation, so that the state from before
    an execution survives it (`TerminateOnNaN`'s rollback): an outer
    `jax.jit` makes the inner one's donation a no-op.
    """
    compiled = model._compiled
    placed = sharding.current_key()
    key = kind if placed is None else (kind, placed)
    if key not in compiled.functions:
        eager = compiled.run_eagerly
        step = step_function(model, "test" if kind == "test" else "train")
        if kind == "train_keeping":
            inner = chunk_lib.make_chunk_function(
                step, jit_compile=not eager, track_bad=True
            )
            function = (
                inner if eager else jax.jit(inner, static_argnames="unroll")
            )
        else:
            function = chunk_lib.make_chunk_function(step, not eager)
        compiled.functions[key] = function
    return compiled.functions[key]


def _rollback(function, previous, chunk, good_steps: int, unroll: int):
    """Re-runs the first `good_steps` steps of `chunk` from `previous`:
    the state just before the step whose loss became non-finite."""
    if good_steps == 0:
        return previous
    replay = sharding.put_chunk(chunk.truncated(good_steps))
    _, state = function(previous, replay, unroll=unroll)
    return state


def _placed(chunks) -> Any:
    """`(chunk, chunk on the device)` for the next of `chunks`, None at the
    end, or the exception reading it raised (raised by `run_epoch` once
    the running execution's state is back in the variables)."""
    try:
        chunk = next(chunks, None)
        return None if chunk is None else (chunk, sharding.put_chunk(chunk))
    except BaseException as error:  # re-raised by `run_epoch`
        return error


def run_epoch(
    model,
    function,
    chunks,
    callbacks,
    hook: str,
    state: tuple,
    unroll: int = 0,
    sizer: chunk_lib.StepSizer | None = None,
    rollback: bool = False,
    first_step: int = 0,
    ahead: bool = False,
) -> dict:
    """Runs `function` over `chunks` (one epoch); returns the last logs.

    Args:
        function: a compiled chunk function.
        chunks: an iterable of `Chunk`s or `DeviceChunk`s; a lazy one may
            consult `sizer` between executions.
        callbacks: a `CallbackList`; `on_{hook}_batch_begin/end` are
            called once per execution with its first and last step.
        state: `(variable groups, their values)` at the epoch's start
            (`ember.training.state`); the values are written back into the
            variables after each execution.
        unroll: passed to `function` (see `compiled.make_chunk_function`).
        sizer: told each execution's wall time.
        rollback: with a non-donating `function`, an execution whose loss
            becomes non-finite is undone back to the last finite step and
            the epoch stops there (`TerminateOnNaN`).
        first_step: the index of the first step in `chunks` (a resumed
            epoch starts past the steps already done).
        ahead: read and transfer the next chunk while an execution runs
            (host chunks, whose batches a generator or dataset loads; an
            epoch stopped early has then read one chunk more).
    """
    groups, state = state
    logs, step = {}, first_step
    chunks = iter(chunks)
    following = _placed(chunks)
    while following is not None:
        if isinstance(following, BaseException):
            raise following
        chunk, placed = following
        getattr(callbacks, f"on_{hook}_batch_begin")(step)
        num_steps = int(chunk.num_steps)
        previous = state
        started = time.perf_counter()
        out, state = function(state, placed, unroll=unroll)
        # Dispatch returns at once: the host loads the next chunk while
        # this execution runs, before waiting for its logs.
        following = _placed(chunks) if ahead else None
        out = jax.device_get(out)
        if sizer is not None:
            sizer.record(num_steps, time.perf_counter() - started)
        bad = int(out.first_bad) if rollback else -1
        if bad >= 0:
            state = _rollback(function, previous, chunk, bad, unroll)
            state_lib.assign_state(state, groups)
            model.stop_training = True
            end = getattr(callbacks, f"on_{hook}_batch_end")
            logs = end(step + bad, out.logs)
            break
        state_lib.assign_state(state, groups)
        step += num_steps
        logs = getattr(callbacks, f"on_{hook}_batch_end")(step - 1, out.logs)
        if hook == "train" and model.stop_training:
            break
        if not ahead:
            following = _placed(chunks)
    return logs


class _Runner:
    """A compiled function (`kind` "train", "train_keeping" or "test") bound
    to one data source for a whole call.

    The number of steps per execution is planned once, at the first run.
    """

    def __init__(self, model, kind: str, source, callbacks=()):
        self.model = model
        self.function = chunk_function(model, kind)
        self.step_fn = step_function(
            model, "test" if kind == "test" else "train"
        )
        self.source = source
        self.callbacks = list(callbacks)
        self._plan = None

    def run(self, epoch: int, callback_list, hook: str, rollback=False, skip=0):
        model = self.model
        groups = state_lib.variable_groups(model)
        state = state_lib.fresh_state(groups, model)
        if self._plan is None:
            self._plan = chunk_lib.plan_executions(
                model,
                self.function,
                self.step_fn,
                self.callbacks,
                state,
                self.source,
            )
        unroll, sizer = self._plan
        return run_epoch(
            model,
            self.function,
            self.source.chunks(epoch, sizer, skip),
            callback_list,
            hook,
            (groups, state),
            unroll=unroll,
            sizer=sizer,
            rollback=rollback,
            first_step=skip,
            ahead=not self.source.on_device,
        )


def _check_generator_arguments(x, y, sample_weight, validation_split=0.0):
    """Raises when `x` gives whole batches (a generator, a `PyDataset`,
    another library's dataset) and arguments that only arrays take are
    given too."""
    kind = describe_source(x)
    if y is not None:
        raise ValueError(
            f"`y` must not be given when `x` is {kind}: its batches hold "
            "(x, y) or (x, y, sample_weight). Received y of type "
            f"{type(y).__name__}."
        )
    if sample_weight is not None:
        raise ValueError(
            f"`sample_weight` must not be given when `x` is {kind}: its "
            "batches hold (x, y, sample_weight) instead. Received "
            f"sample_weight of type {type(sample_weight).__name__}."
        )
    if validation_split:
        raise ValueError(
            "`validation_split` is only supported for in-memory arrays; "
            f"received {kind}. Pass `validation_data` instead."
        )


def _resume_point(model, callbacks, initial_epoch: int, source) -> tuple:
    """`(epoch, steps done in it)` to start from, after `on_train_begin`.

    The last callback's `resume_point` (`BackupAndRestore` sets one), whose
    data seed then orders the epochs; else `model._initial_epoch` (Keras'
    attribute for this, which a Keras callback may set; cleared, as it
    applies to one fit); else `initial_epoch`.
    """
    points = [getattr(c, "resume_point", None) for c in callbacks]
    points = [p for p in points if p is not None]
    point = points[-1] if points else None
    if point is None and model._initial_epoch is not None:
        point = ResumePoint(int(model._initial_epoch))
    model._initial_epoch = None
    if point is not None and point.data_seed is not None:
        if source.seed is not None:
            source.seed = int(point.data_seed)
    if point is None:
        return initial_epoch, 0
    epoch, step = int(point.epoch), int(point.step)
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
    stop = source.ran_out
    if stop or source.cut_short:
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
        source = make_source(
            validation_data,
            steps_per_epoch=validation_steps,
            pad=uses_ember_steps(model),
            host=host_function(model),
        )
        return source, source.peek()
    return None, adapt_for(model, *unpack_validation_data(validation_data))


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
        _check_generator_arguments(x, y, sample_weight, validation_split)
        source = make_source(
            x,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            class_weight=class_weight,
            pad=uses_ember_steps(model),
            host=host_function(model),
        )
        data = source.peek()
    else:
        data = adapt_for(model, x, y, sample_weight, class_weight)
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
        source=None if source is None else describe_source(x),
    )

    if source is None:
        source = make_source(
            data,
            batch_size,
            steps_per_epoch=steps_per_epoch,
            shuffle=shuffle,
            seed=python_random.randint(0, 2**31 - 1),
            pad=uses_ember_steps(model),
        )
    if val_data is not None and val_source is None:
        val_source = make_source(
            val_data,
            validation_batch_size or batch_size,
            steps_per_epoch=validation_steps,
            pad=uses_ember_steps(model),
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
    logs = train_logs = {}
    callback_list.on_train_begin()
    initial_epoch, skip = _resume_point(
        model, callback_list.callbacks, initial_epoch, source
    )
    model._fit_data_seed = source.seed
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
    runner.source.restart()  # Keras resets its iterator for each run.
    callback_list.on_test_begin()
    logs = runner.run(0, callback_list, "test")
    if runner.source.cut_short:
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
        _check_generator_arguments(x, y, sample_weight)
        source = make_source(
            x,
            steps_per_epoch=steps,
            pad=uses_ember_steps(model),
            host=host_function(model),
        )
        data = source.peek()
    else:
        data = adapt_for(model, x, y, sample_weight)
        source = None
    prepare.prepare(
        model,
        data,
        batch_size=None if source is not None else batch_size,
        what="evaluate",
        source=None if source is None else describe_source(x),
    )
    if source is None:
        source = make_source(
            data, batch_size, steps_per_epoch=steps, pad=uses_ember_steps(model)
        )
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
    return flatten_logs(model, logs, return_dict)
