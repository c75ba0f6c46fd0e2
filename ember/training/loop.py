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
from ember.callbacks.callback import overrides_batch_hooks
from ember.training import compiled
from ember.training.data import ArrayIterator
from ember.training.data import adapt
from ember.training.data import check_batch_size
from ember.training.data import split_validation
from ember.training.data import unpack_validation_data

# Without per-batch callbacks, chunks of this many steps (at most an epoch)
# keep Python out of the hot loop; "auto" will later size them by time.
_AUTO_STEPS = 32


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


def _gather(model) -> tuple:
    return (
        [v.value for v in model.trainable_variables],
        [v.value for v in model.non_trainable_variables],
        [v.value for v in model.optimizer.variables],
        [v.value for v in model._compiled_metrics.variables],
    )


def _assign(model, state) -> None:
    groups = (
        model.trainable_variables,
        model.non_trainable_variables,
        model.optimizer.variables,
        model._compiled_metrics.variables,
    )
    for variables, values in zip(groups, state, strict=True):
        for variable, value in zip(variables, values, strict=True):
            variable.assign(value)


def _prepare(model, data) -> None:
    """Builds the model, the optimizer and the metrics from one batch."""
    x = jax.tree_util.tree_map(lambda a: a[:1], data.x)
    if not model.built:
        model(x)
    y_pred = jax.eval_shape(lambda inputs: model(inputs), x)
    y_shape = jax.tree_util.tree_leaves(data.y)[0].shape
    pred_shape = jax.tree_util.tree_leaves(y_pred)[0].shape
    if len(jax.tree_util.tree_leaves(y_pred)) != 1:
        raise NotImplementedError(
            f'Model "{model.name}" has several outputs; training them is not '
            "supported yet."
        )
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


def _run_epoch(model, function, iterator, epoch, k, callbacks, hook) -> dict:
    state = _gather(model)
    state = (*state[:3], model._compiled_metrics.reset_values())
    logs, step = {}, 0
    for chunk in iterator.chunks(epoch, k):
        getattr(callbacks, f"on_{hook}_batch_begin")(step)
        chunk_logs, state = function(state, jax.device_put(chunk))
        _assign(model, state)
        step += chunk.num_steps
        logs = _logs_at(model, jax.device_get(chunk_logs), chunk.num_steps - 1)
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
    _prepare(model, data)

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
    train_function = _train_function(model)
    model.stop_training = False
    callback_list.on_train_begin()
    for epoch in range(initial_epoch, epochs):
        callback_list.on_epoch_begin(epoch)
        logs = _run_epoch(
            model, train_function, iterator, epoch, k, callback_list, "train"
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
    if return_dict:
        return logs
    values = list(logs.values())
    return values[0] if len(values) == 1 else values


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
    if not model.built:
        model(jax.tree_util.tree_map(lambda a: a[:1], data.x))
    iterator = ArrayIterator(
        data, batch_size=batch_size, shuffle=False, steps_per_epoch=steps
    )
    if model._predict_function is None:
        model._predict_function = compiled.make_predict_function(
            model.predict_step, jit_compile=not model._run_eagerly
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
