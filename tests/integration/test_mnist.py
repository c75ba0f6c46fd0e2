"""The founding CNN on real MNIST digits (../shared/data), 5 epochs."""

import gzip
import pathlib

import numpy as np
import pytest

import ember as keras
from ember.layers import Conv2D
from ember.layers import Dense
from ember.layers import Flatten
from ember.layers import MaxPooling2D

MNIST = pathlib.Path(__file__).resolve().parents[3] / "shared/data/mnist"


def _read(name: str, header: int) -> np.ndarray:
    with gzip.open(MNIST / name, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


@pytest.mark.slow
@pytest.mark.skipif(not MNIST.exists(), reason="../shared/data/mnist absent")
def test_founding_cnn_reaches_97_percent_on_mnist():
    x = _read("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1)
    x = x.astype("float32") / 255.0
    y = _read("t10k-labels-idx1-ubyte.gz", 8).astype("int32")
    x_train, y_train, x_test, y_test = x[:8000], y[:8000], x[8000:], y[8000:]
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            MaxPooling2D((2, 2)),
            Flatten(),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),
        ]
    )
    model.compile(
        optimizer="adam",
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    history = model.fit(
        x_train,
        y_train,
        epochs=5,
        validation_data=(x_test, y_test),
        verbose=0,
    )
    assert len(history.history["val_accuracy"]) == 5
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.97
