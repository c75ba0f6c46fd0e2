"""PReLU layer: learned slopes, shared axes, weights and errors."""

import numpy as np
import pytest

from ember import layers


def test_prelu_hand_computed_with_set_alpha():
    layer = layers.PReLU()
    layer.build((None, 3))
    layer.set_weights([np.array([0.5, 2.0, 0.0], "float32")])
    x = np.array([[-2.0, -2.0, -2.0], [1.0, 1.0, 1.0]], "float32")
    np.testing.assert_allclose(layer(x), [[-1.0, -4.0, 0.0], [1, 1, 1]])
    # Default alpha is zeros: a plain ReLU.
    np.testing.assert_allclose(layers.PReLU()(x), [[0, 0, 0], [1, 1, 1]])


def test_shared_axes_shape_the_weight():
    layer = layers.PReLU(shared_axes=[1, 2], name="p")
    layer(np.ones((2, 4, 5, 3), "float32"))
    assert [(v.path, v.shape) for v in layer.weights] == [
        ("p/alpha", (1, 1, 3))
    ]
    assert layer.count_params() == 3
    assert layers.PReLU(shared_axes=1).get_config()["shared_axes"] == [1]
    # Shared axes may change size between calls; the others may not.
    layer(np.ones((1, 2, 2, 3), "float32"))
    with pytest.raises(ValueError, match=r'"p".*dimension 3 3.*\(1, 2, 2, 4\)'):
        layer(np.ones((1, 2, 2, 4), "float32"))


def test_errors():
    with pytest.raises(ValueError, match=r'PReLU "p".*shared_axes.*\(2, 3\)'):
        layers.PReLU(shared_axes=0, name="p")(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match="alpha_initializer"):
        layers.PReLU(alpha_initializer="nope")
