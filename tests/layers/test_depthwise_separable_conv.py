"""DepthwiseConv1D/2D and SeparableConv1D/2D: values, weights and errors."""

import numpy as np
import pytest

import ember
from ember import layers

# 3 steps, 2 channels: channel 0 is 1, 2, 3 and channel 1 is 10, 20, 30.
X = np.array([[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]], "float32")[None]


def test_depthwise_conv1d_convolves_each_channel_alone():
    layer = layers.DepthwiseConv1D(2, bias_initializer="ones")
    layer.build(X.shape)
    assert layer.kernel.shape == (2, 2, 1)
    # Channel 0 sums neighbours, channel 1 takes their difference.
    kernel = np.array([[1.0, 1.0], [1.0, -1.0]], "float32").reshape(2, 2, 1)
    layer.set_weights([kernel, np.array([0.0, 1.0], "float32")])
    np.testing.assert_allclose(layer(X)[0], [[3.0, -9.0], [5.0, -9.0]])


def test_depthwise_multiplier_orders_outputs_by_input_channel():
    layer = layers.DepthwiseConv1D(1, depth_multiplier=2, use_bias=False)
    layer.build(X.shape)
    # Output channel c * 2 + m is input channel c times kernel[0, c, m].
    kernel = np.array([[1.0, 2.0], [3.0, 4.0]], "float32").reshape(1, 2, 2)
    layer.set_weights([kernel])
    out = layer(X)
    assert out.shape == (1, 3, 4)
    np.testing.assert_allclose(out[0, 0], [1.0, 2.0, 30.0, 40.0])


def test_depthwise_conv2d_channels_first_matches_channels_last():
    x = np.random.default_rng(0).normal(size=(2, 6, 6, 3)).astype("float32")
    kwargs = {"kernel_size": 3, "strides": 2, "padding": "same"}
    last = layers.DepthwiseConv2D(depth_multiplier=2, **kwargs)
    first = layers.DepthwiseConv2D(
        depth_multiplier=2, data_format="channels_first", **kwargs
    )
    x_first = np.transpose(x, (0, 3, 1, 2))
    last.build(x.shape)
    first.build(x_first.shape)
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(
        np.transpose(first(x_first), (0, 2, 3, 1)), last(x), atol=1e-5
    )
    assert last.compute_output_shape(x.shape) == (2, 3, 3, 6)


def test_separable_conv1d_is_depthwise_then_pointwise():
    layer = layers.SeparableConv1D(1, 2, bias_initializer="ones")
    layer.build(X.shape)
    names = [v.name for v in layer.weights]
    assert names == ["depthwise_kernel", "pointwise_kernel", "bias"]
    depthwise = np.array([[1.0, 1.0], [1.0, -1.0]], "float32").reshape(2, 2, 1)
    pointwise = np.array([1.0, 2.0], "float32").reshape(1, 2, 1)
    layer.set_weights([depthwise, pointwise, np.array([1.0], "float32")])
    # Depthwise gives [[3, -10], [5, -10]]; then 1*a + 2*b + 1.
    np.testing.assert_allclose(layer(X)[0, :, 0], [-16.0, -14.0])


def test_separable_conv2d_shapes():
    layer = layers.SeparableConv2D(5, 3, depth_multiplier=2, strides=2)
    out = layer(np.ones((2, 7, 7, 3), "float32"))
    assert out.shape == (2, 3, 3, 5)
    assert layer.depthwise_kernel.shape == (3, 3, 3, 2)
    assert layer.pointwise_kernel.shape == (1, 1, 6, 5)
    assert layer.count_params() == 3 * 3 * 3 * 2 + 6 * 5 + 5
    symbolic = layers.SeparableConv2D(5, 3, padding="same")(
        ember.Input(shape=(None, 8, 3))
    )
    assert symbolic.shape == (None, None, 8, 5)


def test_depthwise_separable_mixed_precision():
    layer = layers.SeparableConv2D(2, 2, dtype="mixed_float16")
    out = layer(np.ones((1, 3, 3, 2), "float32"))
    assert out.dtype == "float16"
    assert layer.depthwise_kernel.dtype == "float32"


def test_argument_errors():
    with pytest.raises(ValueError, match="depth_multiplier=0"):
        layers.DepthwiseConv2D(3, depth_multiplier=0)
    with pytest.raises(ValueError, match="filters=-1"):
        layers.SeparableConv1D(-1, 3)
    with pytest.raises(ValueError, match=r"kernel_size=\(1, 2, 3\)"):
        layers.DepthwiseConv2D((1, 2, 3))
    with pytest.raises(ValueError, match="padding='causal'"):
        layers.SeparableConv1D(2, 3, padding="causal")
    with pytest.raises(ValueError, match="dilation_rate"):
        layers.SeparableConv2D(2, 3, strides=2, dilation_rate=2)


def test_input_errors_name_the_layer():
    small = layers.DepthwiseConv2D(5, name="dw")
    with pytest.raises(ValueError, match=r'"dw".*\(1, 3, 3, 2\).*too small'):
        small(np.ones((1, 3, 3, 2), "float32"))
    sep = layers.SeparableConv1D(2, 2, name="sep")
    sep(np.ones((1, 4, 3), "float32"))
    with pytest.raises(ValueError, match=r'"sep".*last dimension 3.*4, 5'):
        sep(np.ones((1, 4, 5), "float32"))
    with pytest.raises(ValueError, match=r'"sep2".*rank 3.*\(4, 3\)'):
        layers.SeparableConv1D(2, 2, name="sep2")(np.ones((4, 3), "float32"))
