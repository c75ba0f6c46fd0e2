"""Resizing and CenterCrop: hand-computed values, shapes and errors."""

import numpy as np
import pytest

import ember
from ember import layers

# One 4x4 single-channel image holding 0..15.
IMAGE = np.arange(16.0, dtype="float32").reshape(1, 4, 4, 1)


def test_resizing_nearest_halves():
    out = layers.Resizing(2, 2, interpolation="nearest")(IMAGE)
    np.testing.assert_allclose(out[0, :, :, 0], [[5.0, 7.0], [13.0, 15.0]])


def test_resizing_bilinear_averages_neighbours():
    # Halving samples between pixels: the mean of each 2x2 block.
    out = layers.Resizing(2, 2)(IMAGE)
    np.testing.assert_allclose(out[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])


def test_resizing_crop_to_aspect_ratio_keeps_the_center():
    image = np.arange(8.0, dtype="float32").reshape(1, 2, 4, 1)
    out = layers.Resizing(2, 2, crop_to_aspect_ratio=True)(image)
    np.testing.assert_allclose(out[0, :, :, 0], [[1.0, 2.0], [5.0, 6.0]])


def test_resizing_pad_to_aspect_ratio_fills():
    image = np.ones((1, 2, 4, 1), dtype="float32")
    layer = layers.Resizing(4, 4, pad_to_aspect_ratio=True, fill_value=-1.0)
    out = layer(image)[0, :, :, 0]
    np.testing.assert_allclose(out[0], -1.0)
    np.testing.assert_allclose(out[1:3], 1.0)


def test_resizing_shapes_and_data_formats():
    layer = layers.Resizing(3, 5, data_format="channels_first")
    assert layer(np.ones((2, 4, 8, 8), "float32")).shape == (2, 4, 3, 5)
    assert layer(np.ones((4, 8, 8), "float32")).shape == (4, 3, 5)
    symbolic = layers.Resizing(3, 5)(ember.Input(shape=(None, None, 3)))
    assert symbolic.shape == (None, 3, 5, 3)
    assert (
        layers.Resizing(3, 5)(np.ones((1, 2, 2, 1), "uint8")).dtype == "float32"
    )


def test_center_crop_takes_the_middle():
    out = layers.CenterCrop(2, 2)(IMAGE)
    np.testing.assert_allclose(out[0, :, :, 0], [[5.0, 6.0], [9.0, 10.0]])
    odd = layers.CenterCrop(1, 3)(IMAGE)
    np.testing.assert_allclose(odd[0, :, :, 0], [[4.0, 5.0, 6.0]])


def test_center_crop_upsizes_small_images():
    out = layers.CenterCrop(8, 8)(IMAGE)
    assert out.shape == (1, 8, 8, 1)
    np.testing.assert_allclose(out, layers.Resizing(8, 8)(IMAGE))


def test_argument_and_input_errors():
    with pytest.raises(ValueError, match="height=0"):
        layers.Resizing(0, 2)
    with pytest.raises(ValueError, match="'area'"):
        layers.Resizing(2, 2, interpolation="area")
    with pytest.raises(ValueError, match="only one of"):
        layers.Resizing(
            2, 2, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True
        )
    with pytest.raises(ValueError, match="width=-1"):
        layers.CenterCrop(2, -1)
    with pytest.raises(ValueError, match=r'"crop".*rank at least 3.*\(4, 4\)'):
        layers.CenterCrop(2, 2, name="crop")(np.ones((4, 4), "float32"))
