"""A Python generator that runs out during `fit`, against Keras 3: the
same batches per epoch, "ran out of data" warnings, epoch logs and
weights."""

import os
import warnings

os.environ["KERAS_BACKEND"] = "jax"

import keras
import numpy as np
import pytest

import ember

X = np.arange(60, dtype="float32").reshape(20, 3) / 60
Y = 2 * X[:, :1]


def _batches(count):
    for i in range(count):
        yield X[2 * i : 2 * i + 2], Y[2 * i : 2 * i + 2]


def _events(lib, count, steps_per_epoch, epochs):
    """Hooks, batches and warnings in order, the epochs, their losses and
    the final weights."""
    model = lib.Sequential(
        [lib.Input((3,)), lib.layers.Dense(1, kernel_initializer="ones")]
    )
    model.compile(lib.optimizers.SGD(0.1), "mse")
    events, losses = [], []

    class Record(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            events.append(f"begin {epoch}")

        def on_train_batch_end(self, batch, logs=None):
            events.append(batch)

        def on_epoch_end(self, epoch, logs=None):
            events.append(f"end {epoch}")
            losses.append(logs["loss"])

    def show(message, *args, **kwargs):
        if "ran out of data" in str(message):
            events.append("warning")

    with warnings.catch_warnings():
        warnings.simplefilter("always")
        warnings.showwarning = show
        history = model.fit(
            _batches(count),
            steps_per_epoch=steps_per_epoch,
            epochs=epochs,
            verbose=0,
            callbacks=[Record()],
        )
    return events, history.epoch, losses, model.get_weights()


@pytest.mark.parametrize(
    "count, steps_per_epoch, epochs",
    [(4, None, 3), (4, 3, 3), (6, 3, 4), (3, 1, 5)],
)
def test_a_generator_running_out_equals_keras(count, steps_per_epoch, epochs):
    ours = _events(ember, count, steps_per_epoch, epochs)
    theirs = _events(keras, count, steps_per_epoch, epochs)
    assert ours[0] == theirs[0]
    assert ours[1] == theirs[1] == list(range(epochs))  # training goes on
    # An epoch without a batch reports the previous epoch's loss.
    np.testing.assert_allclose(ours[2], theirs[2], rtol=1e-5)
    for a, b in zip(ours[3], theirs[3], strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _validations(lib, kind):
    """Batches each validation reads (`validation_steps=3`) and the
    validation losses."""
    seen = []

    def batches(count):
        for i in range(count):
            seen.append(i)
            yield X[2 * i : 2 * i + 2], Y[2 * i : 2 * i + 2]

    class Batches(lib.utils.PyDataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            seen.append(i)
            return X[2 * i : 2 * i + 2], Y[2 * i : 2 * i + 2]

    class Mark(lib.callbacks.Callback):
        def on_test_begin(self, logs=None):
            seen.append("validation")

    model = lib.Sequential(
        [lib.Input((3,)), lib.layers.Dense(1, kernel_initializer="ones")]
    )
    model.compile(lib.optimizers.SGD(0.1), "mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(
            X,
            Y,
            batch_size=10,
            epochs=3,
            shuffle=False,
            verbose=0,
            validation_data=batches(10) if kind == "generator" else Batches(),
            validation_steps=3,
            callbacks=[Mark()],
        )
    return seen, history.history["val_loss"]


@pytest.mark.parametrize("kind", ["generator", "py_dataset"])
def test_each_validation_starts_a_new_pass_as_keras(kind):
    ours, theirs = _validations(ember, kind), _validations(keras, kind)
    if kind == "py_dataset":
        # ember reads batch 0 once before training (to build); Keras not.
        assert ours[0][0] == 0
        ours = (ours[0][1:], ours[1])
        assert theirs[0] == ["validation", 0, 1, 2] * 3
    else:
        # The two batches read ahead, then the generator goes on.
        assert theirs[0] == [0, 1, "validation", 2] + [
            "validation", 3, "validation", 4
        ]  # fmt: skip
    assert ours[0] == theirs[0]
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-5)
