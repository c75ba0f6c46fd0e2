"""fit on a PyDataset gives Keras' History and weights (no shuffle), and
the epoch hooks are called around each epoch as in Keras."""

import math

import keras
import numpy as np

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
