"""Activation: applies a named or given function."""

import numpy as np
import pytest

import ember
from ember import layers

X = np.array([-3.0, -1.0, 0.0, 2.0], "float32")


def test_activation_by_name_and_by_function():
    np.testing.assert_allclose(layers.Activation("relu")(X), [0, 0, 0, 2])
    layer = layers.Activation(ember.activations.sigmoid)
    np.testing.assert_allclose(layer(X), 1 / (1 + np.exp(-X)), rtol=1e-6)


def test_activation_none_is_linear():
    np.testing.assert_allclose(layers.Activation(None)(X), X)


def test_activation_config_uses_names():
    assert layers.Activation("relu").get_config()["activation"] == "relu"
    layer = layers.Activation(ember.activations.swish)
    assert layer.get_config()["activation"] == "silu"


def test_activation_symbolic_shape():
    x = ember.Input(shape=(3, 5))
    assert layers.Activation("tanh")(x).shape == (None, 3, 5)


def test_activation_unknown_name():
    with pytest.raises(ValueError, match="rleu"):
        layers.Activation("rleu")
