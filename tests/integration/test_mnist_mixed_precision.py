"""The founding CNN on real MNIST digits (../shared/data) trained under
mixed_bfloat16 reaches the accuracy of float32 training."""

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
# A subset: each training run takes seconds, not minutes.
TRAIN, EPOCHS = 2000, 2


@pytest.fixture
def float32_after():
    yield
    keras.mixed_precision.set_global_policy("float32")


def _read(name: str, header: int) -> np.ndarray:
    with gzip.open(MNIST / name, "rb") as f:
        return np.frombuffer(f.read(), dtype=np.uint8, offset=header)


def _accuracy(policy: str, data: tuple) -> float:
    x_train, y_train, x_test, y_test = data
    keras.mixed_precision.set_global_policy(policy)
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
    model.fit(x_train, y_train, epochs=EPOCHS, verbose=0)
    assert {w.dtype for w in model.weights} == {"float32"}
    assert model.layers[-1].compute_dtype == (
        "bfloat16" if policy == "mixed_bfloat16" else "float32"
    )
    return model.evaluate(x_test, y_test, verbose=0)[1]


@pytest.mark.slow
@pytest.mark.skipif(not MNIST.exists(), reason="../shared/data/mnist absent")
def test_founding_cnn_under_mixed_bfloat16_matches_float32(float32_after):
    x = _read("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28, 1)
    x = x.astype("float32") / 255.0
    y = _read("t10k-labels-idx1-ubyte.gz", 8).astype("int32")
    data = (x[:TRAIN], y[:TRAIN], x[8000:], y[8000:])
    exact = _accuracy("float32", data)
    mixed = _accuracy("mixed_bfloat16", data)
    assert exact > 0.8
    assert abs(mixed - exact) <= 0.01
