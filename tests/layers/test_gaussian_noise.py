"""GaussianNoise: additive noise in training only."""

import numpy as np
import pytest

from ember import layers


def test_noise_in_training_only():
    x = np.zeros((200, 100), "float32")
    layer = layers.GaussianNoise(0.5, seed=0)
    np.testing.assert_array_equal(layer(x), x)
    out = np.asarray(layer(x, training=True))
    assert abs(out.mean()) < 0.01
    assert abs(out.std() - 0.5) < 0.01
    assert not np.array_equal(out, layer(x, training=True))
    np.testing.assert_array_equal(layers.GaussianNoise(0)(x, training=True), x)


def test_config_and_errors():
    config = layers.GaussianNoise(0.1, seed=2).get_config()
    assert (config["stddev"], config["seed"]) == (0.1, 2)
    with pytest.raises(ValueError, match="stddev=1.5"):
        layers.GaussianNoise(1.5)
