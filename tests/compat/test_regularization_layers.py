"""Regularization layers against Keras: identity in inference, the same
random draws in training for the same seed, the same configs and losses."""

import keras
import numpy as np
import pytest

import ember

# Random layers: with the same int seed, ember draws the same keys as Keras'
# JAX backend, so even training outputs are equal.
CASES = [
    ("Dropout", {"rate": 0.3, "seed": 3}, (4, 6)),
    (
        "Dropout",
        {"rate": 0.5, "noise_shape": (None, 1, 5), "seed": 2},
        (3, 4, 5),
    ),
    ("Dropout", {"rate": 1.0, "seed": 2}, (2, 3)),
    ("SpatialDropout1D", {"rate": 0.5, "seed": 1}, (4, 3, 5)),
    ("SpatialDropout2D", {"rate": 0.4, "seed": 1}, (3, 4, 4, 5)),
    (
        "SpatialDropout2D",
        {"rate": 0.4, "data_format": "channels_first", "seed": 1},
        (3, 5, 4, 4),
    ),
    ("SpatialDropout3D", {"rate": 0.5, "seed": 5}, (2, 2, 3, 2, 4)),
    (
        "SpatialDropout3D",
        {"rate": 0.5, "data_format": "channels_first", "seed": 5},
        (2, 4, 2, 3, 2),
    ),
    ("GaussianNoise", {"stddev": 0.3, "seed": 4}, (4, 6)),
    ("GaussianDropout", {"rate": 0.3, "seed": 4}, (4, 6)),
    ("AlphaDropout", {"rate": 0.3, "seed": 4}, (4, 6)),
    (
        "AlphaDropout",
        {"rate": 0.2, "noise_shape": (None, 1), "seed": 6},
        (4, 6),
    ),
    ("ActivityRegularization", {"l1": 0.1, "l2": 0.01}, (4, 6)),
]


def _case_id(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _pair(name, kwargs, shape):
    x = np.random.default_rng(0).normal(size=shape).astype("float32")
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    return keras_layer, ember_layer, x


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_inference_is_identity_as_in_keras(case):
    keras_layer, ember_layer, x = _pair(*case)
    np.testing.assert_array_equal(keras_layer(x), x)
    np.testing.assert_array_equal(ember_layer(x), x)
    np.testing.assert_array_equal(ember_layer(x, training=False), x)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_training_outputs_match_keras(case):
    keras_layer, ember_layer, x = _pair(*case)
    for _ in range(2):
        expected = np.asarray(keras_layer(x, training=True))
        np.testing.assert_allclose(
            ember_layer(x, training=True), expected, rtol=1e-6, atol=1e-6
        )


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_configs_and_params_match_keras(case):
    keras_layer, ember_layer, x = _pair(*case)
    keras_layer(x)
    ember_layer(x)
    ours, theirs = ember_layer.get_config(), keras_layer.get_config()
    assert set(ours) == set(theirs)
    ours.pop("name"), theirs.pop("name")
    assert ours == theirs
    assert ember_layer.count_params() == keras_layer.count_params() == 0
    assert ember_layer.supports_masking == keras_layer.supports_masking
    assert len(ember_layer.non_trainable_variables) == len(
        keras_layer.non_trainable_variables
    )


def test_activity_regularization_loss_matches_keras():
    keras_layer, ember_layer, x = _pair(
        "ActivityRegularization", {"l1": 0.1, "l2": 0.01}, (4, 6)
    )
    keras_layer(x)
    ember_layer(x)
    assert len(ember_layer.losses) == len(keras_layer.losses) == 1
    np.testing.assert_allclose(
        ember_layer.losses[0], keras_layer.losses[0], rtol=1e-6
    )


def test_dropout_scaling_properties():
    x = np.ones((200, 50), "float32")
    for name in ("Dropout", "SpatialDropout1D"):
        layer = getattr(ember.layers, name)(0.25, seed=0)
        data = x if name == "Dropout" else x.reshape(200, 5, 10)
        out = np.asarray(layer(data, training=True))
        kept = out[out != 0]
        np.testing.assert_allclose(kept, 1 / 0.75, rtol=1e-6)
        assert abs(np.mean(out == 0) - 0.25) < 0.03
        assert abs(out.mean() - 1.0) < 0.05
    noisy = np.asarray(
        ember.layers.GaussianDropout(0.2, seed=0)(x, training=True)
    )
    assert abs(noisy.mean() - 1) < 0.01
    assert abs(noisy.std() - np.sqrt(0.2 / 0.8)) < 0.01
    alpha = np.asarray(
        ember.layers.AlphaDropout(0.2, seed=0)(
            np.random.default_rng(0).normal(size=(400, 50)).astype("float32"),
            training=True,
        )
    )
    # Alpha dropout keeps zero mean and unit variance.
    assert abs(alpha.mean()) < 0.05 and abs(alpha.std() - 1) < 0.05
