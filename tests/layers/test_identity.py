"""Identity: returns its input."""

import numpy as np

import ember
from ember import layers


def test_identity_returns_input():
    x = np.arange(6, dtype="float32").reshape(2, 3)
    np.testing.assert_array_equal(layers.Identity()(x), x)


def test_identity_structures_and_symbolic():
    a, b = np.ones((2, 3), "float32"), np.zeros((2, 1), "float32")
    out = layers.Identity()([a, b])
    assert [o.shape for o in out] == [(2, 3), (2, 1)]
    x = ember.Input(shape=(4,))
    assert layers.Identity()(x).shape == (None, 4)


def test_identity_config_has_only_base_keys():
    config = layers.Identity(name="same").get_config()
    assert set(config) == {"name", "trainable", "dtype"}
