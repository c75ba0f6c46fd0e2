"""Acceptance: an MLP on scikit-learn's bundled breast-cancer data set."""

import numpy as np
import pytest

import ember as keras

datasets = pytest.importorskip("sklearn.datasets")
model_selection = pytest.importorskip("sklearn.model_selection")


def _data():
    x, y = datasets.load_breast_cancer(return_X_y=True)
    x_train, x_test, y_train, y_test = model_selection.train_test_split(
        x, y, test_size=0.25, stratify=y, random_state=0
    )
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    x_train = ((x_train - mean) / std).astype("float32")
    x_test = ((x_test - mean) / std).astype("float32")
    return x_train, y_train.astype("float32"), x_test, y_test.astype("float32")


def test_mlp_reaches_93_percent_on_breast_cancer():
    x_train, y_train, x_test, y_test = _data()
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(x_train.shape[1],)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(x_train, y_train, batch_size=32, epochs=20, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert accuracy >= 0.93
    predicted = (model.predict(x_test, verbose=0)[:, 0] > 0.5).astype("float32")
    assert np.mean(predicted == y_test) == pytest.approx(accuracy)
