import keras
import numpy as np
import pytest

import ember

CASES = [
    ("L1", {}),
    ("L1", {"l1": 0.3}),
    ("L2", {}),
    ("L2", {"l2": 0.2}),
    ("L1L2", {}),
    ("L1L2", {"l1": 0.1, "l2": 0.05}),
    ("OrthogonalRegularizer", {}),
    ("OrthogonalRegularizer", {"factor": 0.5, "mode": "columns"}),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_penalty_and_config_equal_keras(name, kwargs):
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    ours = getattr(ember.regularizers, name)(**kwargs)
    theirs = getattr(keras.regularizers, name)(**kwargs)
    expected = theirs(keras.ops.convert_to_tensor(x))
    np.testing.assert_allclose(ours(x), expected, rtol=1e-5, atol=1e-7)
    assert ember.regularizers.serialize(ours) == keras.regularizers.serialize(
        theirs
    )


def test_dense_config_with_regularizer_equals_keras():
    kwargs = {"units": 3, "kernel_regularizer": "l2", "bias_regularizer": "l1"}
    ours = ember.layers.Dense(**kwargs).get_config()
    theirs = keras.layers.Dense(**kwargs).get_config()
    ours.pop("name")
    theirs.pop("name")
    assert ours == theirs
