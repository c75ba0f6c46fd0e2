"""GroupNormalization: groups of channels, instance norm and errors."""

import numpy as np
import pytest

from ember import layers

X = np.random.default_rng(0).normal(size=(2, 3, 6)).astype("float32")


def test_each_group_of_each_sample_is_normalized():
    layer = layers.GroupNormalization(groups=2, epsilon=0.0)
    out = np.asarray(layer(X)).reshape(2, 3, 2, 3)
    np.testing.assert_allclose(out.mean(axis=(1, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(1, 3)), 1, atol=1e-4)
    assert [(v.name, v.shape) for v in layer.weights] == [
        ("gamma", (6,)),
        ("beta", (6,)),
    ]


def test_one_group_is_layer_normalization_and_minus_one_instance_norm():
    one = layers.GroupNormalization(groups=1)(X)
    ln = layers.LayerNormalization(axis=[1, 2])(X)
    np.testing.assert_allclose(one, ln, atol=1e-5)
    out = np.asarray(layers.GroupNormalization(groups=-1, epsilon=0.0)(X))
    np.testing.assert_allclose(out.mean(axis=1), 0, atol=1e-5)


def test_channels_first_with_gamma_per_channel():
    x = np.random.default_rng(1).normal(size=(2, 4, 5)).astype("float32")
    layer = layers.GroupNormalization(groups=2, axis=1, epsilon=0.0)
    layer.build(x.shape)
    gamma = np.array([1.0, 2.0, 3.0, 4.0], "float32")
    layer.set_weights([gamma, np.zeros(4, "float32")])
    out = np.asarray(layer(x))
    plain = np.asarray(layers.GroupNormalization(2, axis=1, epsilon=0.0)(x))
    np.testing.assert_allclose(out, plain * gamma[None, :, None], atol=1e-5)


def test_errors_name_the_layer_and_the_shapes():
    with pytest.raises(ValueError, match="groups=0"):
        layers.GroupNormalization(groups=0)
    layer = layers.GroupNormalization(groups=4, name="gn")
    with pytest.raises(
        ValueError,
        match=r'GroupNormalization "gn".*channels \(6\).*\(2, 3, 6\).*'
        r"multiple of the number of groups \(4\)",
    ):
        layer(X)
    with pytest.raises(ValueError, match=r'"gn".*groups \(4\).*\(2, 3\)'):
        layers.GroupNormalization(groups=4, name="gn")(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r'"gn".*axis 3.*\(2, 3, 6\)'):
        layers.GroupNormalization(groups=2, axis=3, name="gn")(X)
