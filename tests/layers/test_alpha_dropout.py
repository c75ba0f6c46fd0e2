"""AlphaDropout: dropped units go to SELU's saturation, affinely corrected."""

import numpy as np
import pytest

from ember import layers

ALPHA_P = -1.6732632423543772 * 1.0507009873554805


def test_dropped_units_take_the_corrected_saturation_value():
    rate = 0.5
    a = ((1 - rate) * (1 + rate * ALPHA_P**2)) ** -0.5
    b = -a * ALPHA_P * rate
    x = np.full((50, 40), 3.0, "float32")
    layer = layers.AlphaDropout(rate, seed=0)
    np.testing.assert_array_equal(layer(x), x)
    out = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(
        np.unique(out), sorted([a * 3 + b, a * ALPHA_P + b]), rtol=1e-5
    )


def test_noise_shape_and_errors():
    x = np.ones((4, 6, 5), "float32")
    layer = layers.AlphaDropout(0.5, noise_shape=(None, 1, 5), seed=1)
    out = np.asarray(layer(x, training=True))
    assert (out == out[:, :1, :]).all()
    with pytest.raises(ValueError, match="rate=1.2"):
        layers.AlphaDropout(1.2)
    with pytest.raises(ValueError, match="noise_shape"):
        layers.AlphaDropout(0.2, noise_shape="x")
