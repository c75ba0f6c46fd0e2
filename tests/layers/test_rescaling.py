"""Rescaling: scale and offset, dtypes, config."""

import numpy as np

import ember
from ember import layers


def test_scale_and_offset():
    layer = layers.Rescaling(1 / 127.5, offset=-1.0)
    out = layer(np.array([[0.0, 127.5, 255.0]], "float32"))
    np.testing.assert_allclose(out, [[-1.0, 0.0, 1.0]])


def test_integer_images_become_floats():
    out = layers.Rescaling(0.5)(np.array([[2, 4]], dtype="uint8"))
    assert out.dtype == "float32"
    np.testing.assert_allclose(out, [[1.0, 2.0]])


def test_per_channel_scale():
    layer = layers.Rescaling([1.0, 10.0])
    np.testing.assert_allclose(
        layer(np.ones((1, 2, 2), "float32"))[0, 0], [1, 10]
    )


def test_channels_first_per_channel_scale():
    ember.config.set_image_data_format("channels_first")
    try:
        out = layers.Rescaling([1.0, 10.0])(np.ones((1, 2, 3, 3), "float32"))
    finally:
        ember.config.set_image_data_format("channels_last")
    np.testing.assert_allclose(out[0, :, 0, 0], [1.0, 10.0])


def test_config_and_shape():
    layer = layers.Rescaling(np.array([0.5, 2.0]), offset=1.0)
    config = layer.get_config()
    assert config["scale"] == [0.5, 2.0]
    assert layers.Rescaling.from_config(config).get_config() == config
    assert layer.compute_output_shape((None, 3, 2)) == (None, 3, 2)
