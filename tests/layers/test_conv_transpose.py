"""Conv1DTranspose / Conv2DTranspose / Conv3DTranspose: values and errors."""

import jax
import numpy as np
import pytest

import ember
from ember import layers

X = np.array([1.0, 2.0, 3.0], dtype="float32").reshape(1, 3, 1)
KERNEL = np.array([1.0, 10.0], dtype="float32").reshape(2, 1, 1)


def _transpose1d(**kwargs):
    layer = layers.Conv1DTranspose(1, 2, use_bias=False, **kwargs)
    layer.build(X.shape)
    layer.set_weights([KERNEL])
    return layer


@pytest.mark.parametrize(
    "kwargs, expected",
    [
        # Each input value stamps a scaled copy of the kernel, `strides`
        # apart; overlapping stamps add up.
        ({"strides": 2}, [1, 10, 2, 20, 3, 30]),
        ({"strides": 1}, [1, 12, 23, 30]),
        ({"strides": 1, "padding": "same"}, [1, 12, 23]),
        ({"strides": 2, "padding": "same"}, [1, 10, 2, 20, 3, 30]),
        # output_padding adds positions at the end.
        ({"strides": 2, "output_padding": 1}, [1, 10, 2, 20, 3, 30, 0]),
        (
            {"strides": 3, "output_padding": 2},
            [1, 10, 0, 2, 20, 0, 3, 30, 0, 0],
        ),
        (
            {"strides": 2, "padding": "same", "output_padding": 1},
            [1, 10, 2, 20, 3],
        ),
    ],
)
def test_conv1d_transpose_hand_computed(kwargs, expected):
    layer = _transpose1d(**kwargs)
    out = layer(X)
    np.testing.assert_allclose(out[0, :, 0], expected)
    assert layer.compute_output_shape(X.shape) == out.shape


def test_conv2d_transpose_bias_and_channels_first():
    x = np.random.default_rng(0).normal(size=(2, 3, 4, 2)).astype("float32")
    last = layers.Conv2DTranspose(3, 3, strides=2, bias_initializer="ones")
    first = layers.Conv2DTranspose(
        3, 3, strides=2, bias_initializer="ones", data_format="channels_first"
    )
    x_first = np.transpose(x, (0, 3, 1, 2))
    last.build(x.shape)
    first.build(x_first.shape)
    assert last.kernel.shape == (3, 3, 3, 2)
    first.set_weights(last.get_weights())
    out = last(x)
    assert out.shape == (2, 7, 9, 3)
    np.testing.assert_allclose(
        np.transpose(first(x_first), (0, 2, 3, 1)), out, atol=1e-5
    )


def test_conv3d_transpose_shapes():
    layer = layers.Conv3DTranspose(2, (1, 2, 3), strides=(1, 2, 3))
    out = layer(np.ones((1, 2, 3, 4, 5), "float32"))
    assert out.shape == (1, 2, 6, 12, 2)
    assert layer.kernel.shape == (1, 2, 3, 2, 5)


def test_conv_transpose_symbolic_shapes():
    x = ember.Input(shape=(None, 4))
    assert layers.Conv1DTranspose(2, 3, strides=2)(x).shape == (None, None, 2)
    y = ember.Input(shape=(5, 6, 1))
    out = layers.Conv2DTranspose(
        2, 3, strides=2, padding="same", output_padding=1
    )(y)
    assert out.shape == (None, 10, 12, 2)


def test_conv_transpose_under_jit():
    layer = layers.Conv2DTranspose(2, 2, strides=2, activation="relu")
    x = np.random.default_rng(1).normal(size=(2, 3, 3, 2)).astype("float32")
    eager = layer(x)

    @jax.jit
    def run(trainable, x):
        return layer.stateless_call(trainable, [], x)[0]

    trainable = [v.value for v in layer.trainable_variables]
    np.testing.assert_allclose(run(trainable, x), eager, atol=1e-6)


def test_conv_transpose_argument_errors():
    with pytest.raises(
        ValueError, match="output_padding is 2 and strides is 2"
    ):
        layers.Conv2DTranspose(2, 3, strides=2, output_padding=2)
    with pytest.raises(
        ValueError, match="output_padding is 1 and strides is 1"
    ):
        layers.Conv1DTranspose(2, 3, output_padding=1)
    with pytest.raises(ValueError, match="output_padding=-1"):
        layers.Conv1DTranspose(2, 3, strides=2, output_padding=-1)
    with pytest.raises(ValueError, match="filters=0"):
        layers.Conv2DTranspose(0, 3)
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.Conv2DTranspose(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="padding='causal'"):
        layers.Conv1DTranspose(2, 3, padding="causal")


def test_conv_transpose_input_errors_name_the_layer():
    layer = layers.Conv2DTranspose(2, 3, name="up")
    with pytest.raises(ValueError, match=r'"up".*rank 4.*\(4, 4, 3\)'):
        layer(np.ones((4, 4, 3), "float32"))
    layer(np.ones((1, 4, 4, 3), "float32"))
    with pytest.raises(ValueError, match=r'"up".*last dimension 3.*4, 4, 1'):
        layer(np.ones((1, 4, 4, 1), "float32"))
