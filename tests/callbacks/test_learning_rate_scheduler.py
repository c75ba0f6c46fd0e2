import numpy as np
import pytest

import ember
from ember.callbacks import LearningRateScheduler

RNG = np.random.default_rng(0)
X = RNG.normal(size=(8, 3)).astype("float32")
Y = X @ np.array([[1.0], [-2.0], [0.5]], "float32")


def f32(values):
    return [float(np.float32(v)) for v in values]


def dense_model():
    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(1)])
    model.compile(ember.optimizers.SGD(0.1), loss="mse")
    return model


def fit(model, callback, epochs=3):
    return model.fit(
        X,
        Y,
        batch_size=8,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        callbacks=[callback],
    )


def test_schedule_of_epoch_and_rate():
    model = dense_model()
    history = fit(model, LearningRateScheduler(lambda epoch, lr: lr * 0.5))
    assert history.history["learning_rate"] == f32([0.05, 0.025, 0.0125])
    assert model._compiled.functions["train"]._cache_size() == 1


def test_schedule_of_epoch_only_and_its_effect_on_the_weights():
    model = dense_model()
    start = [np.array(w) for w in model.get_weights()]
    rates = [0.2, 0.0, 0.0]
    history = fit(model, LearningRateScheduler(lambda epoch: rates[epoch]))
    assert history.history["learning_rate"] == f32(rates)
    kernel, bias = start
    error = X @ kernel + bias - Y
    kernel = kernel - 0.2 * 2 * X.T @ error / len(X)
    # Epochs 1 and 2 run with a rate of 0: the weights stay at epoch 0's.
    np.testing.assert_allclose(model.get_weights()[0], kernel, rtol=1e-5)


def test_schedule_must_return_a_float():
    model = dense_model()
    with pytest.raises(
        ValueError,
        match="The output of the `schedule` function should be a float. Got: 1",
    ):
        fit(model, LearningRateScheduler(lambda epoch: 1))


def test_verbose_message(capsys):
    model = dense_model()
    fit(model, LearningRateScheduler(lambda epoch: 0.5, verbose=1), epochs=1)
    assert capsys.readouterr().out == (
        "\nEpoch 1: LearningRateScheduler setting learning rate to 0.5.\n"
    )
