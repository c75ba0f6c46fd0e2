import numpy as np
import pytest

import ember
from ember import layers


def test_input_shape_on_the_first_layer_builds_at_once():
    model = ember.Sequential(
        [layers.Dense(4, input_shape=(3,)), layers.Dense(2)]
    )
    assert model.built
    assert model.name == "sequential"
    assert [layer.name for layer in model.layers] == ["dense", "dense_1"]
    assert model.output_shape == (None, 2)
    assert model.weights[0].path == "sequential/dense/kernel"
    assert model.count_params() == 16 + 10


def test_input_first_then_add_and_pop():
    model = ember.Sequential([ember.Input(shape=(5,))])
    assert not model.built
    model.add(layers.Dense(3))
    assert model.built and model.output_shape == (None, 3)
    model.add(layers.Dense(1))
    assert model.output_shape == (None, 1)
    popped = model.pop()
    assert popped.name == "dense_1"
    assert model.output_shape == (None, 3)
    assert len(model.layers) == 1


def test_built_on_first_call_keeps_the_batch_open():
    model = ember.Sequential([layers.Dense(4), layers.Dense(2)])
    assert not model.built
    x = np.ones((7, 3), "float32")
    out = model(x)
    assert out.shape == (7, 2)
    assert model.input_shape == (None, 3)
    assert model(np.ones((2, 3))).shape == (2, 2)
    first, second = model.layers
    np.testing.assert_allclose(out, second(first(x)), rtol=1e-6)


def test_build_with_an_input_shape():
    model = ember.Sequential([layers.Dense(4), layers.Dense(2)])
    model.build((None, 6))
    assert model.count_params() == 28 + 10


def test_only_layers_can_be_added():
    model = ember.Sequential()
    with pytest.raises(ValueError, match="Only instances of `ember.layers"):
        model.add("dense")


def test_duplicate_layer_names_are_refused():
    model = ember.Sequential([layers.Dense(2, name="d")])
    with pytest.raises(ValueError, match='already has a layer named "d"'):
        model.add(layers.Dense(2, name="d"))
