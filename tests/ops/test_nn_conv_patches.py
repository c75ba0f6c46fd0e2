"""The patch form of small CPU convolutions equals XLA's convolution."""

import jax
import numpy as np
import pytest
from jax import lax

import ember
from ember.ops import nn_conv
from ember.ops import nn_conv_patches
from ember.ops.nn_conv_patches import gradient_convolutions
from ember.ops.nn_conv_patches import patch_convolve
from ember.ops.nn_conv_patches import use_patches


def _xla(x, kernel, strides, padding):
    rank = x.ndim - 2
    spatial = "DHW"[-rank:]
    numbers = (f"N{spatial}C", f"{spatial}IO", f"N{spatial}C")
    return lax.conv_general_dilated(
        x, kernel, strides, padding, dimension_numbers=numbers
    )


CASES = [
    # (input shape, kernel shape, strides, padding)
    ((2, 9, 1), (3, 1, 4), (1,), "VALID"),
    ((2, 10, 3), (4, 3, 2), (3,), "SAME"),
    ((2, 7, 8, 1), (3, 3, 1, 5), (1, 1), "VALID"),
    ((2, 7, 8, 3), (3, 3, 3, 4), (2, 1), "SAME"),
    ((1, 6, 6, 2), (2, 2, 2, 3), (2, 2), "SAME"),
    ((3, 5, 5, 1), (5, 5, 1, 2), (1, 1), "SAME"),
    ((1, 5, 6, 4, 1), (3, 2, 2, 1, 2), (1, 2, 1), "VALID"),
    ((2, 4, 4, 32), (1, 1, 32, 3), (1, 1), "VALID"),
]


@pytest.mark.parametrize(("shape", "kernel_shape", "strides", "padding"), CASES)
def test_outputs_and_gradients_equal_xla(shape, kernel_shape, strides, padding):
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype("float32")
    kernel = rng.normal(size=kernel_shape).astype("float32")
    ours = patch_convolve(x, kernel, strides, padding)
    theirs = _xla(x, kernel, strides, padding)
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)

    def loss(conv):
        return lambda x, k: (conv(x, k, strides, padding) ** 2).sum()

    ours = jax.grad(loss(patch_convolve), argnums=(0, 1))(x, kernel)
    theirs = jax.grad(loss(_xla), argnums=(0, 1))(x, kernel)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-4)


def test_too_small_an_input_gives_an_empty_output():
    x, kernel = (
        np.ones((2, 2, 2, 1), "float32"),
        np.ones((3, 3, 1, 4), "float32"),
    )
    assert patch_convolve(x, kernel, (1, 1), "VALID").shape == (2, 0, 0, 4)


def test_only_small_ungrouped_undilated_channels_last_patches():
    x = np.ones((1, 8, 8, 3), "float32")
    small = np.ones((3, 3, 3, 8), "float32")  # 27 values a patch
    large = np.ones((3, 3, 4, 8), "float32")  # 36
    assert nn_conv_patches.PATCH_LIMIT == 32
    with gradient_convolutions():
        assert use_patches(x, small, "channels_last", (1, 1), 1)
        assert not use_patches(x, large, "channels_last", (1, 1), 1)
        assert not use_patches(x, small, "channels_first", (1, 1), 1)
        assert not use_patches(x, small, "channels_last", (2, 1), 1)
        assert not use_patches(x, small, "channels_last", (1, 1), 3)
    # Outside the train step's gradients: XLA's (faster) forward.
    assert not use_patches(x, small, "channels_last", (1, 1), 1)


def test_accelerators_keep_their_own_convolution(monkeypatch):
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    x, kernel = np.ones((1, 8, 8, 1), "float32"), np.ones((3, 3, 1, 8))
    with gradient_convolutions():
        assert not use_patches(x, kernel, "channels_last", (1, 1), 1)


def _cnn():
    model = ember.Sequential(
        [
            ember.Input((8, 8, 1)),
            ember.layers.Conv2D(4, 3, activation="relu"),
            ember.layers.Flatten(),
            ember.layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def test_fit_traces_the_patch_form_and_predict_does_not(monkeypatch):
    traced = []

    def counted(*args):
        traced.append(args[0].shape)
        return patch_convolve(*args)

    monkeypatch.setattr(nn_conv, "patch_convolve", counted)
    model = _cnn()
    x = np.random.default_rng(1).normal(size=(16, 8, 8, 1)).astype("float32")
    y = x.sum(axis=(1, 2))
    reference = _cnn()
    reference.set_weights(model.get_weights())
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    assert traced  # the train step ran the patch form
    count = len(traced)
    model.predict(x, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert len(traced) == count
    # The same training through XLA's convolution.
    monkeypatch.setattr(nn_conv_patches, "PATCH_LIMIT", 0)
    reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    for ours, theirs in zip(
        model.get_weights(), reference.get_weights(), strict=True
    ):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
