"""The host loops of `fit`, `evaluate` and `predict`.

Reads top to bottom: validate the data (before any state changes), build
what is missing, gather the state once, run compiled chunks, write the
state back after each chunk, call the callbacks, validate, return History.
"""

import random as python_random
from typing import Any

import jax
import numpy as np

from ember.callbacks import CallbackList
from ember.callbacks import TerminateOnNaN
from ember.callbacks.callback import overrides_batch_hooks
from ember.training import compiled
from ember.training.data import ArrayIterator
from ember.training.data import adapt
from ember.training.data import check_batch_size
from ember.training.data import make_batch
from ember.training.data import split_validation
from ember.training.data import stack_chunks
from ember.training.data import unpack_validation_data

# Without per-batch callbacks, chunks of this many steps (at most an epoch)
# keep Python out of the hot loop; "auto" will later size them by time.
_AUTO_STEPS = 16


def _check_compiled(model, what: str) -> None:
    if not getattr(model, "compiled", False):
        raise ValueError(
            f'Model "{model.name}" must be compiled before `{what}()`: call '
            "`model.compile(optimizer=..., loss=...)` first."
        )


def _steps_per_chunk(model, callbacks: list, num_steps: int) -> int:
    setting = model._steps_per_execution
    if any(overrides_batch_hooks(c) for c in callbacks):
        return 1
    if setting == "auto":
        return max(1, min(_AUTO_STEPS, num_steps))
    return max(1, min(int(setting), num_steps))


def _variable_groups(model) -> tuple:
    """The four variable lists of the state, in Keras' order."""
    return (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model._compiled_metrics.variables,
    )


def _fresh_state(groups: tuple, model) -> tuple:
    """The current values of the four groups, metrics freshly reset."""
    values = tuple([v.value for v in group] for group in groups[:3])
    return (*values, model._compiled_metrics.reset_values())


def _assign(state, groups: tuple) -> None:
    """Writes the state back into the variables of `groups`."""
    for variables, values in zip(groups, state, strict=True):
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)


def _is_sparse_crossentropy(loss) -> bool:
    fn = getattr(loss, "fn", None)
    return getattr(fn, "__name__", "") == "sparse_categorical_crossentropy"


def _check_sparse_labels(model, y, num_classes: int, where: str) -> None:
    """Raises when integer labels fall outside `[0, num_classes)`.

    Only for a sparse categorical crossentropy loss; runs on the host,
    before any state changes (out-of-range labels would silently give a
    wrong loss on an accelerator).
    """
    loss = model._compile_loss
    if y is None or not _is_sparse_crossentropy(loss):
        return
    labels = np.asarray(jax.tree_util.tree_leaves(y)[0])
    if labels.size == 0:
        return
    ignore = getattr(loss, "_fn_kwargs", {}).get("ignore_class")
    if ignore is not None:
        labels = labels[labels != ignore]
        if labels.size == 0:
            return
    low, high = labels.min(), labels.max()
    bad = low if low < 0 else high if high >= num_classes else None
    if bad is not None:
        raise ValueError(
            f"Received a label value of {bad.item()} in `{where}`, which is "
            f"outside the valid range of [0, {num_classes - 1}] for the "
            f'sparse categorical crossentropy loss: model "{model.name}" '
            f"outputs {num_classes} classes (the last dimension of its "
            "output). Labels must be integers in [0, num_classes)."
        )


def _build_from(model, data):
    """Builds `model` on its first sample if needed; returns that sample."""
    x = jax.tree_util.tree_map(lambda a: a[:1], data.x)
    if not model.built:
        model(x)
    return x


def _prepare(model, data, val_data=None) -> None:
    """Builds the model, the optimizer and the metrics from one batch.

    Also checks sparse labels (of `data` and `val_data`) against the
    model's number of classes, before any weight changes.
    """
    x = _build_from(model, data)
    y_pred = jax.eval_shape(lambda inputs: model(inputs), x)
    y_shape = jax.tree_util.tree_leaves(data.y)[0].shape
    pred_shape = jax.tree_util.tree_leaves(y_pred)[0].shape
    if len(jax.tree_util.tree_leaves(y_pred)) != 1:
        raise NotImplementedError(
            f'Model "{model.name}" has several outputs; training them is not '
            "supported yet."
        )
    num_classes = pred_shape[-1] if pred_shape else 1
    _check_sparse_labels(model, data.y, num_classes, "y")
    if val_data is not None:
        _check_sparse_labels(model, val_data.y, num_classes, "validation_data")
    model._compiled_metrics.build(model._compile_loss, y_shape, pred_shape)
    if not model.optimizer.built:
        model.optimizer.build(model.trainable_variables)


def _logs_at(model, logs: dict, index: int) -> dict:
    """Step `index`'s logs, loss and compiled metrics first (jax sorts dict
    keys, so the order is restored here)."""
    names = [m.name for m in model._compiled_metrics.metrics]
    order = [k for k in names if k in logs] + [
        k for k in logs if k not in names
    ]
    return {k: float(np.asarray(logs[k])[index]) for k in order}


def _first_non_finite(chunk_logs, num_steps: int) -> int | None:
    """The first real step whose logged loss is NaN or infinite, if any."""
    loss = chunk_logs.get("loss")
    if loss is None:
        return None
    bad = ~np.isfinite(np.asarray(loss)[:num_steps])
    return int(np.argmax(bad)) if bad.any() else None


def _rollback(model, function, previous, chunk, good_steps: int):
    """Re-runs the first `good_steps` steps of `chunk` from `previous`.

    Masked steps leave the state untouched, so this is the state just
    before the step whose loss became non-finite.
    """
    if good_steps == 0:
        return previous
    step_mask = np.array(chunk.step_mask, copy=True)
    step_mask[good_steps:] = 0
    replay = chunk._replace(step_mask=step_mask, num_steps=good_steps)
    _, state = function(previous, jax.device_put(replay))
    return state


def _run_epoch(
    model, function, iterator, epoch, k, callbacks, hook, rollback=False
) -> dict:
    """One pass of chunks. With `rollback` (a non-donating `function`),
    a chunk whose loss becomes non-finite is undone back to the last
    finite step and the epoch stops there."""
    groups = _variable_groups(model)
    state = _fresh_state(groups, model)
    logs, step = {}, 0
    for chunk in iterator.chunks(epoch, k):
        getattr(callbacks, f"on_{hook}_batch_begin")(step)
        previous = state
        chunk_logs, state = function(state, jax.device_put(chunk))
        chunk_logs = jax.device_get(chunk_logs)
        bad = (
            _first_non_finite(chunk_logs, chunk.num_steps) if rollback else None
        )
        if bad is not None:
            state = _rollback(model, function, previous, chunk, bad)
            _assign(state, groups)
            step += bad + 1
            logs = _logs_at(model, chunk_logs, bad)
            model.stop_training = True
            getattr(callbacks, f"on_{hook}_batch_end")(step - 1, logs)
            break
        _assign(state, groups)
        step += chunk.num_steps
        logs = _logs_at(model, chunk_logs, chunk.num_steps - 1)
        getattr(callbacks, f"on_{hook}_batch_end")(step - 1, logs)
        if hook == "train" and model.stop_training:
            break
    return logs


def _train_function(model):
    if model._train_function is None:
        model._train_function = compiled.make_chunk_function(
            model.train_step, jit_compile=not model._run_eagerly
        )
    return model._train_function


def _keeping_train_function(model):
    """The train chunk function without buffer donation, so that the state
    from before a chunk survives it (for `TerminateOnNaN`'s rollback).

    An outer `jax.jit` makes the inner one's donation a no-op."""
    if getattr(model, "_keeping_train_function", None) is None:
        inner = compiled.make_chunk_function(
            model.train_step, jit_compile=not model._run_eagerly
        )
        model._keeping_train_function = (
            inner if model._run_eagerly else jax.jit(inner)
        )
    return model._keeping_train_function


def _test_function(model):
    if model._test_function is None:
        model._test_function = compiled.make_chunk_function(
            model.test_step, jit_compile=not model._run_eagerly
        )
    return model._test_function


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
    _check_compiled(model, "fit")
    batch_size = check_batch_size(batch_size)
    data = adapt(x, y, sample_weight, class_weight)
    val_data = None
    if validation_data is not None:
        val_data = adapt(*unpack_validation_data(validation_data))
    elif validation_split:
        data, val_data = split_validation(data, validation_split)
    verbose = 1 if verbose == "auto" else int(verbose)
    _prepare(model, data, val_data)

    iterator = ArrayIterator(
        data,
        batch_size=batch_size,
        shuffle=shuffle,
        seed=python_random.randint(0, 2**31 - 1),
        steps_per_epoch=steps_per_epoch,
    )
    user_callbacks = list(callbacks or [])
    callback_list = CallbackList(
        user_callbacks,
        add_history=True,
        add_progbar=verbose != 0,
        model=model,
        verbose=verbose,
        epochs=epochs,
        steps=iterator.num_steps,
    )
    k = _steps_per_chunk(model, user_callbacks, iterator.num_steps)
    rollback = any(isinstance(c, TerminateOnNaN) for c in user_callbacks)
    train_function = (
        _keeping_train_function(model) if rollback else _train_function(model)
    )
    model.stop_training = False
    callback_list.on_train_begin()
    for epoch in range(initial_epoch, epochs):
        callback_list.on_epoch_begin(epoch)
        logs = _run_epoch(
            model,
            train_function,
            iterator,
            epoch,
            k,
            callback_list,
            "train",
            rollback=rollback,
        )
        if val_data is not None and (epoch + 1) % validation_freq == 0:
            val_logs = _evaluate_data(
                model,
                val_data,
                validation_batch_size or batch_size,
                validation_steps,
                CallbackList([], model=model),
            )
            logs.update({f"val_{k_}": v for k_, v in val_logs.items()})
        callback_list.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    callback_list.on_train_end(logs)
    return model.history


def _evaluate_data(model, data, batch_size, steps, callback_list) -> dict:
    iterator = ArrayIterator(
        data, batch_size=batch_size, shuffle=False, steps_per_epoch=steps
    )
    k = _steps_per_chunk(model, [], iterator.num_steps)
    callback_list.on_test_begin()
    logs = _run_epoch(
        model, _test_function(model), iterator, 0, k, callback_list, "test"
    )
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
    _check_compiled(model, "evaluate")
    batch_size = check_batch_size(batch_size)
    data = adapt(x, y, sample_weight)
    _prepare(model, data)
    verbose = 1 if verbose == "auto" else int(verbose)
    callback_list = CallbackList(
        list(callbacks or []), model=model, verbose=verbose, epochs=1
    )
    logs = _evaluate_data(model, data, batch_size, steps, callback_list)
    return _flatten_logs(logs, return_dict)


def predict(
    model,
    x: Any,
    batch_size: int | None = None,
    verbose: Any = "auto",
    steps: int | None = None,
    callbacks: list | None = None,
):
    """Runs `model` on `x` in batches; see `Model.predict`."""
    batch_size = check_batch_size(batch_size)
    data = adapt(x)
    _build_from(model, data)
    iterator = ArrayIterator(
        data, batch_size=batch_size, shuffle=False, steps_per_epoch=steps
    )
    if getattr(model, "_predict_function", None) is None:
        model._predict_function = compiled.make_predict_function(
            model.predict_step,
            jit_compile=not getattr(model, "_run_eagerly", False),
        )
    state = (
        [v.value for v in model.trainable_variables],
        [v.value for v in model.non_trainable_variables],
    )
    k = max(1, min(_AUTO_STEPS, iterator.num_steps))
    parts = []
    for chunk in iterator.chunks(0, k):
        outputs = model._predict_function(state, jax.device_put(chunk))
        outputs = jax.device_get(outputs)
        mask = np.asarray(chunk.batch.mask).astype(bool)
        parts.append(
            jax.tree_util.tree_map(
                lambda o, m=mask: o.reshape((-1,) + o.shape[2:])[m.reshape(-1)],
                outputs,
            )
        )
    return jax.tree_util.tree_map(lambda *p: np.concatenate(p), *parts)


def _one_batch_chunk(data):
    """A chunk of exactly one step holding every sample of `data`."""
    batch = make_batch(data.x, data.y, data.sample_weight, data.num_samples)
    return next(stack_chunks([batch], 1))


def _flatten_logs(logs: dict, return_dict: bool):
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


def _run_one_batch(model, function, data) -> dict:
    """Runs one step on `data` with freshly reset metrics (as Keras'
    `*_on_batch` do), writes the state back and returns the step's logs."""
    groups = _variable_groups(model)
    state = _fresh_state(groups, model)
    chunk = _one_batch_chunk(data)
    chunk_logs, state = function(state, jax.device_put(chunk))
    _assign(state, groups)
    return _logs_at(model, jax.device_get(chunk_logs), 0)


def train_on_batch(
    model,
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    class_weight: dict | None = None,
    return_dict: bool = False,
):
    """One training step on exactly this batch; see `Model.train_on_batch`."""
    _check_compiled(model, "train_on_batch")
    data = adapt(x, y, sample_weight, class_weight)
    _prepare(model, data)
    logs = _run_one_batch(model, _train_function(model), data)
    return _flatten_logs(logs, return_dict)


def test_on_batch(
    model,
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    return_dict: bool = False,
):
    """One evaluation step on exactly this batch; see `Model.test_on_batch`."""
    _check_compiled(model, "test_on_batch")
    data = adapt(x, y, sample_weight)
    _prepare(model, data)
    logs = _run_one_batch(model, _test_function(model), data)
    return _flatten_logs(logs, return_dict)


def predict_on_batch(model, x: Any):
    """The model's outputs for exactly this batch, as numpy arrays."""
    data = adapt(x)
    return predict(model, data.x, batch_size=data.num_samples, verbose=0)
