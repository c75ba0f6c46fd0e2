import numpy as np
import pytest

import ember
from ember import layers
from ember import ops


def _founding_mlp():
    inputs = ember.Input(shape=(10,))
    x = layers.Dense(64, activation="relu")(inputs)
    x = layers.Dense(64, activation="relu")(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    return ember.Model(inputs=inputs, outputs=outputs)


def test_founding_mlp_builds_with_keras_names_and_counts():
    model = _founding_mlp()
    assert isinstance(model, ember.models.Functional)
    assert isinstance(model, ember.Model)
    assert model.name == "functional"
    assert [layer.name for layer in model.layers] == [
        "input_layer",
        "dense",
        "dense_1",
        "dense_2",
    ]
    assert model.count_params() == 4929
    assert [w.path for w in model.weights][:2] == ["dense/kernel", "dense/bias"]
    assert model.output_shape == (None, 1)
    assert model(np.ones((3, 10))).shape == (3, 1)


def _two_in_two_out():
    left = ember.Input(shape=(4,), name="left")
    right = ember.Input(shape=(4,), name="right")
    shared = layers.Dense(4, name="shared")
    tower = ember.Sequential(
        [layers.Dense(3, activation="relu"), layers.Dense(2)], name="tower"
    )
    a = shared(left)
    b = shared(right)
    skip = ops.add(a, left)  # a residual skip written with an op
    out_a = tower(skip)
    out_b = layers.Dense(1, name="head")(ops.multiply(b, 2.0))
    model = ember.Model([left, right], [out_a, out_b])
    return model, shared, tower


def test_two_inputs_two_outputs_shared_layer_and_nested_model():
    model, shared, tower = _two_in_two_out()
    x_left = np.random.rand(5, 4).astype("float32")
    x_right = np.random.rand(5, 4).astype("float32")
    out_a, out_b = model([x_left, x_right])
    assert out_a.shape == (5, 2)
    assert out_b.shape == (5, 1)

    # The same computation written by hand with the same layers.
    kernel, bias = shared.get_weights()
    a = x_left @ kernel + bias + x_left
    np.testing.assert_allclose(out_a, tower(a), rtol=1e-5, atol=1e-6)
    head = model.get_layer("head")
    b = (x_right @ kernel + bias) * 2.0
    hk, hb = head.get_weights()
    np.testing.assert_allclose(out_b, b @ hk + hb, rtol=1e-5, atol=1e-6)

    # The shared layer's weights are counted once.
    assert model.count_params() == 20 + (15 + 8) + 5
    assert len(shared._inbound_nodes) == 2


def test_inputs_by_name_in_a_dict():
    model, _, _ = _two_in_two_out()
    x = np.ones((2, 4), "float32")
    by_list = model([x, 2 * x])
    by_name = model({"left": x, "right": 2 * x})
    np.testing.assert_allclose(by_list[0], by_name[0])
    np.testing.assert_allclose(by_list[1], by_name[1])


def test_dict_inputs_and_outputs():
    a = ember.Input(shape=(3,), name="a")
    b = ember.Input(shape=(2,), name="b")
    merged = ops.concatenate([a, b], axis=-1)
    model = ember.Model(
        inputs={"a": a, "b": b},
        outputs={
            "sum": ops.sum(merged, axis=-1),
            "dense": layers.Dense(2)(merged),
        },
    )
    out = model({"a": np.ones((4, 3)), "b": np.ones((4, 2))})
    assert set(out) == {"sum", "dense"}
    np.testing.assert_allclose(out["sum"], np.full((4,), 5.0))
    assert out["dense"].shape == (4, 2)


def test_get_layer_by_name_and_index():
    model = _founding_mlp()
    assert model.get_layer("dense_1") is model.layers[2]
    assert model.get_layer(index=-1).name == "dense_2"
    with pytest.raises(ValueError, match='No layer named "nope".*dense_1'):
        model.get_layer("nope")
    with pytest.raises(ValueError, match="index 9.*only has 4 layers"):
        model.get_layer(index=9)


def test_calling_a_model_on_new_symbolic_inputs_nests_it():
    inner = _founding_mlp()
    outer_in = ember.Input(shape=(10,))
    outer_out = layers.Dense(2)(inner(outer_in))
    outer = ember.Model(outer_in, outer_out)
    assert outer.output_shape == (None, 2)
    assert inner in outer.layers
    x = np.random.rand(3, 10).astype("float32")
    expected = outer.layers[-1](inner(x))
    np.testing.assert_allclose(outer(x), expected, rtol=1e-6)


def test_outputs_not_reachable_from_inputs_name_the_layer():
    a = ember.Input(shape=(3,), name="first")
    b = ember.Input(shape=(3,), name="second")
    out = layers.Dense(1)(ops.add(a, b))
    with pytest.raises(ValueError, match='Graph disconnected.*"second"'):
        ember.Model(inputs=a, outputs=out)


def test_outputs_must_be_symbolic():
    a = ember.Input(shape=(3,))
    with pytest.raises(ValueError, match="must be symbolic tensors"):
        ember.Model(a, np.ones((3,)))


def test_wrong_input_shape_is_reported_with_both_shapes():
    model = _founding_mlp()
    with pytest.raises(
        ValueError, match=r'Functional "functional".*\(None, 10\).*\(2, 7\)'
    ):
        model(np.ones((2, 7)))
