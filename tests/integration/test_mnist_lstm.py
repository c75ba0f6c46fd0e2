"""A row-by-row LSTM on real MNIST digits (../shared/data): each image is a
sequence of 28 rows of 28 pixels."""

import gzip
import pathlib

import numpy as np
import pytest

import ember as keras
from ember.layers import LSTM
from ember.layers import Dense
from ember.optimizers import Adam
from ember.optimizers.schedules import ExponentialDecay

MNIST = pathlib.Path(__file__).resolve().parents[3] / "shared/data/mnist"


def _read(name: str, header: int) -> np.ndarray:
    with gzip.open(MNIST / name, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


@pytest.mark.slow
@pytest.mark.skipif(not MNIST.exists(), reason="../shared/data/mnist absent")
def test_row_by_row_lstm_reaches_95_percent_on_mnist():
    x = _read("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)
    x = x.astype("float32") / 255.0
    y = _read("t10k-labels-idx1-ubyte.gz", 8).astype("int32")
    x_train, y_train, x_test, y_test = x[:8000], y[:8000], x[8000:], y[8000:]
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input((28, 28)),
            LSTM(64),
            Dense(10, activation="softmax"),
        ]
    )
    # 125 steps per epoch; the decay steadies the last epochs (seeds 0, 1
    # and 2 end at 0.970-0.974).
    schedule = ExponentialDecay(4e-3, decay_steps=125, decay_rate=0.85)
    model.compile(
        optimizer=Adam(schedule),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(x_train, y_train, epochs=12, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.95
