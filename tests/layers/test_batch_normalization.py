"""BatchNormalization: hand-computed statistics, moving averages, frozen
layers, pure calls and errors."""

import jax
import numpy as np
import pytest

import ember
from ember import layers

X = np.array([[0.0, 2.0], [4.0, 6.0]], "float32")  # mean [2, 4], var [4, 4]


def test_training_normalizes_with_batch_statistics_and_moves_averages():
    layer = layers.BatchNormalization(momentum=0.9, epsilon=0.0)
    out = layer(X, training=True)
    np.testing.assert_allclose(out, [[-1.0, -1.0], [1.0, 1.0]], atol=1e-6)
    np.testing.assert_allclose(layer.moving_mean.numpy(), [0.2, 0.4])
    # 0.9 * 1 + 0.1 * 4
    np.testing.assert_allclose(layer.moving_variance.numpy(), [1.3, 1.3])


def test_inference_uses_moving_statistics_gamma_and_beta():
    layer = layers.BatchNormalization(epsilon=0.0)
    layer.build((None, 2))
    # Keras' order: gamma, beta, moving_mean, moving_variance.
    layer.set_weights(
        [
            np.array([2.0, 1.0], "float32"),
            np.array([0.0, 1.0], "float32"),
            np.array([1.0, 2.0], "float32"),
            np.array([4.0, 16.0], "float32"),
        ]
    )
    expected = [[2 * (0 - 1) / 2, (2 - 2) / 4 + 1], [2 * (4 - 1) / 2, 2.0]]
    np.testing.assert_allclose(layer(X), expected, atol=1e-6)
    np.testing.assert_allclose(layer(X, training=False), expected, atol=1e-6)
    np.testing.assert_allclose(layer.moving_mean.numpy(), [1.0, 2.0])


def test_weights_names_order_and_trainability():
    layer = layers.BatchNormalization(name="bn")
    layer(np.ones((2, 3, 4), "float32"))
    assert [v.path for v in layer.weights] == [
        "bn/gamma",
        "bn/beta",
        "bn/moving_mean",
        "bn/moving_variance",
    ]
    assert [v.shape for v in layer.weights] == [(4,)] * 4
    assert len(layer.trainable_weights) == 2
    assert len(layer.non_trainable_weights) == 2
    plain = layers.BatchNormalization(center=False, scale=False)
    plain(np.ones((2, 3), "float32"))
    assert [v.name for v in plain.weights] == ["moving_mean", "moving_variance"]


def test_channels_first_axis():
    x = np.random.default_rng(0).normal(size=(4, 3, 2, 2)).astype("float32")
    layer = layers.BatchNormalization(axis=1, epsilon=0.0)
    out = np.asarray(layer(x, training=True))
    assert layer.moving_mean.shape == (3,)
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-5)
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), 1, atol=1e-4)


def test_frozen_layer_runs_in_inference_mode():
    layer = layers.BatchNormalization(trainable=False, epsilon=0.0)
    out = layer(X, training=True)
    np.testing.assert_allclose(out, X, atol=1e-6)  # moving stats 0 and 1
    np.testing.assert_allclose(layer.moving_mean.numpy(), [0.0, 0.0])
    assert layer.trainable_weights == []
    assert all(not v.trainable for v in layer.weights)
    layer.trainable = True
    layer(X, training=True)
    assert not np.allclose(layer.moving_mean.numpy(), 0)


def test_stateless_call_returns_new_statistics_under_jit():
    layer = layers.BatchNormalization(momentum=0.5)
    layer.build(X.shape)
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]

    @jax.jit
    def run(trainable, non_trainable, x):
        return layer.stateless_call(trainable, non_trainable, x, training=True)

    _, (mean, variance) = run(trainable, non_trainable, X)
    np.testing.assert_allclose(mean, [1.0, 2.0])
    np.testing.assert_allclose(variance, [2.5, 2.5])
    # The layer's own variables are untouched.
    np.testing.assert_allclose(layer.moving_mean.numpy(), [0.0, 0.0])


def test_symbolic_call_does_not_move_statistics():
    layer = layers.BatchNormalization()
    out = layer(ember.Input(shape=(5, 2)), training=True)
    assert out.shape == (None, 5, 2)
    np.testing.assert_allclose(layer.moving_mean.numpy(), [0.0, 0.0])


def test_mask_leaves_out_masked_steps():
    x = np.array([[[1.0], [3.0], [100.0]]], "float32")
    mask = np.array([[True, True, False]])
    layer = layers.BatchNormalization(momentum=0.0, epsilon=0.0)
    layer(x, training=True, mask=mask)
    np.testing.assert_allclose(layer.moving_mean.numpy(), [2.0], rtol=1e-5)
    np.testing.assert_allclose(layer.moving_variance.numpy(), [1.0], rtol=1e-5)


def test_renorm_creates_keras_statistics():
    layer = layers.BatchNormalization(renorm=True, name="bn")
    layer(X, training=True)
    assert [v.name for v in layer.weights] == [
        "gamma",
        "beta",
        "moving_mean",
        "moving_variance",
        "moving_stddev",
        "renorm_mean",
        "renorm_stddev",
    ]


def test_config_round_trip():
    layer = layers.BatchNormalization(
        axis=1, momentum=0.5, center=False, gamma_regularizer="l2"
    )
    config = layer.get_config()
    assert (config["axis"], config["momentum"], config["center"]) == (
        1,
        0.5,
        False,
    )
    assert layers.BatchNormalization.from_config(config).get_config() == config


def test_errors_name_the_layer_and_the_shapes():
    layer = layers.BatchNormalization(axis=3, name="bn")
    with pytest.raises(
        ValueError, match=r'BatchNormalization "bn".*axis 3.*\(2, 3\)'
    ):
        layer(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r'"bn".*axis 3.*\(None, 3\)'):
        layer.compute_output_shape((None, 3))
    with pytest.raises(TypeError, match="axis"):
        layers.BatchNormalization(axis=[1, 2])
    with pytest.raises(ValueError, match="synchronized"):
        layers.BatchNormalization(synchronized=True)
    with pytest.raises(ValueError, match="renorm_clipping"):
        layers.BatchNormalization(renorm=True, renorm_clipping={"r": 1})
    built = layers.BatchNormalization(name="bn2")
    built(np.ones((2, 3), "float32"))
    with pytest.raises(ValueError, match=r'"bn2".*last dimension 3.*\(2, 4\)'):
        built(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match=r'"bn2".*mask.*\(2, 3\)'):
        built(np.ones((2, 3), "float32"), mask=np.ones((2, 3), bool))
