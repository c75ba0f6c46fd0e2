"""UnitNormalization: unit L2 norm along the axes."""

import numpy as np
import pytest

from ember import layers


def test_hand_computed_and_zero_input():
    layer = layers.UnitNormalization()
    x = np.array([[3.0, 4.0], [0.0, 0.0]], "float32")
    np.testing.assert_allclose(layer(x), [[0.6, 0.8], [0.0, 0.0]], atol=1e-7)


def test_several_axes():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    out = np.asarray(layers.UnitNormalization(axis=[1, 2])(x))
    np.testing.assert_allclose(np.sum(out**2, axis=(1, 2)), 1, rtol=1e-5)
    assert layers.UnitNormalization(axis=(1, 2)).get_config()["axis"] == [1, 2]


def test_errors():
    with pytest.raises(TypeError, match="axis=1.5"):
        layers.UnitNormalization(axis=1.5)
    with pytest.raises(
        ValueError, match=r'UnitNormalization "un".*axis 2.*\(None, 3\)'
    ):
        layers.UnitNormalization(axis=2, name="un").compute_output_shape(
            (None, 3)
        )
