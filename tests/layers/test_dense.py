"""Dense: hand-computed outputs, shapes and errors."""

import jax
import numpy as np
import pytest

import ember
from ember import layers


def _dense(**kwargs):
    layer = layers.Dense(2, **kwargs)
    layer.build((None, 3))
    weights = [np.array([[1.0, -1.0], [2.0, 0.0], [0.0, 3.0]], "float32")]
    if layer.use_bias:
        weights.append(np.array([0.5, -10.0], "float32"))
    layer.set_weights(weights)
    return layer


def test_dense_hand_computed():
    x = np.array([[1.0, 2.0, 3.0]], "float32")
    # [1 + 4 + 0, -1 + 0 + 9] + [0.5, -10]
    np.testing.assert_allclose(_dense()(x), [[5.5, -2.0]])
    np.testing.assert_allclose(_dense(use_bias=False)(x), [[5.0, 8.0]])
    np.testing.assert_allclose(_dense(activation="relu")(x), [[5.5, 0.0]])


def test_dense_weights_and_higher_rank_inputs():
    layer = layers.Dense(4)
    out = layer(np.ones((2, 5, 3), "float32"))
    assert out.shape == (2, 5, 4)
    assert [v.shape for v in layer.weights] == [(3, 4), (4,)]
    assert [v.path for v in layer.weights] == ["dense/kernel", "dense/bias"]


def test_dense_symbolic_shape():
    x = ember.Input(shape=(7, 3))
    assert layers.Dense(5)(x).shape == (None, 7, 5)


def test_dense_under_jit():
    layer = _dense(activation="tanh")
    x = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    values = [v.value for v in layer.trainable_variables]
    run = jax.jit(lambda t, x: layer.stateless_call(t, [], x)[0])
    np.testing.assert_allclose(run(values, x), layer(x), atol=1e-6)


def test_dense_errors():
    with pytest.raises(ValueError, match="units=0"):
        layers.Dense(0)
    with pytest.raises(ValueError, match="units=2.5"):
        layers.Dense(2.5)
    layer = layers.Dense(2, name="fixed")
    layer(np.ones((1, 4), "float32"))
    with pytest.raises(
        ValueError, match=r'Dense "fixed".*last dimension 4.*\(1, 5\)'
    ):
        layer(np.ones((1, 5), "float32"))
    with pytest.raises(ValueError, match=r'"fixed".*rank at least 2'):
        layer(np.ones((4,), "float32"))


def test_unknown_activation_or_initializer_names_the_layer_and_suggests():
    with pytest.raises(
        ValueError,
        match=r'Dense "head": invalid `activation`.*Did you mean \'relu\'',
    ):
        layers.Dense(2, activation="rleu", name="head")
    with pytest.raises(
        ValueError,
        match=r"invalid `kernel_initializer`.*Did you mean 'glorot_uniform'",
    ):
        layers.Dense(2, kernel_initializer="glorot_unifrom")
