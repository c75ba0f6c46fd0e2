"""Max and average pooling: hand-computed outputs, shapes and errors."""

import jax
import numpy as np
import pytest

import ember
from ember import layers

GRID = np.arange(1.0, 17.0, dtype="float32").reshape(1, 4, 4, 1)
SMALL = np.arange(1.0, 10.0, dtype="float32").reshape(1, 3, 3, 1)


def test_max_pooling2d_default_halves():
    out = layers.MaxPooling2D()(GRID)
    np.testing.assert_allclose(out[0, :, :, 0], [[6.0, 8.0], [14.0, 16.0]])


def test_max_pooling2d_strides_and_same():
    out = layers.MaxPooling2D(2, strides=1)(SMALL)
    np.testing.assert_allclose(out[0, :, :, 0], [[5.0, 6.0], [8.0, 9.0]])
    same = layers.MaxPooling2D(2, strides=1, padding="same")(SMALL)
    np.testing.assert_allclose(
        same[0, :, :, 0], [[5.0, 6.0, 6.0], [8.0, 9.0, 9.0], [8.0, 9.0, 9.0]]
    )


def test_max_pooling_negative_values_ignore_padding():
    out = layers.MaxPooling2D(2, padding="same")(-SMALL)
    np.testing.assert_allclose(out[0, :, :, 0], [[-1.0, -3.0], [-7.0, -9.0]])


def test_average_pooling2d_valid_and_same():
    out = layers.AveragePooling2D(2)(GRID)
    np.testing.assert_allclose(out[0, :, :, 0], [[3.5, 5.5], [11.5, 13.5]])
    same = layers.AveragePooling2D(2, strides=1, padding="same")(SMALL)
    # Edge windows average only the real cells they cover.
    np.testing.assert_allclose(
        same[0, :, :, 0],
        [[3.0, 4.0, 4.5], [6.0, 7.0, 7.5], [7.5, 8.5, 9.0]],
    )


def test_pooling_1d_and_3d():
    x = np.array([1.0, 5.0, 2.0, 4.0, 3.0], "float32").reshape(1, 5, 1)
    np.testing.assert_allclose(layers.MaxPooling1D()(x)[0, :, 0], [5.0, 4.0])
    np.testing.assert_allclose(
        layers.AveragePooling1D(2, strides=1)(x)[0, :, 0],
        [3.0, 3.5, 3.0, 3.5],
    )
    cube = np.ones((2, 4, 4, 4, 3), "float32")
    assert layers.MaxPooling3D()(cube).shape == (2, 2, 2, 2, 3)
    assert layers.AveragePooling3D(2, padding="same")(cube).shape == (
        2,
        2,
        2,
        2,
        3,
    )


def test_pooling_channels_first():
    x = np.transpose(GRID, (0, 3, 1, 2))
    out = layers.MaxPooling2D(data_format="channels_first")(x)
    assert out.shape == (1, 1, 2, 2)
    np.testing.assert_allclose(out[0, 0], [[6.0, 8.0], [14.0, 16.0]])


def test_pooling_symbolic_shapes():
    x = ember.Input(shape=(5, 5, 3))
    assert layers.MaxPooling2D()(x).shape == (None, 2, 2, 3)
    assert layers.MaxPooling2D(padding="same")(x).shape == (None, 3, 3, 3)
    assert layers.AveragePooling2D(3, strides=1)(x).shape == (None, 3, 3, 3)
    y = ember.Input(shape=(None, 4))
    assert layers.MaxPooling1D()(y).shape == (None, None, 4)


def test_pooling_config_defaults():
    config = layers.MaxPooling2D(3).get_config()
    assert config["pool_size"] == (3, 3)
    assert config["strides"] == (3, 3)
    assert config["padding"] == "valid"
    assert config["data_format"] == "channels_last"


def test_pooling_under_jit():
    layer = layers.AveragePooling2D(2, padding="same")
    x = np.random.default_rng(0).normal(size=(2, 5, 5, 3)).astype("float32")
    run = jax.jit(lambda x: layer.stateless_call([], [], x)[0])
    np.testing.assert_allclose(run(x), layer(x), atol=1e-6)


def test_pooling_errors():
    with pytest.raises(ValueError, match="pool_size=0"):
        layers.MaxPooling2D(0)
    with pytest.raises(ValueError, match=r"strides=\(1, 2, 3\)"):
        layers.MaxPooling2D(2, strides=(1, 2, 3))
    with pytest.raises(ValueError, match="padding='full'"):
        layers.AveragePooling1D(2, padding="full")
    with pytest.raises(ValueError, match='"tiny_pool".*pool_size'):
        layers.MaxPooling2D(4, name="tiny_pool")(SMALL)
    with pytest.raises(ValueError, match="rank 4"):
        layers.MaxPooling2D()(np.ones((1, 4, 4), "float32"))
