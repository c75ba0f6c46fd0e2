"""Dropout: identity in inference, scaled random mask in training."""

import jax
import numpy as np
import pytest

import ember
from ember import layers

X = np.ones((50, 40), "float32")


def test_dropout_is_identity_outside_training():
    layer = layers.Dropout(0.5, seed=1)
    np.testing.assert_array_equal(layer(X), X)
    np.testing.assert_array_equal(layer(X, training=False), X)
    np.testing.assert_array_equal(layers.Dropout(0.0)(X, training=True), X)


def test_dropout_zeroes_about_rate_and_scales_the_rest():
    out = np.asarray(layers.Dropout(0.3, seed=1)(X, training=True))
    dropped = np.mean(out == 0)
    assert 0.25 < dropped < 0.35
    np.testing.assert_allclose(out[out != 0], 1 / 0.7, rtol=1e-6)
    np.testing.assert_array_equal(
        layers.Dropout(1.0, seed=1)(X, training=True), np.zeros_like(X)
    )


def test_dropout_same_seed_same_mask_and_fresh_masks_per_call():
    a = layers.Dropout(0.5, seed=7)
    b = layers.Dropout(0.5, seed=7)
    first = a(X, training=True)
    np.testing.assert_array_equal(first, b(X, training=True))
    assert not np.array_equal(first, a(X, training=True))


def test_dropout_noise_shape_broadcasts():
    x = np.ones((4, 6, 5), "float32")
    out = np.asarray(
        layers.Dropout(0.5, noise_shape=(None, 1, 5), seed=3)(x, training=True)
    )
    assert (out == out[:, :1, :]).all()


def test_dropout_under_jit_via_stateless_call():
    layer = layers.Dropout(0.5, seed=11)
    state = [v.value for v in layer.non_trainable_variables]

    @jax.jit
    def run(state, x):
        return layer.stateless_call([], state, x, training=True)

    out, new_state = run(state, X)
    assert not np.array_equal(new_state[0], state[0])
    # The same state gives the same mask as the eager call.
    np.testing.assert_array_equal(out, layer(X, training=True))
    again, _ = run(new_state, X)
    assert not np.array_equal(again, out)


def test_dropout_symbolic_shape_and_config():
    layer = layers.Dropout(0.2, noise_shape=[None, 1], seed=4)
    assert layer(ember.Input(shape=(3,))).shape == (None, 3)
    config = layer.get_config()
    assert (config["rate"], config["seed"]) == (0.2, 4)
    assert config["noise_shape"] == (None, 1)


def test_dropout_errors():
    with pytest.raises(ValueError, match="rate=1.5"):
        layers.Dropout(1.5)
    with pytest.raises(ValueError, match="rate=-0.1"):
        layers.Dropout(-0.1)
    with pytest.raises(ValueError, match="rate='half'"):
        layers.Dropout("half")
    with pytest.raises(ValueError, match="noise_shape='abc'"):
        layers.Dropout(0.5, noise_shape="abc")
    with pytest.raises(ValueError, match=r"noise_shape=\(0, 2\)"):
        layers.Dropout(0.5, noise_shape=(0, 2))


def test_dropout_rate_one_draws_no_key_and_noise_shape_rank_is_checked():
    layer = layers.Dropout(1.0, seed=1)
    state = layer.seed_generator.state.numpy()
    np.testing.assert_array_equal(layer(X, training=True), np.zeros_like(X))
    np.testing.assert_array_equal(layer.seed_generator.state.numpy(), state)
    with pytest.raises(ValueError, match=r'"drop".*noise_shape.*\(50, 40\)'):
        layers.Dropout(0.5, noise_shape=(None,), name="drop")(X, training=True)
