"""SimpleRNN: hand-computed steps, masks, go_backwards, stateful, dropout."""

import numpy as np
import pytest

import ember
from ember import layers

# One feature, one unit, linear: h_t = x_t * 1 + h_{t-1} * 0.5 + 0.1.
X = np.array([[[1.0], [2.0], [3.0]]], "float32")
WEIGHTS = [np.array([[1.0]]), np.array([[0.5]]), np.array([0.1])]


def _layer(**kwargs):
    layer = layers.SimpleRNN(1, activation="linear", **kwargs)
    layer.build(X.shape)
    layer.set_weights(WEIGHTS)
    return layer


def test_three_steps_by_hand():
    sequences = _layer(return_sequences=True)(X)
    np.testing.assert_allclose(
        np.asarray(sequences)[0, :, 0], [1.1, 2.65, 4.425], rtol=1e-6
    )
    np.testing.assert_allclose(_layer()(X), [[4.425]], rtol=1e-6)


def test_go_backwards_outputs_in_processing_order():
    out = _layer(return_sequences=True, go_backwards=True)(X)
    # Steps read 3, 2, 1: 3.1, 2 + 1.55 + 0.1, 1 + 1.825 + 0.1.
    np.testing.assert_allclose(
        np.asarray(out)[0, :, 0], [3.1, 3.65, 2.925], rtol=1e-6
    )


@pytest.mark.parametrize("unroll", [False, True])
def test_masked_step_keeps_state_and_repeats_output(unroll):
    mask = np.array([[True, False, True]])
    out = _layer(return_sequences=True, unroll=unroll)(X, mask=mask)
    # Step 2 is skipped: the state stays 1.1; step 3: 3 + 0.55 + 0.1.
    np.testing.assert_allclose(
        np.asarray(out)[0, :, 0], [1.1, 1.1, 3.65], rtol=1e-6
    )


def test_zero_output_for_mask():
    layer = layers.RNN(
        layers.SimpleRNNCell(1, activation="linear"),
        return_sequences=True,
        zero_output_for_mask=True,
    )
    layer.build(X.shape)
    layer.set_weights(WEIGHTS)
    out = layer(X, mask=np.array([[True, False, True]]))
    np.testing.assert_allclose(
        np.asarray(out)[0, :, 0], [1.1, 0.0, 3.65], rtol=1e-6
    )


def test_stateful_carries_state_and_resets():
    layer = _layer(stateful=True)
    np.testing.assert_allclose(layer(X), [[4.425]], rtol=1e-6)
    h = 4.425
    for x in (1.0, 2.0, 3.0):
        h = x + 0.5 * h + 0.1
    np.testing.assert_allclose(layer(X), [[h]], rtol=1e-6)
    layer.reset_state()
    np.testing.assert_allclose(layer(X), [[4.425]], rtol=1e-6)
    # The kept states are variables, not weights (as in Keras).
    assert len(layer.weights) == 3
    assert len(layer.non_trainable_variables) == 2  # state + seed


def test_stateful_needs_a_fixed_batch_size():
    with pytest.raises(ValueError, match='SimpleRNN "srnn".*batch size'):
        layers.SimpleRNN(2, stateful=True, name="srnn")(ember.Input((3, 1)))


def test_stateful_in_a_model_with_batch_size():
    inputs = ember.Input((3, 1), batch_size=1)
    layer = layers.SimpleRNN(1, activation="linear", stateful=True)
    model = ember.Model(inputs, layer(inputs))
    layer.set_weights(WEIGHTS)
    first = model.predict(X, verbose=0)
    second = model.predict(X, verbose=0)
    np.testing.assert_allclose(first, [[4.425]], rtol=1e-6)
    assert abs(float(second[0, 0]) - 4.425) > 0.1
    layer.reset_states()
    np.testing.assert_allclose(model.predict(X, verbose=0), first, rtol=1e-6)


def test_dropout_mask_is_fixed_across_steps_and_seeded():
    x = np.ones((2, 3, 4), "float32")
    layer = layers.SimpleRNN(
        4, activation="linear", dropout=0.5, return_sequences=True, seed=3
    )
    layer.build(x.shape)
    layer.set_weights([np.eye(4), np.zeros((4, 4)), np.zeros(4)])
    out = np.asarray(layer(x, training=True))
    np.testing.assert_array_equal(out[:, 0], out[:, 1])
    np.testing.assert_array_equal(out[:, 0], out[:, 2])
    assert set(np.unique(out)) <= {0.0, 2.0}
    assert 0 < (out == 0).sum() < out.size
    np.testing.assert_array_equal(layer(x), x)  # no dropout in inference


def test_rank_2_input_is_an_error_before_weights_exist():
    layer = layers.SimpleRNN(2, name="srnn")
    with pytest.raises(
        ValueError, match=r'SimpleRNN "srnn" expected .* rank 3.*\(2, 3\)'
    ):
        layer(np.ones((2, 3), "float32"))
    assert layer.weights == []
