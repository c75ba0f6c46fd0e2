"""fit on a PyDataset gives Keras' History and weights (no shuffle), and
the epoch hooks are called around each epoch as in Keras."""

import math
import warnings

import keras
import numpy as np
import pytest

import ember


def _dataset_class(lib):
    class Batches(lib.utils.PyDataset):
        def __init__(self, x, y, **kwargs):
            super().__init__(**kwargs)
            self.x, self.y, self.calls = x, y, []

        def __len__(self):
            return math.ceil(len(self.x) / 4)

        def __getitem__(self, index):
            rows = slice(4 * index, 4 * index + 4)
            return self.x[rows], self.y[rows]

        def on_epoch_begin(self):
            self.calls.append("begin")

        def on_epoch_end(self):
            self.calls.append("end")

    return Batches


def _fit(lib, x, y):
    model = lib.Sequential(
        [lib.Input((3,)), lib.layers.Dense(2, kernel_initializer="ones")]
    )
    model.compile(optimizer=lib.optimizers.SGD(0.05), loss="mse")
    dataset = _dataset_class(lib)(x, y)
    history = model.fit(dataset, epochs=2, shuffle=False, verbose=0)
    return model, history, dataset


def test_fit_on_a_pydataset_equals_keras():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(10, 3)).astype("float32")
    y = rng.normal(size=(10, 2)).astype("float32")
    ours, our_history, our_data = _fit(ember, x, y)
    theirs, their_history, their_data = _fit(keras, x, y)
    np.testing.assert_allclose(
        our_history.history["loss"], their_history.history["loss"], rtol=1e-5
    )
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert our_data.calls == ["begin", "end"] * 2
    # Keras adds one more pair before training: it reads the first batch
    # (to build the model) through a whole epoch's hooks; ember reads it
    # outside them.
    assert their_data.calls == ["begin", "end"] * 3


def _short_passes(lib, steps_per_epoch):
    """Batches seen per epoch and "ran out" warnings when
    `steps_per_epoch` does not fit the 3 batches of the dataset."""
    x = np.arange(36, dtype="float32").reshape(12, 3) / 36
    model = lib.Sequential([lib.Input((3,)), lib.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    seen = []

    class Steps(lib.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            seen.append([])

        def on_train_batch_end(self, batch, logs=None):
            seen[-1].append(batch)

    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        history = model.fit(
            _dataset_class(lib)(x, x[:, :2]),
            epochs=3,
            steps_per_epoch=steps_per_epoch,
            shuffle=False,
            verbose=0,
            callbacks=[Steps()],
        )
    ran_out = [str(w.message) for w in record if "ran out" in str(w.message)]
    return seen, history.epoch, ran_out


@pytest.mark.parametrize("steps_per_epoch", [2, 5])
def test_steps_per_epoch_beyond_the_pass_equals_keras(steps_per_epoch):
    ours = _short_passes(ember, steps_per_epoch)
    theirs = _short_passes(keras, steps_per_epoch)
    assert ours == theirs
    assert ours[1] == [0, 1, 2]  # Training goes on after the warning.
