"""Callbacks against Keras 3 on JAX: the same fits (weights copied from
ember to Keras, no shuffling) or the same logs driven by hand must give
the same hook sequence, stopping epoch, restored weights, learning rates
and CSV text."""

import os
import warnings

os.environ["KERAS_BACKEND"] = "jax"

import keras
import numpy as np
import pytest

import ember

RNG = np.random.default_rng(0)
X = RNG.normal(size=(12, 3)).astype("float32")
Y = X @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.1
X_VAL, Y_VAL = X[:5] + 0.2, Y[:5]
HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
)


def quiet(function, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return function(*args, **kwargs)


def model_of(lib, weights=None, learning_rate=0.05, metrics=("mae",)):
    model = lib.Sequential(
        [lib.Input((3,)), lib.layers.Dense(4), lib.layers.Dense(1)]
    )
    if weights is not None:
        model.set_weights(weights)
    model.compile(
        lib.optimizers.SGD(learning_rate), loss="mse", metrics=list(metrics)
    )
    return model


def both(run):
    """`run(lib, weights)` for ember, then for Keras with ember's weights."""
    weights = model_of(ember).get_weights()
    return run(ember, weights), quiet(run, keras, weights)


def fit(model, lib, callbacks, epochs=3, **kwargs):
    kwargs.setdefault("validation_data", (X_VAL, Y_VAL))
    return model.fit(
        X,
        Y,
        batch_size=4,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        callbacks=callbacks,
        **kwargs,
    )


def recorder(lib, events):
    def hook(name):
        def record(self, *args, **kwargs):
            logs = kwargs.get("logs", args[-1] if args else None)
            index = args[0] if args and not isinstance(args[0], dict) else None
            events.append((name, index, sorted(logs or {})))

        return record

    return type(
        "Recorder", (lib.callbacks.Callback,), {h: hook(h) for h in HOOKS}
    )()


def scripted(lib, values):
    """Writes `values[epoch]` into the logs as "score" at epoch end."""

    def on_epoch_end(self, epoch, logs=None):
        logs["score"] = values[epoch]

    return type(
        "Scripted", (lib.callbacks.Callback,), {"on_epoch_end": on_epoch_end}
    )()


@pytest.mark.parametrize("validation_freq", [1, 2])
def test_hook_sequence_equals_keras(validation_freq):
    def run(lib, weights):
        events = []
        model = model_of(lib, weights)
        fit(
            model,
            lib,
            [recorder(lib, events)],
            epochs=2,
            validation_freq=validation_freq,
        )
        return events

    mine, theirs = both(run)
    assert mine == theirs
    assert ("on_test_batch_end", 1, ["loss", "mae"]) in mine


def test_evaluate_hook_sequence_equals_keras():
    def run(lib, weights):
        events = []
        model = model_of(lib, weights)
        model.evaluate(
            X, Y, batch_size=5, verbose=0, callbacks=[recorder(lib, events)]
        )
        return events

    mine, theirs = both(run)
    assert mine == theirs


SEQUENCES = [
    ([3.0, 1.0, 2.0, 1.5, 0.5, 0.1], {"patience": 2}),
    ([3.0, 1.0, 2.0, 1.5, 0.5, 0.1], {"patience": 1, "mode": "max"}),
    ([1.0, 0.9, 0.95, 0.97, 0.99, 1.0], {"patience": 2, "baseline": 0.5}),
    ([1.0, 0.9, 0.85, 0.84, 0.83, 0.8], {"patience": 1, "min_delta": 0.03}),
    ([0.1, 0.9, 0.8, 0.85, 0.9, 1.0], {"patience": 1, "start_from_epoch": 2}),
    ([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], {"patience": 0}),
]


@pytest.mark.parametrize(("values", "kwargs"), SEQUENCES)
def test_early_stopping_equals_keras(values, kwargs):
    def run(lib, weights):
        model = model_of(lib, weights)
        kwargs.setdefault("mode", "min")
        stopper = lib.callbacks.EarlyStopping(
            monitor="score", restore_best_weights=True, **kwargs
        )
        history = fit(model, lib, [scripted(lib, values), stopper], epochs=6)
        return (
            stopper.stopped_epoch,
            stopper.best_epoch,
            history.epoch,
            model.get_weights(),
        )

    mine, theirs = both(run)
    assert mine[:3] == theirs[:3]
    for a, b in zip(mine[3], theirs[3], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_early_stopping_on_val_loss_equals_keras():
    def run(lib, weights):
        model = model_of(lib, weights, learning_rate=0.3)
        stopper = lib.callbacks.EarlyStopping(
            patience=1, min_delta=0.05, restore_best_weights=True
        )
        history = fit(model, lib, [stopper], epochs=8)
        return stopper.stopped_epoch, history.history, model.get_weights()

    mine, theirs = both(run)
    assert mine[0] == theirs[0]
    assert len(mine[1]["loss"]) == len(theirs[1]["loss"]) < 8
    np.testing.assert_allclose(
        mine[1]["val_loss"], theirs[1]["val_loss"], rtol=1e-4
    )
    for a, b in zip(mine[2], theirs[2], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(
    "schedule",
    [lambda epoch, lr: lr * 0.5, lambda epoch: 0.1 / (epoch + 1)],
    ids=["epoch_and_rate", "epoch"],
)
def test_learning_rate_scheduler_equals_keras(schedule):
    def run(lib, weights):
        model = model_of(lib, weights)
        callback = lib.callbacks.LearningRateScheduler(schedule)
        history = fit(model, lib, [callback])
        return history.history, model.get_weights()

    mine, theirs = both(run)
    assert list(mine[0]) == list(theirs[0])
    assert mine[0]["learning_rate"] == theirs[0]["learning_rate"]
    np.testing.assert_allclose(mine[0]["loss"], theirs[0]["loss"], rtol=1e-5)
    for a, b in zip(mine[1], theirs[1], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_reduce_lr_on_plateau_equals_keras():
    values = [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.8, 0.9]

    def run(lib, weights):
        model = model_of(lib, weights)
        callback = lib.callbacks.ReduceLROnPlateau(
            monitor="score",
            mode="min",
            factor=0.5,
            patience=1,
            cooldown=1,
            min_lr=0.01,
        )
        history = fit(model, lib, [scripted(lib, values), callback], epochs=8)
        return history.history, float(model.optimizer.learning_rate)

    mine, theirs = both(run)
    assert mine[0]["learning_rate"] == theirs[0]["learning_rate"]
    assert mine[1] == theirs[1]
    np.testing.assert_allclose(mine[0]["loss"], theirs[0]["loss"], rtol=1e-5)


CSV_ROWS = [
    {"loss": 0.5, "accuracy": np.float32(0.25), "note": "a,b"},
    {"loss": 1e-7, "accuracy": 1.0, "vector": np.array([1.5, 2.0])},
]


@pytest.mark.parametrize("separator", [",", ";"])
@pytest.mark.parametrize("with_val", [False, True])
def test_csv_logger_text_equals_keras(tmp_path, separator, with_val):
    rows = [dict(r) for r in CSV_ROWS]
    if with_val:
        for row in rows:
            row["val_loss"] = row["loss"] * 2

    def run(lib, name, append=False):
        path = tmp_path / name
        for _ in range(2 if append else 1):
            logger = lib.callbacks.CSVLogger(
                path, separator=separator, append=append
            )
            logger.on_train_begin()
            for epoch, logs in enumerate(rows):
                logger.on_epoch_end(epoch, dict(logs))
            logger.on_train_end()
        return path.read_bytes()

    assert run(ember, "ember.csv") == run(keras, "keras.csv")
    assert run(ember, "ember_a.csv", True) == run(keras, "keras_a.csv", True)


def test_csv_logger_in_fit_equals_keras(tmp_path):
    def run(lib, weights):
        model = model_of(lib, weights)
        path = tmp_path / f"{lib.__name__}.csv"
        fit(model, lib, [lib.callbacks.CSVLogger(path)], epochs=2)
        return path.read_text().splitlines()

    mine, theirs = both(run)
    assert mine[0] == theirs[0]
    for a, b in zip(mine[1:], theirs[1:], strict=True):
        a, b = a.split(","), b.split(",")
        assert a[0] == b[0]
        np.testing.assert_allclose(
            [float(v) for v in a[1:]], [float(v) for v in b[1:]], rtol=1e-5
        )


def test_lambda_callback_equals_keras():
    def run(lib, weights):
        events = []
        callback = lib.callbacks.LambdaCallback(
            on_epoch_begin=lambda epoch, logs: events.append(("eb", epoch)),
            on_train_batch_end=lambda batch, logs: events.append(
                ("tbe", batch, sorted(logs))
            ),
            on_batch_begin=lambda batch, logs: events.append(("bb", batch)),
            on_test_end=lambda logs: events.append(("te", sorted(logs))),
        )
        fit(model_of(lib, weights), lib, [callback], epochs=2)
        return events

    mine, theirs = both(run)
    assert mine == theirs
