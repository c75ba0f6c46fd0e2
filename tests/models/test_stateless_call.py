import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers


def _values(variables):
    return [v.value for v in variables]


def _model():
    inputs = ember.Input(shape=(3,))
    x = layers.Dense(4, activation="tanh")(inputs)
    outputs = layers.Dense(2)(x)
    return ember.Model(inputs, outputs)


def test_stateless_call_under_jit_matches_the_eager_call():
    model = _model()
    x = np.random.rand(5, 3).astype("float32")

    @jax.jit
    def forward(trainable, non_trainable, x):
        return model.stateless_call(trainable, non_trainable, x)[0]

    out = forward(
        _values(model.trainable_variables),
        _values(model.non_trainable_variables),
        x,
    )
    np.testing.assert_allclose(out, model(x), rtol=1e-6, atol=1e-6)


def test_stateless_call_uses_the_given_values_not_the_variables():
    model = _model()
    zeros = [jnp.zeros_like(v) for v in _values(model.trainable_variables)]
    out, _ = model.stateless_call(zeros, [], np.ones((2, 3)))
    np.testing.assert_array_equal(out, np.zeros((2, 2)))
    assert float(jnp.abs(model.weights[0].value).sum()) > 0


def test_gradient_through_stateless_call_is_the_hand_computed_one():
    inputs = ember.Input(shape=(3,))
    dense = layers.Dense(2)
    model = ember.Model(inputs, dense(inputs))
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], "float32")

    def loss(trainable):
        out, _ = model.stateless_call(trainable, [], x)
        return jnp.sum(out)

    grads = jax.jit(jax.grad(loss))(_values(model.trainable_variables))
    # d sum(x @ W + b) / dW = x^T @ ones; / db = batch size.
    np.testing.assert_allclose(grads[0], x.T @ np.ones((2, 2)))
    np.testing.assert_allclose(grads[1], [2.0, 2.0])


class Counter(layers.Layer):
    def build(self, input_shape):
        self.total = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="total"
        )

    def call(self, inputs):
        self.total.assign(self.total.value + jnp.sum(inputs))
        return inputs


def test_non_trainable_updates_are_returned_not_written():
    layer = Counter()
    layer(np.zeros((1, 2)))
    out, (total,) = jax.jit(lambda nt, x: layer.stateless_call([], nt, x))(
        [jnp.array(1.0)], np.ones((2, 2), "float32")
    )
    assert float(total) == 5.0
    assert float(layer.total.value) == 0.0


def test_wrong_number_of_values_is_an_error():
    model = _model()
    with pytest.raises(
        ValueError,
        match="has 4 trainable_variables, but stateless_call received 0",
    ):
        model.stateless_call([], [], np.ones((1, 3)))
