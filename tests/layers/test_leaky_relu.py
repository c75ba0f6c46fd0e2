"""LeakyReLU layer: values, default slope and errors."""

import numpy as np
import pytest

from ember import layers


def test_leaky_relu_values():
    x = np.array([-2.0, 0.0, 3.0], "float32")
    np.testing.assert_allclose(layers.LeakyReLU()(x), [-0.6, 0, 3], rtol=1e-6)
    np.testing.assert_allclose(
        layers.LeakyReLU(negative_slope=0.5)(x), [-1, 0, 3]
    )


def test_errors_and_config():
    with pytest.raises(ValueError, match="negative_slope=-1"):
        layers.LeakyReLU(negative_slope=-1)
    config = layers.LeakyReLU(0.2).get_config()
    assert config["negative_slope"] == 0.2
