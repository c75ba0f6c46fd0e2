"""RNN over any cell: custom cells with nested states, stacking, masks,
jit, errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers


class CountingCell(layers.Layer):
    """Output x + s0; states [s0 + x, s1 + 1] (a 2-state custom cell)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.state_size = [2, 1]
        self.output_size = 2

    def call(self, inputs, states):
        s0, s1 = states
        return inputs + s0, [s0 + inputs, s1 + 1.0]


X = np.arange(12, dtype="float32").reshape(2, 3, 2)


def test_custom_cell_with_two_states():
    out, s0, s1 = layers.RNN(CountingCell(), return_state=True)(X)
    np.testing.assert_allclose(s0, X.sum(axis=1))
    np.testing.assert_allclose(s1, np.full((2, 1), 3.0))
    np.testing.assert_allclose(out, X[:, :2].sum(axis=1) + X[:, 2])


def test_custom_cell_masked_steps_keep_states():
    mask = np.array([[True, False, True], [True, True, False]])
    out, s0, s1 = layers.RNN(CountingCell(), return_state=True)(X, mask=mask)
    np.testing.assert_allclose(s1, [[2.0], [2.0]])
    np.testing.assert_allclose(s0, (X * mask[..., None]).sum(axis=1))
    # Row 1's last step is masked: the output of step 2 is repeated.
    np.testing.assert_allclose(out[1], X[1, 0] + X[1, 1])


def test_custom_get_initial_state_is_used():
    class Offset(CountingCell):
        def get_initial_state(self, batch_size=None):
            return [jnp.ones((batch_size, 2)), jnp.zeros((batch_size, 1))]

    _, s0, _ = layers.RNN(Offset(), return_state=True)(X)
    np.testing.assert_allclose(s0, X.sum(axis=1) + 1)


def test_list_of_cells_is_stacked():
    layer = layers.RNN([layers.SimpleRNNCell(3), layers.GRUCell(2)])
    assert isinstance(layer.cell, layers.StackedRNNCells)
    assert layer(X).shape == (2, 2)
    assert [v.shape for v in layer.weights] == [
        (2, 3),
        (3, 3),
        (3,),
        (3, 6),
        (2, 6),
        (2, 6),
    ]


def test_stacked_cells_fast_path_equals_step_by_step():
    cells = [layers.LSTMCell(3), layers.SimpleRNNCell(2)]
    layer = layers.RNN(cells, return_sequences=True)
    out = np.asarray(layer(X))
    states = [[np.zeros((2, 3))] * 2, [np.zeros((2, 2))]]
    stack = layer.cell
    for t in range(3):
        step, states = stack(X[:, t], states)
        np.testing.assert_allclose(out[:, t], step, rtol=1e-5, atol=1e-6)


def test_symbolic_output_and_mask_propagation():
    inputs = ember.Input((3,), dtype="int32")
    h = layers.Embedding(5, 2, mask_zero=True)(inputs)
    seq = layers.LSTM(4, return_sequences=True)(h)
    last = layers.GRU(3)(seq)
    assert seq.shape == (None, 3, 4) and last.shape == (None, 3)
    assert seq._keras_mask is not None
    assert last._keras_mask is None


def test_jit_stateless_call_equals_eager():
    layer = layers.LSTM(3, return_sequences=True, go_backwards=True)
    eager = layer(X)
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]
    run = jax.jit(lambda t, n, x: layer.stateless_call(t, n, x)[0])
    np.testing.assert_allclose(
        run(trainable, non_trainable, X), eager, rtol=1e-5
    )


def test_fit_reduces_the_loss():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 5, 2)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    model = ember.Sequential(
        [ember.Input((5, 2)), layers.GRU(4), layers.Dense(1)]
    )
    model.compile("adam", "mse")
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_cell_without_state_size_is_an_error():
    class NoState(layers.Layer):
        def call(self, inputs, states):
            return inputs, states

    with pytest.raises(ValueError, match=r'RNN "r".*state_size'):
        layers.RNN(NoState(), name="r")


def test_rank_2_input_is_an_error_before_weights_exist():
    layer = layers.RNN(layers.GRUCell(2), name="r2")
    with pytest.raises(
        ValueError, match=r'RNN "r2" expected an input of rank 3.*\(2, 3\)'
    ):
        layer(np.ones((2, 3), "float32"))
    assert layer.weights == []


def test_config_round_trip_with_a_stack():
    layer = layers.RNN(
        [layers.LSTMCell(2), layers.GRUCell(3, reset_after=False)],
        return_state=True,
    )
    clone = layers.deserialize(layers.serialize(layer))
    assert isinstance(clone.cell, layers.StackedRNNCells)
    assert [type(c).__name__ for c in clone.cell.cells] == [
        "LSTMCell",
        "GRUCell",
    ]
    assert clone.cell.cells[1].reset_after is False
    assert clone.get_config()["return_state"] is True


@ember.saving.register_keras_serializable(package="test_rnn")
class ScaledCell(layers.Layer):
    """h_t = tanh(x_t @ w + h_{t-1} * scale): a registered custom cell."""

    def __init__(self, units, scale=0.5, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.scale = scale
        self.state_size = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units))

    def call(self, inputs, states):
        h = jnp.tanh(inputs @ self.w.value + states[0] * self.scale)
        return h, [h]

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units, "scale": self.scale})
        return config


def test_registered_custom_cell_saves_and_loads(tmp_path):
    inputs = ember.Input((3, 2))
    model = ember.Model(
        inputs, layers.RNN(ScaledCell(4, scale=0.25), go_backwards=True)(inputs)
    )
    path = str(tmp_path / "custom_cell.keras")
    model.save(path)
    loaded = ember.saving.load_model(path)
    assert loaded.layers[1].cell.scale == 0.25
    np.testing.assert_allclose(
        loaded.predict(X, verbose=0), model.predict(X, verbose=0), rtol=1e-6
    )


def test_variable_length_sequences():
    inputs = ember.Input((None, 2))
    seq = layers.LSTM(3, return_sequences=True)(inputs)
    assert seq.shape == (None, None, 3)
    model = ember.Model(inputs, layers.GRU(2)(seq))
    for steps in (2, 5):
        x = np.ones((2, steps, 2), "float32")
        assert model.predict(x, verbose=0).shape == (2, 2)


@pytest.mark.parametrize(
    "make",
    [
        lambda: layers.LSTM(3, dropout=0.3, recurrent_dropout=0.2, seed=1),
        lambda: layers.GRU(3, go_backwards=True, return_sequences=True),
        lambda: layers.GRU(3, reset_after=False, dropout=0.3, seed=2),
        lambda: layers.SimpleRNN(3, return_sequences=True),
        lambda: layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)]),
    ],
)
def test_projection_before_and_inside_the_loop_agree(make, monkeypatch):
    # CPU projects each step inside the loop, GPU / TPU all steps before
    # it: the same outputs and gradients, dropout and masks included.
    from ember.layers.rnn import rnn as rnn_module

    rng = np.random.default_rng(0)
    x = jnp.asarray(rng.normal(size=(2, 4, 5)).astype("float32"))
    mask = jnp.asarray([[True, True, True, False], [True, True, False, False]])
    layer = make()
    layer(x)
    trainable = [v.value for v in layer.trainable_variables]
    others = [v.value for v in layer.non_trainable_variables]

    def loss(weights, inputs):
        out, _ = layer.stateless_call(
            weights, others, inputs, mask=mask, training=True
        )
        return jnp.sum(out**2), out

    results = []
    for in_loop in (True, False):
        monkeypatch.setattr(rnn_module, "_project_in_loop", lambda v=in_loop: v)
        grad = jax.grad(loss, argnums=(0, 1), has_aux=True)
        results.append(grad(trainable, x))
    (grads_a, out_a), (grads_b, out_b) = results
    np.testing.assert_allclose(out_a, out_b, rtol=1e-5, atol=1e-6)
    for a, b in zip(
        jax.tree_util.tree_leaves(grads_a),
        jax.tree_util.tree_leaves(grads_b),
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
