"""ActivityRegularization: identity plus an L1/L2 penalty per sample."""

import jax
import numpy as np

from ember import layers


def test_penalty_is_added_per_sample():
    layer = layers.ActivityRegularization(l1=0.1, l2=0.01)
    x = np.array([[1.0, -2.0, 3.0], [0.0, 1.0, -1.0]], "float32")
    np.testing.assert_array_equal(layer(x), x)
    # (0.1 * 8 + 0.01 * 16) / 2 samples
    np.testing.assert_allclose(layer.losses, [0.48], rtol=1e-6)
    layer(x)
    assert len(layer.losses) == 1


def test_penalty_in_stateless_call_and_config():
    layer = layers.ActivityRegularization(l2=1.0)
    x = np.ones((4, 2), "float32")
    run = jax.jit(lambda x: layer.stateless_call([], [], x, return_losses=True))
    _, _, losses = run(x)
    np.testing.assert_allclose(losses, [2.0])
    config = layer.get_config()
    assert (config["l1"], config["l2"]) == (0.0, 1.0)
    assert "activity_regularizer" not in config
