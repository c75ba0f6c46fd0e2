"""The host loops of `fit` and `evaluate`.

Reads top to bottom: validate the data (before any state changes), build
what is missing, run compiled chunks epoch by epoch (`epoch.run_epoch`),
call the callbacks, validate, return History.
"""

import random as python_random
from typing import Any

from ember.callbacks import CallbackList
from ember.callbacks import TerminateOnNaN
from ember.training import epoch as epoch_lib
from ember.training import prepare
from ember.training.data import ArrayIterator
from ember.training.data import adapt
from ember.training.data import check_batch_size
from ember.training.data import split_validation
from ember.training.data import unpack_validation_data


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
    data = adapt(x, y, sample_weight, class_weight)
    val_data = None
    if validation_data is not None:
        val_data = adapt(*unpack_validation_data(validation_data))
    elif validation_split:
        data, val_data = split_validation(data, validation_split)
    verbose = 1 if verbose == "auto" else int(verbose)
    prepare.prepare(model, data, val_data)

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
    k = epoch_lib.steps_per_chunk(model, user_callbacks, iterator.num_steps)
    rollback = any(isinstance(c, TerminateOnNaN) for c in user_callbacks)
    train_function = (
        epoch_lib.keeping_train_function(model)
        if rollback
        else epoch_lib.train_function(model)
    )
    model.stop_training = False
    callback_list.on_train_begin()
    for epoch in range(initial_epoch, epochs):
        callback_list.on_epoch_begin(epoch)
        logs = epoch_lib.run_epoch(
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
    k = epoch_lib.steps_per_chunk(model, [], iterator.num_steps)
    callback_list.on_test_begin()
    logs = epoch_lib.run_epoch(
        model,
        epoch_lib.test_function(model),
        iterator,
        0,
        k,
        callback_list,
        "test",
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
    prepare.check_compiled(model, "evaluate")
    batch_size = check_batch_size(batch_size)
    data = adapt(x, y, sample_weight)
    prepare.prepare(model, data)
    verbose = 1 if verbose == "auto" else int(verbose)
    callback_list = CallbackList(
        list(callbacks or []), model=model, verbose=verbose, epochs=1
    )
    logs = _evaluate_data(model, data, batch_size, steps, callback_list)
    return epoch_lib.flatten_logs(model, logs, return_dict)
