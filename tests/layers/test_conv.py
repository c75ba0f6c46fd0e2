"""Conv1D / Conv2D / Conv3D: hand-computed outputs, shapes and errors."""

import jax
import numpy as np
import pytest

import ember
from ember import layers

IMAGE = np.arange(1.0, 10.0, dtype="float32").reshape(1, 3, 3, 1)
KERNEL = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32").reshape(2, 2, 1, 1)


def _conv2d(**kwargs):
    layer = layers.Conv2D(1, 2, **kwargs)
    layer.build(IMAGE.shape)
    weights = [KERNEL]
    if layer.use_bias:
        weights.append(np.array([1.0], dtype="float32"))
    layer.set_weights(weights)
    return layer


def test_conv2d_valid_hand_computed():
    out = _conv2d()(IMAGE)
    # [[1,2],[4,5]]·[[1,2],[3,4]] = 1 + 4 + 12 + 20 = 37, then + bias 1.
    np.testing.assert_allclose(out[0, :, :, 0], [[38.0, 48.0], [68.0, 78.0]])


def test_conv2d_same_pads_bottom_right():
    out = _conv2d(padding="same", use_bias=False)(IMAGE)
    assert out.shape == (1, 3, 3, 1)
    np.testing.assert_allclose(
        out[0, :, :, 0],
        [[37.0, 47.0, 21.0], [67.0, 77.0, 33.0], [23.0, 26.0, 9.0]],
    )


def test_conv2d_strides_and_dilation():
    np.testing.assert_allclose(
        _conv2d(strides=2, use_bias=False)(IMAGE), [[[[37.0]]]]
    )
    # Dilation 2 reads the four corners: 1*1 + 3*2 + 7*3 + 9*4.
    np.testing.assert_allclose(
        _conv2d(dilation_rate=2, use_bias=False)(IMAGE), [[[[64.0]]]]
    )


def test_conv2d_channels_first_matches_channels_last():
    x = np.random.default_rng(0).normal(size=(2, 5, 5, 3)).astype("float32")
    last = layers.Conv2D(4, 3, padding="same")
    first = layers.Conv2D(4, 3, padding="same", data_format="channels_first")
    x_first = np.transpose(x, (0, 3, 1, 2))
    last.build(x.shape)
    first.build(x_first.shape)
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(
        np.transpose(first(x_first), (0, 2, 3, 1)), last(x), atol=1e-5
    )


def test_conv2d_groups_convolve_channels_separately():
    layer = layers.Conv2D(2, 1, groups=2, use_bias=False)
    x = np.array([[[[1.0, 10.0]]]], dtype="float32")
    layer.build(x.shape)
    assert layer.kernel.shape == (1, 1, 1, 2)
    layer.set_weights([np.array([2.0, 3.0], "float32").reshape(1, 1, 1, 2)])
    np.testing.assert_allclose(layer(x), [[[[2.0, 30.0]]]])


def test_conv1d_causal_only_looks_back():
    layer = layers.Conv1D(1, 2, padding="causal", use_bias=False)
    x = np.array([1.0, 2.0, 3.0, 4.0], dtype="float32").reshape(1, 4, 1)
    layer.build(x.shape)
    layer.set_weights([np.array([1.0, 10.0], "float32").reshape(2, 1, 1)])
    np.testing.assert_allclose(layer(x)[0, :, 0], [10.0, 21.0, 32.0, 43.0])


def test_conv3d_shape_and_kernel():
    layer = layers.Conv3D(2, (1, 2, 3))
    out = layer(np.ones((1, 4, 4, 4, 3), "float32"))
    assert out.shape == (1, 4, 3, 2, 2)
    assert layer.kernel.shape == (1, 2, 3, 3, 2)
    assert layer.bias.shape == (2,)


def test_conv_mixed_precision_computes_in_float16():
    layer = layers.Conv2D(2, 2, dtype="mixed_float16")
    out = layer(np.ones((1, 3, 3, 2), "float32"))
    assert out.dtype == "float16"
    assert layer.kernel.dtype == "float32"


def test_conv_symbolic_shapes():
    x = ember.Input(shape=(8, 8, 3))
    assert layers.Conv2D(4, 3, strides=2)(x).shape == (None, 3, 3, 4)
    assert layers.Conv2D(4, 3, padding="same")(x).shape == (None, 8, 8, 4)
    y = ember.Input(shape=(None, None, 3))
    assert layers.Conv2D(4, 3, padding="same", strides=2)(y).shape == (
        None,
        None,
        None,
        4,
    )
    z = ember.Input(shape=(10, 2))
    assert layers.Conv1D(5, 3, dilation_rate=2)(z).shape == (None, 6, 5)


def test_conv_under_jit_via_stateless_call():
    layer = layers.Conv2D(3, 2, activation="relu")
    x = np.random.default_rng(1).normal(size=(2, 4, 4, 2)).astype("float32")
    eager = layer(x)

    @jax.jit
    def run(trainable, non_trainable, x):
        return layer.stateless_call(trainable, non_trainable, x)[0]

    trainable = [v.value for v in layer.trainable_variables]
    np.testing.assert_allclose(run(trainable, [], x), eager, atol=1e-6)


def test_conv_argument_errors():
    with pytest.raises(ValueError, match="filters=3, groups=2"):
        layers.Conv2D(3, 2, groups=2)
    with pytest.raises(ValueError, match="filters=0"):
        layers.Conv2D(0, 2)
    with pytest.raises(ValueError, match=r"kernel_size=\(1, 2, 3\)"):
        layers.Conv2D(2, (1, 2, 3))
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.Conv2D(2, 2, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="padding='causal'"):
        layers.Conv2D(2, 2, padding="causal")


def test_conv_input_errors_name_the_layer():
    layer = layers.Conv2D(4, 2, groups=2, name="grouped")
    with pytest.raises(
        ValueError, match=r'"grouped".*channels \(3\).*groups=2'
    ):
        layer(np.ones((1, 4, 4, 3), "float32"))
    small = layers.Conv2D(1, 5, name="big_kernel")
    with pytest.raises(ValueError, match='"big_kernel".*too small'):
        small(np.ones((1, 3, 3, 1), "float32"))
    built = layers.Conv2D(1, 2, name="built")
    built(np.ones((1, 3, 3, 2), "float32"))
    with pytest.raises(ValueError, match=r'"built".*last dimension 2'):
        built(np.ones((1, 3, 3, 5), "float32"))


def test_conv1d_causal_channels_first_pads_the_time_axis():
    layer = layers.Conv1D(
        1, 2, padding="causal", use_bias=False, data_format="channels_first"
    )
    x = np.array([1.0, 2.0, 3.0, 4.0], dtype="float32").reshape(1, 1, 4)
    layer.build(x.shape)
    layer.set_weights([np.array([1.0, 10.0], "float32").reshape(2, 1, 1)])
    np.testing.assert_allclose(layer(x)[0, 0], [10.0, 21.0, 32.0, 43.0])
