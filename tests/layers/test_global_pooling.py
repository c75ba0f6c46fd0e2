"""Global pooling layers: hand-computed values, keepdims, masks, errors."""

import numpy as np
import pytest

import ember
from ember import layers

# (batch=1, steps=3, channels=2)
SEQ = np.array([[[1.0, -4.0], [3.0, 2.0], [8.0, 0.0]]], "float32")


def test_global_pooling_1d_hand_computed():
    np.testing.assert_allclose(layers.GlobalMaxPooling1D()(SEQ), [[8.0, 2.0]])
    np.testing.assert_allclose(
        layers.GlobalAveragePooling1D()(SEQ), [[4.0, -2.0 / 3.0]], rtol=1e-6
    )
    out = layers.GlobalAveragePooling1D(keepdims=True)(SEQ)
    assert out.shape == (1, 1, 2)
    channels_first = SEQ.transpose(0, 2, 1)
    np.testing.assert_allclose(
        layers.GlobalMaxPooling1D(data_format="channels_first")(channels_first),
        [[8.0, 2.0]],
    )


def test_global_average_pooling1d_mask():
    mask = np.array([[True, False, True]])
    # Steps 0 and 2 only: (1 + 8) / 2 and (-4 + 0) / 2.
    np.testing.assert_allclose(
        layers.GlobalAveragePooling1D()(SEQ, mask=mask), [[4.5, -2.0]]
    )
    layer = layers.GlobalAveragePooling1D(data_format="channels_first")
    np.testing.assert_allclose(
        layer(SEQ.transpose(0, 2, 1), mask=mask), [[4.5, -2.0]]
    )
    assert layer.supports_masking
    assert layer.compute_mask(SEQ, mask) is None
    assert not layers.GlobalMaxPooling1D().supports_masking


def test_global_pooling_2d_3d():
    x = (
        np.arange(24, dtype="float32")
        .reshape(2, 3, 4)[None]
        .transpose(0, 2, 3, 1)
    )  # (1, 3, 4, 2)
    np.testing.assert_allclose(layers.GlobalMaxPooling2D()(x), [[11.0, 23.0]])
    np.testing.assert_allclose(
        layers.GlobalAveragePooling2D()(x), [[5.5, 17.5]]
    )
    assert layers.GlobalMaxPooling2D(keepdims=True)(x).shape == (1, 1, 1, 2)
    volume = np.ones((2, 3, 4, 5, 6), "float32")
    assert layers.GlobalAveragePooling3D()(volume).shape == (2, 6)
    assert layers.GlobalMaxPooling3D(
        data_format="channels_first", keepdims=True
    )(volume).shape == (2, 3, 1, 1, 1)
    symbolic = layers.GlobalAveragePooling2D()(ember.Input((None, None, 3)))
    assert symbolic.shape == (None, 3)


def test_global_pooling_errors():
    with pytest.raises(
        ValueError, match=r'GlobalMaxPooling2D "g" expected an input of rank 4'
    ):
        layers.GlobalMaxPooling2D(name="g")(SEQ)
    with pytest.raises(ValueError, match="data_format='nhwc'"):
        layers.GlobalAveragePooling2D(data_format="nhwc")
