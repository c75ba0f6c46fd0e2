import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers


class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def build(self, input_shape):
        self.scale = self.add_weight(
            shape=(input_shape[-1],), initializer="ones", name="scale"
        )
        self.count = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="count"
        )

    def call(self, inputs, training=None):
        if training:
            self.count.assign(self.count.value + 1.0)
        return ember.ops.multiply(inputs, self.scale) * self.factor


class Tower(ember.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.scale = Scale(3.0)
        self.blocks = [layers.Dense(4), layers.Dense(2)]

    def call(self, inputs, training=None):
        x = self.scale(inputs, training=training)
        for block in self.blocks:
            x = block(x)
        return x


def test_subclassed_model_builds_on_first_call_and_reports_weights():
    model = Tower()
    assert not model.built
    x = np.ones((2, 3), "float32")
    out = model(x)
    assert out.shape == (2, 2)
    assert model.name == "tower"
    assert [w.path for w in model.weights] == [
        "tower/scale/scale",
        "tower/scale/count",
        "tower/dense/kernel",
        "tower/dense/bias",
        "tower/dense_1/kernel",
        "tower/dense_1/bias",
    ]
    assert [w.name for w in model.trainable_weights] == [
        "scale",
        "kernel",
        "bias",
        "kernel",
        "bias",
    ]
    assert [w.name for w in model.non_trainable_weights] == ["count"]
    assert model.count_params() == 3 + 1 + 16 + 10
    assert [layer.name for layer in model.layers] == [
        "scale",
        "dense",
        "dense_1",
    ]
    dense, dense_1 = model.blocks
    expected = dense_1(dense(x * 3.0))
    np.testing.assert_allclose(out, expected, rtol=1e-6)


def test_training_flag_reaches_nested_layers():
    model = Tower()
    model(np.ones((1, 3)), training=True)
    model(np.ones((1, 3)))
    assert float(model.scale.count.value) == 1.0


def test_trainable_setter_recurses():
    model = Tower()
    model(np.ones((1, 3)))
    model.trainable = False
    assert model.trainable_weights == []
    assert not model.blocks[0].trainable
    assert len(model.non_trainable_weights) == 6
    model.trainable = True
    assert len(model.trainable_weights) == 5


def test_build_with_shape_builds_sublayers():
    model = Tower()
    model.build((None, 5))
    assert model.built
    assert model.count_params() == 5 + 1 + 24 + 10


def test_unbuilt_model_cannot_count_params():
    with pytest.raises(ValueError, match='"tower" is not built'):
        Tower().count_params()


def test_custom_layer_in_functional_model():
    inputs = ember.Input(shape=(3,))
    outputs = Scale(0.5)(inputs)
    model = ember.Model(inputs, outputs)
    np.testing.assert_allclose(model(jnp.ones((2, 3))), np.full((2, 3), 0.5))
    assert Scale(4.0).get_config()["factor"] == 4.0
