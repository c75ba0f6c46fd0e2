"""GaussianDropout: multiplicative noise of mean 1 in training only."""

import numpy as np
import pytest

from ember import layers


def test_noise_in_training_only():
    x = np.full((200, 100), 2.0, "float32")
    layer = layers.GaussianDropout(0.5, seed=0)
    np.testing.assert_array_equal(layer(x), x)
    out = np.asarray(layer(x, training=True)) / 2
    assert abs(out.mean() - 1) < 0.01
    assert abs(out.std() - 1.0) < 0.02  # sqrt(0.5 / 0.5)


def test_config_and_errors():
    config = layers.GaussianDropout(0.1, seed=2).get_config()
    assert (config["rate"], config["seed"]) == (0.1, 2)
    with pytest.raises(ValueError, match="rate=-1"):
        layers.GaussianDropout(-1)
