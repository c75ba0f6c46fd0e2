"""ReLU layer: hand-computed values of each argument, and errors."""

import numpy as np
import pytest

from ember import layers

X = np.array([-2.0, -0.5, 0.0, 0.2, 0.7, 3.0], "float32")


def test_relu_variants_hand_computed():
    np.testing.assert_allclose(layers.ReLU()(X), [0, 0, 0, 0.2, 0.7, 3])
    np.testing.assert_allclose(
        layers.ReLU(max_value=1.0)(X), [0, 0, 0, 0.2, 0.7, 1]
    )
    np.testing.assert_allclose(
        layers.ReLU(negative_slope=0.5)(X), [-1, -0.25, 0, 0.2, 0.7, 3]
    )
    np.testing.assert_allclose(
        layers.ReLU(threshold=0.5)(X), [0, 0, 0, 0, 0.7, 3]
    )
    # Below the threshold: negative_slope * (x - threshold).
    np.testing.assert_allclose(
        layers.ReLU(max_value=2.0, negative_slope=0.5, threshold=0.5)(X),
        [-1.25, -0.5, -0.25, -0.15, 0.7, 2.0],
        rtol=1e-6,
    )


def test_errors_and_config():
    with pytest.raises(ValueError, match="max_value=-1"):
        layers.ReLU(max_value=-1)
    with pytest.raises(ValueError, match="negative_slope=-0.1"):
        layers.ReLU(negative_slope=-0.1)
    with pytest.raises(ValueError, match="threshold=None"):
        layers.ReLU(threshold=None)
    config = layers.ReLU(max_value=6.0).get_config()
    assert layers.ReLU.from_config(config).max_value == 6.0
