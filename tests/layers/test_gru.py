"""GRU and GRUCell: both reset_after conventions by hand, weights."""

import math

import numpy as np
import pytest

from ember import layers


@pytest.mark.parametrize(
    "reset_after, bias_shape", [(True, (2, 9)), (False, (9,))]
)
def test_weight_shapes(reset_after, bias_shape):
    layer = layers.GRU(3, reset_after=reset_after, name="gru")
    layer(np.ones((2, 4, 2), "float32"))
    assert [(v.path, v.shape) for v in layer.weights] == [
        ("gru/gru_cell/kernel", (2, 9)),
        ("gru/gru_cell/recurrent_kernel", (3, 9)),
        ("gru/gru_cell/bias", bias_shape),
    ]


def test_two_steps_by_hand_reset_after():
    # Zero kernels, input bias (z, r, h) = (0, 0, 1): z = 0.5.
    layer = layers.GRU(1, return_sequences=True)
    x = np.zeros((1, 2, 1), "float32")
    layer.build(x.shape)
    bias = np.array([[0, 0, 1.0], [0, 0, 0]])
    layer.set_weights([np.zeros((1, 3)), np.zeros((1, 3)), bias])
    h1 = 0.5 * math.tanh(1.0)
    h2 = 0.5 * h1 + 0.5 * math.tanh(1.0)
    np.testing.assert_allclose(
        np.asarray(layer(x))[0, :, 0], [h1, h2], rtol=1e-6
    )


def test_reset_before_and_after_differ_as_defined():
    # Recurrent kernel only on the candidate; bias only on the recurrent
    # candidate part (reset_after) or nowhere (reset_before).
    x = np.zeros((1, 1, 1), "float32")
    h0 = np.array([[2.0]], "float32")
    kernel = np.zeros((1, 3))
    recurrent = np.array([[0.0, 0.0, 1.0]])
    after = layers.GRU(1, reset_after=True)
    after.build(x.shape)
    after.set_weights([kernel, recurrent, np.zeros((2, 3))])
    before = layers.GRU(1, reset_after=False)
    before.build(x.shape)
    before.set_weights([kernel, recurrent, np.zeros(3)])
    # z = r = 0.5. After: tanh(r * (h @ R)) = tanh(1); before:
    # tanh((r * h) @ R) = tanh(1) too; h = 0.5 * 2 + 0.5 * tanh(1).
    expected = 1.0 + 0.5 * math.tanh(1.0)
    np.testing.assert_allclose(after(x, initial_state=h0), [[expected]])
    np.testing.assert_allclose(before(x, initial_state=h0), [[expected]])


def test_reset_after_applies_recurrent_bias_inside_the_reset():
    x = np.zeros((1, 1, 1), "float32")
    layer = layers.GRU(1, reset_after=True)
    layer.build(x.shape)
    bias = np.array([[0, 0, 0], [0, 0, 2.0]])
    layer.set_weights([np.zeros((1, 3)), np.zeros((1, 3)), bias])
    # candidate = tanh(0 + r * 2) with r = 0.5; h = 0.5 * tanh(1).
    np.testing.assert_allclose(layer(x), [[0.5 * math.tanh(1.0)]], rtol=1e-6)


def test_unroll_equals_scan():
    x = np.random.default_rng(1).normal(size=(2, 5, 3)).astype("float32")
    scan = layers.GRU(2, return_sequences=True)
    unrolled = layers.GRU(2, return_sequences=True, unroll=True)
    scan(x)
    unrolled(x)
    unrolled.set_weights(scan.get_weights())
    np.testing.assert_allclose(unrolled(x), scan(x), rtol=1e-6, atol=1e-7)
