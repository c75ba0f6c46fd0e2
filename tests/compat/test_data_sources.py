"""pandas and torch DataLoader inputs, against Keras 3: the same epoch
losses, validation losses and weights from the same start."""

import os

os.environ["KERAS_BACKEND"] = "jax"

import keras
import numpy as np
import pytest

import ember

pd = pytest.importorskip("pandas", reason="pandas is a test dependency")

rng = np.random.default_rng(0)
X = rng.normal(size=(40, 3)).astype("float32")
Y = X @ np.array([1.0, -2.0, 0.5], "float32")
W = rng.uniform(0.5, 2.0, size=40).astype("float32")


def _model(lib):
    model = lib.Sequential(
        [
            lib.Input((3,)),
            lib.layers.Dense(4, activation="tanh", kernel_initializer="ones"),
            lib.layers.Dense(1, kernel_initializer="ones"),
        ]
    )
    model.compile(lib.optimizers.SGD(0.05), "mse", metrics=["mae"])
    return model


def _compare(run):
    results = {lib.__name__: run(lib, _model(lib)) for lib in (keras, ember)}
    (k_history, k_weights), (e_history, e_weights) = results.values()
    assert sorted(e_history) == sorted(k_history)
    for key in k_history:
        np.testing.assert_allclose(e_history[key], k_history[key], rtol=1e-5)
    for a, b in zip(e_weights, k_weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_fit_on_data_frames_and_series_matches_keras():
    frame = pd.DataFrame(X.astype("float64"), columns=["a", "b", "c"])

    def run(lib, model):
        history = model.fit(
            frame,
            pd.Series(Y),
            sample_weight=pd.Series(W),
            validation_data=(frame[:8], pd.Series(Y[:8])),
            batch_size=16,
            epochs=2,
            shuffle=False,
            verbose=0,
        )
        return history.history, model.get_weights()

    _compare(run)


def test_fit_on_a_torch_data_loader_matches_keras():
    torch = pytest.importorskip("torch", reason="torch is an optional extra")
    from torch.utils.data import DataLoader
    from torch.utils.data import TensorDataset

    def loader(rows):
        tensors = TensorDataset(
            torch.from_numpy(X[rows]), torch.from_numpy(Y[rows, None])
        )
        return DataLoader(tensors, batch_size=16)

    def run(lib, model):
        history = model.fit(
            loader(slice(None)),
            validation_data=loader(slice(8)),
            epochs=2,
            shuffle=False,
            verbose=0,
        )
        return history.history, model.get_weights()

    _compare(run)
