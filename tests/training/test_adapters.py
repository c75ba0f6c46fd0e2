"""Checks of adapt: conversion, length checks, weights, validation split."""

import jax.numpy as jnp
import numpy as np
import pytest

from ember.training.data import adapt
from ember.training.data import check_batch_size
from ember.training.data import class_weight_to_sample_weight
from ember.training.data import split_validation
from ember.training.data import unpack_validation_data


def test_converts_lists_and_jax_arrays_to_numpy():
    data = adapt([[1.0, 2.0], [3.0, 4.0]], jnp.array([0, 1]))
    assert isinstance(data.x, np.ndarray) and data.x.shape == (2, 2)
    assert isinstance(data.y, np.ndarray)
    assert data.sample_weight is None  # steps then see (x, y), as in Keras
    assert data.num_samples == 2


def test_mismatched_lengths_name_both_arrays():
    with pytest.raises(ValueError, match="x has 100 samples but y has 90"):
        adapt(np.zeros((100, 3)), np.zeros(90))


def test_mismatch_inside_dict_names_the_key():
    x = {"a": np.zeros((10, 2)), "b": np.zeros((9, 2))}
    with pytest.raises(ValueError, match=r"x\['b'\] has 9"):
        adapt(x, np.zeros(10))


def test_dict_and_list_structures_are_kept():
    x = {"a": np.zeros((4, 2)), "b": [1, 2, 3, 4]}
    y = [np.zeros(4), np.ones((4, 3))]
    data = adapt(x, y)
    assert set(data.x) == {"a", "b"} and data.x["b"].shape == (4,)
    assert isinstance(data.y, list) and len(data.y) == 2
    weighted = adapt(x, y, sample_weight=np.ones(4))
    assert isinstance(weighted.sample_weight, list)
    assert all(w.shape == (4,) for w in weighted.sample_weight)


def test_single_sample_weight_is_replicated_on_outputs():
    y = {"p": np.zeros(3), "q": np.zeros(3)}
    data = adapt(np.zeros((3, 1)), y, sample_weight=np.array([1.0, 2, 3]))
    np.testing.assert_array_equal(data.sample_weight["q"], [1, 2, 3])


def test_sample_weight_structure_must_match_outputs():
    y = [np.zeros(3), np.zeros(3)]
    with pytest.raises(ValueError, match="one `sample_weight` array per"):
        adapt(np.zeros((3, 1)), y, sample_weight=[np.ones(3)])


@pytest.mark.parametrize("bad", [0, -3, 2.5, "8", True])
def test_batch_size_must_be_positive_int(bad):
    with pytest.raises(ValueError, match=f"received {bad!r}|received {bad}"):
        check_batch_size(bad)


def test_batch_size_default():
    assert check_batch_size(None) == 32


@pytest.mark.parametrize(
    "y",
    [
        np.array([0, 1, 2, 1]),
        np.array([[0], [1], [2], [1]]),
        np.eye(3)[[0, 1, 2, 1]],
    ],
)
def test_class_weight_to_sample_weight(y):
    weights = class_weight_to_sample_weight(y, {0: 0.5, 1: 2.0})
    np.testing.assert_allclose(weights, [0.5, 2.0, 1.0, 2.0])


def test_class_weight_through_adapt_and_conflicts():
    data = adapt(np.zeros((2, 1)), np.array([1, 0]), class_weight={1: 3.0})
    np.testing.assert_allclose(data.sample_weight, [3.0, 1.0])
    with pytest.raises(ValueError, match="not both"):
        adapt(np.zeros(2), np.zeros(2), np.ones(2), class_weight={0: 1.0})
    with pytest.raises(ValueError, match="single output"):
        adapt(np.zeros(2), [np.zeros(2), np.zeros(2)], class_weight={0: 1})


def test_validation_split_takes_the_last_fraction():
    data = adapt(np.arange(10), np.arange(10) * 2, np.arange(10.0))
    train, val = split_validation(data, 0.2)
    np.testing.assert_array_equal(train.x, np.arange(8))
    np.testing.assert_array_equal(val.x, [8, 9])
    np.testing.assert_array_equal(val.y, [16, 18])
    np.testing.assert_array_equal(val.sample_weight, [8.0, 9.0])


@pytest.mark.parametrize("split", [0, 1, 1.5, -0.1, True])
def test_validation_split_range(split):
    with pytest.raises(ValueError, match="0 < validation_split < 1"):
        split_validation(adapt(np.zeros(10)), split)


def test_validation_split_rejects_generators_and_tiny_data():
    with pytest.raises(ValueError, match="in-memory arrays"):
        split_validation(iter([]), 0.5)
    with pytest.raises(ValueError, match="empty"):
        split_validation(adapt(np.zeros(1)), 0.5)


def test_generator_as_x_is_rejected():
    # fit/evaluate route generators to GeneratorIterator before adapt.
    with pytest.raises(TypeError, match="array-like"):
        adapt(i for i in range(3))


def test_unpack_validation_data():
    x, y, sw = unpack_validation_data((1, 2))
    assert (x, y, sw) == (1, 2, None)
    assert unpack_validation_data([1, 2, 3]) == (1, 2, 3)
    with pytest.raises(ValueError, match="tuple of length 1"):
        unpack_validation_data((1,))
    with pytest.raises(ValueError, match="received a ndarray"):
        unpack_validation_data(np.zeros(3))
