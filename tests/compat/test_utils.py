"""ember.utils' array helpers return what keras.utils returns."""

import re

import jax.numpy as jnp
import keras
import numpy as np
import pytest

import ember

SEQUENCES = [[1, 2, 3], [4, 5], [], [6, 7, 8, 9, 10]]


@pytest.mark.parametrize(
    ("x", "num_classes"),
    [
        ([0, 2, 1], None),
        (np.array([[1], [0], [3]]), 5),
        (np.array([[0, 1], [2, 0]]), 3),
    ],
)
def test_to_categorical(x, num_classes):
    ours = ember.utils.to_categorical(x, num_classes)
    theirs = keras.utils.to_categorical(x, num_classes)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_to_categorical_jax_array():
    x = jnp.array([[2], [0]])
    ours = ember.utils.to_categorical(x, 3)
    theirs = keras.utils.to_categorical(x, 3)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize(
    "x",
    [np.array([[3.0, 4.0], [0.0, 0.0], [1.0, -2.0]]), np.array([3.0, 4.0])],
)
@pytest.mark.parametrize("order", [1, 2])
def test_normalize_numpy(x, order):
    ours = ember.utils.normalize(x, order=order)
    theirs = keras.utils.normalize(x, order=order)
    assert ours.shape == theirs.shape
    np.testing.assert_array_equal(ours, theirs)


def test_normalize_jax_array():
    x = jnp.array([[3.0, 4.0], [1.0, -2.0]])
    np.testing.assert_allclose(
        ember.utils.normalize(x), keras.utils.normalize(x), rtol=1e-6
    )


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"maxlen": 3},
        {"maxlen": 3, "padding": "post", "truncating": "post", "value": -1},
        {"dtype": "float32", "value": 0.5},
        {"maxlen": 6, "padding": "post"},
    ],
)
def test_pad_sequences(kwargs):
    ours = ember.utils.pad_sequences(SEQUENCES, **kwargs)
    theirs = keras.utils.pad_sequences(SEQUENCES, **kwargs)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_progbar_verbose_2_text_matches_keras(capsys):
    for lib in (ember, keras):
        bar = lib.utils.Progbar(3, verbose=2, stateful_metrics=["acc"])
        for i in range(3):
            bar.update(i + 1, [("loss", float(i)), ("acc", 0.25 * i)])
    ours, theirs = capsys.readouterr().out.splitlines()
    timing = r"\d+(s|ms|us)/step"
    # Same text once the measured times are masked.
    assert re.sub(timing, "T", ours) == re.sub(timing, "T", theirs)
