"""Flatten: values, channels_first order and shapes."""

import numpy as np
import pytest

import ember
from ember import layers


def test_flatten_keeps_batch_and_row_major_order():
    x = np.arange(24, dtype="float32").reshape(2, 3, 4)
    out = layers.Flatten()(x)
    assert out.shape == (2, 12)
    np.testing.assert_array_equal(out, x.reshape(2, 12))


def test_flatten_channels_first_moves_channels_last():
    x = np.arange(12, dtype="float32").reshape(1, 3, 2, 2)
    out = layers.Flatten(data_format="channels_first")(x)
    np.testing.assert_array_equal(
        out, np.transpose(x, (0, 2, 3, 1)).reshape(1, 12)
    )


def test_flatten_rank_one_adds_a_feature_axis():
    assert layers.Flatten()(np.ones((5,), "float32")).shape == (5, 1)


def test_flatten_symbolic_shapes():
    assert layers.Flatten()(ember.Input(shape=(10, 64))).shape == (None, 640)
    assert layers.Flatten()(ember.Input(shape=(None, 3))).shape == (None, None)
    assert layers.Flatten().compute_output_shape((None, 2, 3)) == (None, 6)


def test_flatten_config_and_errors():
    assert layers.Flatten().get_config()["data_format"] == "channels_last"
    with pytest.raises(ValueError, match="data_format='nhwc'"):
        layers.Flatten(data_format="nhwc")
