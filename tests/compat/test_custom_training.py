"""Custom training as the keras.io guides write it, against Keras 3 on
JAX: the same program runs in both and reports the same numbers."""

import os

os.environ["KERAS_BACKEND"] = "jax"

import keras
import numpy as np
import pytest

import ember
from tests.training._guide_model import guide_model_class

RNG = np.random.default_rng(0)
X = RNG.normal(size=(12, 4)).astype("float32")
Y = RNG.normal(size=(12, 1)).astype("float32")
IMAGES = RNG.normal(size=(6, 5, 5, 1)).astype("float32")
PIXELS = RNG.normal(size=(6, 5, 5)).astype("float32")
WEIGHTS = np.arange(1, 7).astype("float32")
LIBS = {"ember": ember, "keras": keras}


def _dense_model(lib, cls=None, shape=(4,)):
    inputs = lib.Input(shape)
    outputs = lib.layers.Dense(
        1, kernel_initializer="ones", bias_initializer="zeros"
    )(inputs)
    return (cls or lib.Model)(inputs, outputs)


def _both(run):
    return {name: run(lib) for name, lib in LIBS.items()}


def _assert_same(results, rtol=1e-5):
    ours, theirs = results["ember"], results["keras"]
    if isinstance(ours, dict):
        assert list(ours) == list(theirs)
        for key in ours:
            np.testing.assert_allclose(ours[key], theirs[key], rtol=rtol)
    else:
        np.testing.assert_allclose(ours, theirs, rtol=rtol)


def test_nested_logs_of_guide_steps_match_keras():
    def run(lib):
        model = _dense_model(lib, guide_model_class(lib))
        model.compile(lib.optimizers.SGD(0.05), "mse", metrics=["mae", "mse"])
        history = model.fit(
            X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0
        )
        logs = model.evaluate(X, Y, batch_size=4, verbose=0, return_dict=True)
        return {**history.history, **{f"eval_{k}": v for k, v in logs.items()}}

    _assert_same(_both(run))


class _Penalty:
    @staticmethod
    def make(lib):
        class Penalty(lib.layers.Layer):
            def call(self, x):
                self.add_loss(lib.ops.mean(x**2))
                return x

        return Penalty()


def test_add_loss_only_model_matches_keras():
    def run(lib):
        inputs = lib.Input((4,))
        model = lib.Model(inputs, _Penalty.make(lib)(inputs))
        model.compile("adam")
        history = model.fit(X, batch_size=4, epochs=2, shuffle=False, verbose=0)
        return {
            **history.history,
            "iterations": [int(model.optimizer.iterations.numpy())],
        }

    _assert_same(_both(run))


def test_frozen_model_matches_keras():
    def run(lib):
        model = _dense_model(lib)
        model.layers[-1].trainable = False
        model.compile("adam", "mse")
        history = model.fit(
            X, Y, batch_size=5, epochs=2, shuffle=False, verbose=0
        )
        return {
            **history.history,
            "iterations": [int(model.optimizer.iterations.numpy())],
            "kernel": model.layers[-1].get_weights()[0].ravel(),
        }

    _assert_same(_both(run))


def test_compile_without_loss_matches_keras():
    def double_mse_class(lib):
        class DoubleMse(lib.Model):
            def compute_loss(
                self,
                x=None,
                y=None,
                y_pred=None,
                sample_weight=None,
                training=True,
            ):
                return 2.0 * lib.ops.mean((y - y_pred) ** 2)

        return DoubleMse

    def run(lib):
        model = _dense_model(lib, double_mse_class(lib))
        model.compile(lib.optimizers.SGD(0.01))
        history = model.fit(
            X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0
        )
        plain = _dense_model(lib)
        plain.compile("sgd")
        plain_history = plain.fit(X, Y, batch_size=4, verbose=0)
        return {
            **history.history,
            "kernel": model.layers[-1].get_weights()[0].ravel(),
            "plain_loss": plain_history.history["loss"],
            "plain_eval": [plain.evaluate(X, Y, verbose=0)],
        }

    _assert_same(_both(run))


def _pixel_loss(y_true, y_pred):
    return (y_true - y_pred) ** 2


def _pixel_model(lib):
    inputs = lib.Input((5, 5, 1))
    dense = lib.layers.Dense(
        1, kernel_initializer="ones", bias_initializer="zeros"
    )(inputs)
    return lib.Model(inputs, lib.layers.Reshape((5, 5))(dense))


@pytest.mark.parametrize("batch_size", [6, 4])  # 4: a padded last batch
def test_per_pixel_loss_with_per_sample_weights_matches_keras(batch_size):
    """ember takes weights of shape (batch,) for a (batch, 5, 5) loss;
    Keras 3 takes the same weights spelled out per pixel (it refuses the
    (batch,) form with a broadcasting error)."""
    per_pixel = np.broadcast_to(WEIGHTS[:, None, None], PIXELS.shape)

    def run(lib, weights):
        model = _pixel_model(lib)
        model.compile(lib.optimizers.SGD(0.01), _pixel_loss)
        history = model.fit(
            IMAGES,
            PIXELS,
            sample_weight=weights,
            batch_size=batch_size,
            epochs=2,
            shuffle=False,
            verbose=0,
        )
        value = model.evaluate(
            IMAGES, PIXELS, sample_weight=weights, batch_size=6, verbose=0
        )
        return {**history.history, "eval": [value]}

    ours = run(ember, WEIGHTS)
    theirs = run(keras, np.ascontiguousarray(per_pixel))
    _assert_same({"ember": ours, "keras": theirs})


def test_mse_on_images_with_per_sample_weights_matches_loss_values():
    ours = ember.losses.MeanSquaredError()(
        PIXELS[..., None], IMAGES, sample_weight=WEIGHTS
    )
    per_pixel = np.broadcast_to(WEIGHTS[:, None, None], PIXELS.shape)
    theirs = keras.losses.MeanSquaredError()(
        PIXELS[..., None], IMAGES, sample_weight=per_pixel
    )
    np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6)


def test_input_rank_adjustment_matches_keras():
    def run(lib):
        model = _dense_model(lib, shape=(5, 5, 1))
        model.compile(lib.optimizers.SGD(0.01), "mse")
        images = IMAGES[..., 0]  # (6, 5, 5) for Input((5, 5, 1))
        history = model.fit(
            images, IMAGES, batch_size=4, shuffle=False, verbose=0
        )
        squeezing = _dense_model(lib, shape=(5, 5))
        return {
            **history.history,
            "eval": [model.evaluate(images, IMAGES, verbose=0)],
            "predict": model.predict(images, verbose=0).ravel(),
            "call": np.asarray(model(images)).ravel(),
            "squeeze": squeezing.predict(
                IMAGES[:, :, :, :1], verbose=0
            ).ravel(),
        }

    _assert_same(_both(run))
