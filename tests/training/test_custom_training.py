"""Custom training as the keras.io guides write it: steps returning nested
logs, models without trainable weights, compile() without a loss."""

import jax
import numpy as np
import pytest

import ember
from ember import ops
from tests.training._guide_model import guide_model_class

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 4)).astype("float32")
Y = RNG.normal(size=(16, 1)).astype("float32")
ERROR = X.sum(axis=1, keepdims=True) - Y  # A Dense(1) of ones, zero bias.


def _ones_dense_model(cls=ember.Model):
    inputs = ember.Input((4,))
    outputs = ember.layers.Dense(1, kernel_initializer="ones")(inputs)
    return cls(inputs, outputs)


GuideModel = guide_model_class(ember)


def test_nested_logs_of_a_custom_train_step_are_flattened():
    model = _ones_dense_model(GuideModel)
    model.compile(ember.optimizers.SGD(0.01), "mse", metrics=["mae"])
    history = model.fit(X, Y, batch_size=16, epochs=1, verbose=0)
    assert list(history.history) == ["mae", "loss"]  # Keras' order
    assert history.history["loss"][0] == pytest.approx(
        float(np.mean(ERROR**2)), rel=1e-5
    )
    assert history.history["mae"][0] == pytest.approx(
        float(np.mean(np.abs(ERROR))), rel=1e-5
    )


def test_nested_logs_of_a_custom_test_step_are_flattened():
    model = _ones_dense_model(GuideModel)
    model.compile("sgd", "mse", metrics=["mae"])
    logs = model.evaluate(X, Y, batch_size=16, verbose=0, return_dict=True)
    assert logs == pytest.approx(
        {
            "loss": float(np.mean(ERROR**2)),
            "mae": float(np.mean(np.abs(ERROR))),
        },
        rel=1e-5,
    )


class Penalty(ember.layers.Layer):
    def call(self, x):
        self.add_loss(ops.mean(x**2))
        return x


def test_a_model_of_only_add_loss_terms_reports_the_loss():
    inputs = ember.Input((4,))
    model = ember.Model(inputs, Penalty()(inputs))
    model.compile("sgd")
    history = model.fit(X, batch_size=16, epochs=2, verbose=0)
    expected = float(np.mean(X**2))
    assert history.history["loss"] == pytest.approx([expected] * 2, rel=1e-5)
    assert int(model.optimizer.iterations.numpy()) == 0


def test_a_frozen_model_trains_without_changing_anything():
    model = _ones_dense_model()
    model.layers[-1].trainable = False
    model.compile("adam", "mse")
    before = [np.array(w) for w in model.get_weights()]
    history = model.fit(X, Y, batch_size=8, epochs=2, verbose=0)
    assert history.history["loss"] == pytest.approx(
        [float(np.mean(ERROR**2))] * 2, rel=1e-5
    )
    for value, old in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(value, old)
    # Keras' `apply` returns before counting a step without variables.
    assert int(model.optimizer.iterations.numpy()) == 0


class DoubleMse(ember.Model):
    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        return 2.0 * ops.mean((y - y_pred) ** 2)


def test_compile_without_a_loss_uses_an_overridden_compute_loss():
    model = _ones_dense_model(DoubleMse)
    model.compile("sgd")
    loss = model.evaluate(X, Y, batch_size=16, verbose=0)
    assert loss == pytest.approx(2 * float(np.mean(ERROR**2)), rel=1e-5)
    history = model.fit(X, Y, batch_size=16, verbose=0)
    assert history.history["loss"][0] == pytest.approx(loss, rel=1e-6)


class OwnLossStep(ember.Model):
    def train_step(self, state, data):
        trainable, non_trainable, optimizer_values, metric_values = state
        x, y = data

        def loss_fn(values):
            y_pred, _ = self.stateless_call(values, non_trainable, x)
            return ops.mean(ops.abs(y - y_pred))

        loss, grads = jax.value_and_grad(loss_fn)(trainable)
        trainable, optimizer_values = self.optimizer.stateless_apply(
            optimizer_values, grads, trainable
        )
        return {"mae": loss}, (
            trainable,
            non_trainable,
            optimizer_values,
            metric_values,
        )


def test_compile_without_a_loss_accepts_an_own_train_step():
    model = _ones_dense_model(OwnLossStep)
    model.compile(ember.optimizers.SGD(0.0))
    history = model.fit(X, Y, batch_size=16, verbose=0)
    assert history.history["mae"][0] == pytest.approx(
        float(np.mean(np.abs(ERROR))), rel=1e-5
    )


def test_compile_without_a_loss_on_a_plain_model_trains_on_zero():
    model = _ones_dense_model()
    model.compile("sgd")
    before = [np.array(w) for w in model.get_weights()]
    history = model.fit(X, Y, batch_size=8, verbose=0)
    assert history.history["loss"] == [0.0]
    for value, old in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(value, old)
