"""LayerNormalization: per-sample statistics, axes, weights and errors."""

import numpy as np
import pytest

from ember import layers


def test_hand_computed_with_gamma_and_beta():
    layer = layers.LayerNormalization(epsilon=0.0)
    layer.build((None, 2))
    layer.set_weights([np.array([2.0, 3.0], "float32"), np.ones(2, "float32")])
    x = np.array([[1.0, 3.0], [10.0, 0.0]], "float32")
    # Each row normalizes to [-1, 1] or [1, -1].
    expected = [[-2 + 1, 3 + 1], [2 + 1, -3 + 1]]
    np.testing.assert_allclose(layer(x), expected, atol=1e-6)
    np.testing.assert_allclose(layer(x, training=True), expected, atol=1e-6)


def test_multiple_axes_share_statistics_and_shape_weights():
    x = np.random.default_rng(0).normal(size=(2, 3, 4)).astype("float32")
    layer = layers.LayerNormalization(axis=[1, 2], epsilon=0.0)
    out = np.asarray(layer(x))
    assert [v.shape for v in layer.weights] == [(3, 4), (3, 4)]
    assert [v.name for v in layer.weights] == ["gamma", "beta"]
    np.testing.assert_allclose(out.mean(axis=(1, 2)), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(1, 2)), 1, atol=1e-4)
    assert layer.get_config()["axis"] == [1, 2]


def test_center_and_scale_off():
    layer = layers.LayerNormalization(center=False, scale=False)
    layer(np.ones((2, 3), "float32"))
    assert layer.weights == []


def test_errors():
    with pytest.raises(TypeError, match="axis='x'"):
        layers.LayerNormalization(axis="x")
    layer = layers.LayerNormalization(axis=2, name="ln")
    with pytest.raises(
        ValueError, match=r'LayerNormalization "ln".*axis 2.*\(2, 3\)'
    ):
        layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r'"ln".*axis 2.*\(None, 3\)'):
        layer.compute_output_shape((None, 3))
