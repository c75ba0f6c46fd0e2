"""Permute, RepeatVector, cropping, zero padding and up-sampling:
hand-computed values and errors."""

import numpy as np
import pytest

import ember
from ember import layers

SEQ = np.arange(12, dtype="float32").reshape(1, 4, 3)
IMAGE = np.arange(6, dtype="float32").reshape(1, 2, 3, 1)


def test_permute_and_repeat_vector():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    np.testing.assert_array_equal(
        layers.Permute((2, 1))(x), x.transpose(0, 2, 1)
    )
    assert layers.Permute((2, 1))(ember.Input((10, 64))).shape == (None, 64, 10)
    np.testing.assert_array_equal(
        layers.RepeatVector(2)(np.array([[1.0, 2.0]], "float32")),
        [[[1.0, 2.0], [1.0, 2.0]]],
    )
    with pytest.raises(ValueError, match=r"dims=\(1, 3\)"):
        layers.Permute((1, 3))
    with pytest.raises(ValueError, match="n=0"):
        layers.RepeatVector(0)
    with pytest.raises(TypeError, match="n=2.0"):
        layers.RepeatVector(2.0)
    with pytest.raises(
        ValueError, match=r'Permute "p" expected an input of rank 3'
    ):
        layers.Permute((2, 1), name="p")(np.ones((2, 3), "float32"))


def test_cropping_values():
    np.testing.assert_array_equal(layers.Cropping1D((1, 2))(SEQ), SEQ[:, 1:2])
    np.testing.assert_array_equal(layers.Cropping1D(1)(SEQ), SEQ[:, 1:3])
    np.testing.assert_array_equal(
        layers.Cropping2D(((1, 0), (0, 2)))(IMAGE), [[[[3.0]]]]
    )
    chw = IMAGE.transpose(0, 3, 1, 2)
    out = layers.Cropping2D((0, 1), data_format="channels_first")(chw)
    np.testing.assert_array_equal(out, [[[[1.0], [4.0]]]])
    volume = np.arange(27, dtype="float32").reshape(1, 3, 3, 3, 1)
    np.testing.assert_array_equal(layers.Cropping3D()(volume), [[[[[13.0]]]]])


def test_cropping_configs_and_errors():
    assert layers.Cropping2D(2).get_config()["cropping"] == ((2, 2), (2, 2))
    assert layers.Cropping2D((1, 2)).cropping == ((1, 1), (2, 2))
    assert layers.Cropping3D((1, 0, 2)).cropping == ((1, 1), (0, 0), (2, 2))
    with pytest.raises(ValueError, match=r"cropping=-1"):
        layers.Cropping1D(-1)
    with pytest.raises(ValueError, match=r"cropping=\(1, 2, 3\)"):
        layers.Cropping2D((1, 2, 3))
    with pytest.raises(ValueError, match=r'Cropping1D "crop".*\(None, 3, 3\)'):
        layers.Cropping1D((2, 1), name="crop")(ember.Input((3, 3)))


def test_zero_padding_values():
    x = np.array([[[1.0], [2.0]]], "float32")
    np.testing.assert_array_equal(
        layers.ZeroPadding1D((1, 2))(x), [[[0.0], [1.0], [2.0], [0.0], [0.0]]]
    )
    out = layers.ZeroPadding2D(((1, 0), (0, 2)))(IMAGE)
    assert out.shape == (1, 3, 5, 1)
    np.testing.assert_array_equal(out[0, 1:, :3, 0], IMAGE[0, :, :, 0])
    assert float(out.sum()) == float(IMAGE.sum())
    chw = np.ones((1, 2, 3, 3), "float32")
    out = layers.ZeroPadding2D(1, data_format="channels_first")(chw)
    assert out.shape == (1, 2, 5, 5)
    out = layers.ZeroPadding3D((1, 0, 2))(np.ones((1, 2, 2, 2, 1), "float32"))
    assert out.shape == (1, 4, 2, 6, 1)
    with pytest.raises(ValueError, match=r"padding=\(\(1, 2\), 'a'\)"):
        layers.ZeroPadding2D(((1, 2), "a"))


def test_up_sampling_values():
    x = np.array([[[1.0], [2.0]]], "float32")
    np.testing.assert_array_equal(
        layers.UpSampling1D(3)(x), [[[1.0], [1.0], [1.0], [2.0], [2.0], [2.0]]]
    )
    image = np.array([[1.0, 2.0], [3.0, 4.0]], "float32").reshape(1, 2, 2, 1)
    np.testing.assert_array_equal(
        layers.UpSampling2D((1, 2))(image)[0, :, :, 0],
        [[1.0, 1.0, 2.0, 2.0], [3.0, 3.0, 4.0, 4.0]],
    )
    # Bilinear with aligned pixel centers: the first output column sits a
    # quarter pixel left of input column 0 (clamped), the second a quarter
    # pixel right of it: 1 + 0.25 * (2 - 1).
    bilinear = layers.UpSampling2D((1, 2), interpolation="bilinear")(image)
    np.testing.assert_allclose(
        bilinear[0, :, :, 0], [[1.0, 1.25, 1.75, 2.0], [3.0, 3.25, 3.75, 4.0]]
    )
    out = layers.UpSampling3D((1, 2, 3), data_format="channels_first")(
        np.ones((1, 2, 2, 2, 2), "float32")
    )
    assert out.shape == (1, 2, 2, 4, 6)
    assert layers.UpSampling2D(3).get_config()["size"] == (3, 3)
    with pytest.raises(ValueError, match="interpolation='area'"):
        layers.UpSampling2D(interpolation="area")
    with pytest.raises(ValueError, match=r"size=\(2, 0\)"):
        layers.UpSampling2D((2, 0))
    with pytest.raises(ValueError, match="size=0"):
        layers.UpSampling1D(0)
