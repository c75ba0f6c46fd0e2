import pytest

import ember
from ember import layers


def test_input_returns_a_symbolic_tensor_with_batch_none():
    x = ember.Input(shape=(28, 28, 1))
    assert isinstance(x, ember.KerasTensor)
    assert x.shape == (None, 28, 28, 1)
    assert x.dtype == "float32"
    assert x.name == "input_layer"


def test_batch_size_batch_shape_and_dtype():
    assert ember.Input(shape=(3,), batch_size=8).shape == (8, 3)
    assert ember.Input(batch_shape=(None, None, 4)).shape == (None, None, 4)
    assert ember.Input(shape=(3,), dtype="int32").dtype == "int32"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"shape": 10}, r"must be a tuple such as \(10,\)"),
        ({"shape": (10, -3)}, r"got -3 in shape=\(10, -3\)"),
        ({"shape": (2.5,)}, "got 2.5"),
        ({"shape": "abc"}, "positive ints or None, got 'a'"),
        ({}, "a `shape` .* is required"),
        ({"shape": (3,), "batch_shape": (None, 3)}, "not both"),
    ],
)
def test_bad_shapes_are_reported(kwargs, message):
    with pytest.raises(ValueError, match=message):
        ember.Input(name="pixels", **kwargs)


def test_input_layer_config():
    layer = layers.InputLayer(shape=(4,), name="features")
    assert layer.get_config() == {
        "batch_shape": (None, 4),
        "dtype": "float32",
        "sparse": False,
        "ragged": False,
        "name": "features",
        "optional": False,
    }
