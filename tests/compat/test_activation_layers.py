"""Activation layers against Keras: same arguments and weights, same
outputs, configs and parameter counts."""

import keras
import numpy as np
import pytest

import ember

CASES = [
    ("ReLU", {}, (3, 5)),
    ("ReLU", {"max_value": 1.0}, (3, 5)),
    ("ReLU", {"negative_slope": 0.2}, (3, 5)),
    ("ReLU", {"threshold": 0.5}, (3, 5)),
    (
        "ReLU",
        {"max_value": 1.5, "negative_slope": 0.1, "threshold": 0.3},
        (3, 5),
    ),
    ("LeakyReLU", {}, (3, 5)),
    ("LeakyReLU", {"negative_slope": 0.01}, (2, 3, 4)),
    ("PReLU", {}, (3, 5)),
    ("PReLU", {"shared_axes": [1, 2]}, (2, 3, 3, 4)),
    ("PReLU", {"shared_axes": 1, "alpha_initializer": "ones"}, (2, 3, 4)),
    ("ELU", {}, (3, 5)),
    ("ELU", {"alpha": 0.5}, (3, 5)),
    ("Softmax", {}, (3, 5)),
    ("Softmax", {"axis": 1}, (2, 3, 4)),
    ("Softmax", {"axis": [1, 2]}, (2, 3, 4)),
]


def _case_id(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _pair(name, kwargs, shape):
    rng = np.random.default_rng(0)
    x = (rng.normal(size=shape) * 2).astype("float32")
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    keras_layer.build(x.shape)
    ember_layer.build(x.shape)
    for variable in keras_layer.weights:
        variable.assign(rng.uniform(0, 0.5, size=variable.shape))
    ember_layer.set_weights([np.asarray(v.value) for v in keras_layer.weights])
    return keras_layer, ember_layer, x


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_outputs_match_keras(case):
    keras_layer, ember_layer, x = _pair(*case)
    expected = np.asarray(keras_layer(x))
    np.testing.assert_allclose(ember_layer(x), expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_configs_weights_and_params_match_keras(case):
    keras_layer, ember_layer, _ = _pair(*case)
    ours, theirs = ember_layer.get_config(), keras_layer.get_config()
    assert set(ours) == set(theirs)
    ours.pop("name"), theirs.pop("name")
    assert ours == theirs
    assert ember_layer.count_params() == keras_layer.count_params()
    assert [(v.name, v.shape) for v in ember_layer.weights] == [
        (v.name, tuple(v.shape)) for v in keras_layer.weights
    ]
    assert ember_layer.supports_masking == keras_layer.supports_masking


@pytest.mark.parametrize(
    "mask",
    [
        np.array([[1, 1, 0, 0, 1], [0, 1, 1, 1, 1]], bool),
        np.array([[1.0, 0.0, 1.0, 0.0, 1.0]], "float32"),
    ],
    ids=["bool", "float-broadcast"],
)
def test_softmax_mask_matches_keras(mask):
    keras_layer, ember_layer, _ = _pair("Softmax", {}, (2, 5))
    x = np.random.default_rng(1).normal(size=(2, 5)).astype("float32")
    expected = np.asarray(keras_layer(x, mask=mask))
    got = np.asarray(ember_layer(x, mask=mask))
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)
    assert np.all(got[np.broadcast_to(~mask.astype(bool), got.shape)] < 1e-6)


def test_leaky_relu_alpha_alias_warns_as_keras():
    with pytest.warns(UserWarning, match="alpha"):
        keras_layer = keras.layers.LeakyReLU(alpha=0.2)
    with pytest.warns(UserWarning, match="alpha"):
        ember_layer = ember.layers.LeakyReLU(alpha=0.2)
    assert ember_layer.negative_slope == keras_layer.negative_slope == 0.2
