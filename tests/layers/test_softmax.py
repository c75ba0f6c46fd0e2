"""Softmax layer: values, axes, masks and errors."""

import numpy as np
import pytest

from ember import layers


def test_softmax_values_and_axes():
    x = np.log(np.array([[1.0, 3.0], [2.0, 2.0]], "float32"))
    np.testing.assert_allclose(layers.Softmax()(x), [[0.25, 0.75], [0.5, 0.5]])
    np.testing.assert_allclose(
        layers.Softmax(axis=0)(x), [[1 / 3, 0.6], [2 / 3, 0.4]], rtol=1e-6
    )
    out = np.asarray(layers.Softmax(axis=[1, 2])(np.zeros((2, 2, 3))))
    np.testing.assert_allclose(out, np.full((2, 2, 3), 1 / 6), rtol=1e-6)


def test_mask_gives_zero_probability_to_masked_entries():
    x = np.array([[5.0, 0.0, 0.0, 1.0]], "float32")
    mask = np.array([[False, True, True, False]])
    out = np.asarray(layers.Softmax()(x, mask=mask))
    np.testing.assert_allclose(out, [[0, 0.5, 0.5, 0]], atol=1e-7)
    numeric = np.asarray(layers.Softmax()(x, mask=mask.astype("float32")))
    np.testing.assert_allclose(numeric, out)


def test_mask_must_broadcast():
    with pytest.raises(ValueError, match=r'Softmax "s".*\(2, 4\).*\(2, 3\)'):
        layers.Softmax(name="s")(np.zeros((2, 4)), mask=np.ones((2, 3), bool))
