"""LSTM and LSTMCell: weights in Keras' layout, hand-computed gates,
initial states, errors."""

import math

import numpy as np
import pytest

from ember import layers


def test_weights_shapes_paths_and_forget_bias():
    layer = layers.LSTM(3, name="lstm")
    layer(np.ones((2, 4, 2), "float32"))
    assert [(v.path, v.shape) for v in layer.weights] == [
        ("lstm/lstm_cell/kernel", (2, 12)),
        ("lstm/lstm_cell/recurrent_kernel", (3, 12)),
        ("lstm/lstm_cell/bias", (12,)),
    ]
    # unit_forget_bias: the forget gate (second block) starts at ones.
    np.testing.assert_array_equal(
        layer.cell.bias.numpy(), [0] * 3 + [1] * 3 + [0] * 6
    )
    assert layer.count_params() == 2 * 12 + 3 * 12 + 12


def test_two_steps_by_hand():
    # Zero kernels; bias (i, f, g, o) = (0, 0, 1, 0): i = f = o = 0.5.
    layer = layers.LSTM(1, return_state=True)
    x = np.zeros((1, 2, 1), "float32")
    layer.build(x.shape)
    layer.set_weights(
        [np.zeros((1, 4)), np.zeros((1, 4)), np.array([0, 0, 1.0, 0])]
    )
    h, h_state, c_state = layer(x)
    c1 = 0.5 * math.tanh(1.0)
    c2 = 0.5 * c1 + 0.5 * math.tanh(1.0)
    np.testing.assert_allclose(c_state, [[c2]], rtol=1e-6)
    np.testing.assert_allclose(h, [[0.5 * math.tanh(c2)]], rtol=1e-6)
    np.testing.assert_array_equal(h, h_state)


def test_initial_state_is_used():
    layer = layers.LSTM(1, return_state=True)
    x = np.zeros((1, 1, 1), "float32")
    layer.build(x.shape)
    layer.set_weights([np.zeros((1, 4)), np.zeros((1, 4)), np.zeros(4)])
    _, _, c = layer(x, initial_state=[np.zeros((1, 1)), np.ones((1, 1))])
    # f = 0.5 keeps half of c0 = 1; i * g = 0.5 * tanh(0) = 0.
    np.testing.assert_allclose(c, [[0.5]], rtol=1e-6)


def test_cell_step_equals_layer_over_one_step():
    cell = layers.LSTMCell(2, recurrent_activation="hard_sigmoid")
    layer = layers.RNN(cell)
    x = np.random.default_rng(0).normal(size=(3, 1, 4)).astype("float32")
    out = layer(x)
    zeros = np.zeros((3, 2), "float32")
    step, (h, c) = cell(x[:, 0], [zeros, zeros])
    np.testing.assert_allclose(step, out, rtol=1e-6)
    np.testing.assert_allclose(h, out, rtol=1e-6)


def test_initial_state_count_error_names_layer_before_weights():
    layer = layers.LSTM(2, name="lstm_x")
    x = np.ones((2, 3, 4), "float32")
    with pytest.raises(
        ValueError,
        match=r'LSTM "lstm_x" expected 2 initial state\(s\) of shapes '
        r"\[\(2, 2\), \(2, 2\)\], got 1 of shapes \[\(2, 2\)\]",
    ):
        layer(x, initial_state=[np.zeros((2, 2), "float32")])
    assert layer.weights == []


def test_initial_state_shape_error():
    layer = layers.LSTM(2, name="lstm_y")
    x = np.ones((2, 3, 4), "float32")
    layer(x)
    with pytest.raises(ValueError, match=r"got 2 of shapes \[\(2, 3\), "):
        layer(x, initial_state=[np.zeros((2, 3)), np.zeros((2, 2))])


def test_recurrent_dropout_only_in_training():
    x = np.ones((2, 3, 4), "float32")
    layer = layers.LSTM(3, dropout=0.3, recurrent_dropout=0.4, seed=1)
    inference = layer(x)
    np.testing.assert_allclose(layer(x, training=False), inference)
    assert not np.allclose(layer(x, training=True), inference)
    assert layer.cell.implementation == 1


def test_config_round_trip_keeps_arguments():
    layer = layers.LSTM(
        4, unit_forget_bias=False, go_backwards=True, dropout=0.1, seed=2
    )
    clone = layers.LSTM.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert (clone.units, clone.unit_forget_bias, clone.go_backwards) == (
        4,
        False,
        True,
    )


def test_stateful_fit_carries_states_and_saves_without_them(tmp_path):
    import ember

    inputs = ember.Input((3, 1), batch_size=2)
    layer = layers.LSTM(2, stateful=True)
    model = ember.Model(inputs, layers.Dense(1)(layer(inputs)))
    model.compile("sgd", "mse")
    x, y = np.ones((4, 3, 1), "float32"), np.ones((4, 1), "float32")
    model.fit(x, y, batch_size=2, epochs=1, verbose=0, shuffle=False)
    h, c = (v.numpy() for v in layer.states)
    assert np.abs(h).min() > 0 and np.abs(c).min() > 0
    path = str(tmp_path / "stateful.keras")
    model.save(path)
    loaded = ember.saving.load_model(path)
    assert len(loaded.weights) == len(model.weights) == 5
    loaded_layer = loaded.layers[1]
    np.testing.assert_array_equal(loaded_layer.states[0].numpy(), 0.0)
    layer.reset_states()
    np.testing.assert_allclose(
        loaded.predict(x[:2], verbose=0), model.predict(x[:2], verbose=0)
    )
