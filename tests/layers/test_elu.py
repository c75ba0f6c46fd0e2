"""ELU layer: values and config."""

import numpy as np

from ember import layers


def test_elu_values_and_config():
    x = np.array([-1.0, 0.0, 2.0], "float32")
    np.testing.assert_allclose(
        layers.ELU(alpha=2.0)(x), [2 * (np.exp(-1) - 1), 0, 2], rtol=1e-6
    )
    layer = layers.ELU.from_config(layers.ELU(alpha=0.5).get_config())
    assert layer.alpha == 0.5
