import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers


class Probe(layers.Layer):
    """Records what `call` received."""

    def call(self, inputs, training=None):
        self.seen_training = training
        return inputs


def test_automatic_names_are_unique_and_snake_case():
    names = [layers.Dense(1).name, layers.Dense(1).name, Probe().name]
    assert names == ["dense", "dense_1", "probe"]


def test_unknown_constructor_keyword_is_refused():
    with pytest.raises(ValueError, match=r"Dense: \['unitz'\]"):
        layers.Dense(1, unitz=3)


def test_invalid_name_is_refused():
    with pytest.raises(ValueError, match="without '/'"):
        layers.Dense(1, name="a/b")


def test_numpy_float64_inputs_are_cast_to_the_compute_dtype():
    layer = Probe()
    out = layer(np.ones((2, 2), dtype="float64"))
    assert out.dtype == jnp.float32
    int_out = layer(np.ones((2, 2), dtype="int32"))
    assert int_out.dtype == jnp.int32


def test_training_resolution_explicit_then_outer_then_default():
    inner = Probe()

    class Outer(layers.Layer):
        def call(self, inputs, training=None):
            return inner(inputs)

    outer = Outer()
    outer(np.ones((1,)), training=True)
    assert inner.seen_training is True
    inner(np.ones((1,)))
    assert inner.seen_training is None
    inner(np.ones((1,)), training=False)
    assert inner.seen_training is False


def test_build_receives_the_input_shape_once():
    shapes = []

    class Recorder(layers.Layer):
        def build(self, input_shape):
            shapes.append(input_shape)

        def call(self, inputs):
            return inputs

    layer = Recorder()
    layer(np.ones((4, 3)))
    layer(np.ones((2, 3)))
    assert shapes == [(4, 3)]
    assert layer.built


def test_symbolic_call_builds_from_the_symbolic_shape():
    dense = layers.Dense(5)
    out = dense(ember.Input(shape=(7,)))
    assert out.shape == (None, 5)
    assert dense.kernel.shape == (7, 5)
    assert dense.output is out


def test_dense_wrong_last_dimension_names_layer_and_shapes():
    dense = layers.Dense(3, name="dense_2")
    dense(ember.Input(shape=(64,)))
    with pytest.raises(
        ValueError,
        match=r'Dense "dense_2" expected an input with last dimension 64, '
        r"got \(None, 32\)",
    ):
        dense(ember.Input(shape=(32,)))


def test_set_weights_checks_count_and_shapes_before_changing_anything():
    dense = layers.Dense(2)
    dense(np.ones((1, 3)))
    before = dense.get_weights()
    with pytest.raises(ValueError, match="expects 2 weights"):
        dense.set_weights([np.zeros((3, 2))])
    with pytest.raises(
        ValueError, match=r"'dense/bias' has shape \(2,\).*\(2, 2\)"
    ):
        dense.set_weights([np.zeros((3, 2)), np.zeros((2, 2))])
    for old, new in zip(before, dense.get_weights(), strict=True):
        np.testing.assert_array_equal(old, new)


def test_compute_output_shape_by_tracing():
    layer = Probe()
    assert layer.compute_output_shape((None, 3, 2)) == (None, 3, 2)
    assert layers.Dense(4).compute_output_shape((None, 9)) == (None, 4)


def test_config_round_trip_of_a_custom_layer():
    class Scaled(layers.Layer):
        def __init__(self, factor, **kwargs):
            super().__init__(**kwargs)
            self.factor = factor

        def call(self, inputs):
            return inputs * self.factor

    layer = Scaled(3.0, name="scaled", trainable=False)
    config = layer.get_config()
    assert config["factor"] == 3.0
    assert config["trainable"] is False
    clone = Scaled.from_config(config)
    assert clone.name == "scaled" and clone.factor == 3.0


def test_a_frozen_layer_creates_frozen_weights_until_it_thaws():
    model = ember.Sequential(
        [
            ember.Input(shape=(3,)),
            ember.layers.Dense(2, trainable=False),
            ember.layers.Dense(1),
        ]
    )
    assert len(model.trainable_variables) == 2
    assert len(model.non_trainable_variables) == 2
    model.layers[0].trainable = True
    assert len(model.trainable_variables) == 4
