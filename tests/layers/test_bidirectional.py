"""Bidirectional: the two directions merged by hand, names and paths,
shapes, masks, states, dropout, errors, config round trip, and a small
model that trains, summarizes and reloads."""

import jax
import numpy as np
import pytest

import ember
from ember import layers

RNG = np.random.default_rng(0)
X = RNG.normal(size=(2, 5, 3)).astype("float32")


def _built(merge_mode="concat", **kwargs):
    layer = layers.Bidirectional(
        layers.LSTM(4, name="lstm", **kwargs), merge_mode=merge_mode
    )
    layer.build(X.shape)
    return layer


def _directions(layer, x=X, **kwargs):
    """Both directions run alone; the backward one put back in time order
    when it returns sequences."""
    forward = np.asarray(layer.forward_layer(x, **kwargs))
    backward = np.asarray(layer.backward_layer(x, **kwargs))
    if layer.return_sequences:
        backward = np.flip(backward, axis=1)
    return forward, backward


@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize(
    "merge_mode, merge",
    [
        ("concat", lambda f, b: np.concatenate([f, b], -1)),
        ("sum", lambda f, b: f + b),
        ("mul", lambda f, b: f * b),
        ("ave", lambda f, b: (f + b) / 2),
    ],
)
def test_merge_modes_by_hand(merge_mode, merge, return_sequences):
    layer = _built(merge_mode, return_sequences=return_sequences)
    forward, backward = _directions(layer)
    np.testing.assert_allclose(
        layer(X), merge(forward, backward), rtol=1e-6, atol=1e-6
    )


def test_merge_mode_none_returns_both_directions():
    layer = _built(None, return_sequences=True)
    forward, backward = _directions(layer)
    out = layer(X)
    assert isinstance(out, tuple) and len(out) == 2
    np.testing.assert_allclose(out[0], forward, atol=1e-6)
    np.testing.assert_allclose(out[1], backward, atol=1e-6)


def test_backward_direction_reads_the_sequence_reversed():
    layer = _built(None)
    _, backward = layer(X)
    # The backward LSTM's last output is a forward LSTM's (same weights)
    # over the reversed sequence.
    twin = layers.LSTM(4)
    twin.build(X.shape)
    twin.set_weights(layer.backward_layer.get_weights())
    np.testing.assert_allclose(backward, twin(X[:, ::-1]), atol=1e-6)


def test_return_state_forward_states_then_backward_states():
    layer = _built("sum", return_state=True)
    out = layer(X)
    assert len(out) == 5
    f_out, f_h, f_c = layer.forward_layer(X)
    b_out, b_h, b_c = layer.backward_layer(X)
    np.testing.assert_allclose(out[0], f_out + b_out, atol=1e-6)
    for got, expected in zip(out[1:], [f_h, f_c, b_h, b_c], strict=True):
        np.testing.assert_allclose(got, expected, atol=1e-6)


def test_return_state_with_merge_mode_none():
    layer = _built(None, return_sequences=True, return_state=True)
    out = layer(X)
    assert [o.shape for o in out] == [(2, 5, 4)] * 2 + [(2, 4)] * 4


def test_initial_state_split_in_halves():
    layer = _built(None, return_state=True)
    states = [RNG.normal(size=(2, 4)).astype("float32") for _ in range(4)]
    out = layer(X, initial_state=states)
    forward = layer.forward_layer(X, initial_state=states[:2])
    backward = layer.backward_layer(X, initial_state=states[2:])
    expected = [forward[0], backward[0], *forward[1:], *backward[1:]]
    for got, want in zip(out, expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-6)


def test_initial_state_of_the_wrong_count_names_the_layer():
    layer = _built()
    states = [np.zeros((2, 4), "float32")] * 3
    with pytest.raises(ValueError, match='Bidirectional "bidirectional.*4'):
        layer(X, initial_state=states)


def test_names_and_paths_as_keras():
    layer = layers.Bidirectional(layers.GRU(2, name="gru"), name="bi")
    layer(X)
    assert layer.forward_layer.name == "forward_gru"
    assert layer.backward_layer.name == "backward_gru"
    assert layer.backward_layer.go_backwards
    assert not layer.forward_layer.go_backwards
    assert [w.path for w in layer.weights] == [
        f"bi/{d}_gru/gru_cell/{n}"
        for d in ("forward", "backward")
        for n in ("kernel", "recurrent_kernel", "bias")
    ]
    assert layer.count_params() == 2 * (3 * 2 * 3 + 3 * 2 * 2 + 2 * 3 * 2)


def test_the_given_layer_is_copied_not_reused():
    lstm = layers.LSTM(4, name="lstm")
    layer = layers.Bidirectional(lstm)
    layer(X)
    assert not lstm.built
    assert layer.forward_layer is not lstm


@pytest.mark.parametrize(
    "kwargs, shapes",
    [
        ({}, [(None, 8)]),
        ({"return_sequences": True}, [(None, 5, 8)]),
        ({"return_state": True}, [(None, 8)] + [(None, 4)] * 4),
    ],
)
def test_symbolic_and_computed_output_shapes(kwargs, shapes):
    layer = layers.Bidirectional(layers.LSTM(4, **kwargs))
    out = layer(ember.Input((5, 3)))
    out = list(out) if isinstance(out, tuple) else [out]
    assert [o.shape for o in out] == shapes
    computed = layer.compute_output_shape((2, 5, 3))
    computed = [computed] if isinstance(computed[0], int) else computed
    assert [tuple(s) for s in computed] == [(2, *s[1:]) for s in shapes]


def test_masked_steps_of_returned_sequences_are_zeros():
    layer = _built("concat", return_sequences=True)
    mask = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 1]], bool)
    out = np.asarray(layer(X, mask=mask))
    np.testing.assert_array_equal(out[~mask], 0.0)
    # Row 0 is padded at the end: the backward direction starts at its
    # last real step, as if the padding were not there.
    alone = layer.backward_layer(X[:1, :3])
    np.testing.assert_allclose(out[0, :3, 4:], alone[0, ::-1], atol=1e-6)
    assert layer.forward_layer.zero_output_for_mask
    assert layer.backward_layer.zero_output_for_mask


def test_masked_last_output_skips_the_padding():
    layer = _built("sum")
    mask = np.array([[1, 1, 1, 0, 0], [1] * 5], bool)
    out = np.asarray(layer(X, mask=mask))
    np.testing.assert_allclose(out[0], layer(X[:1, :3])[0], atol=1e-6)
    assert not layer.forward_layer.zero_output_for_mask


def test_compute_mask():
    mask = np.array([[1, 1, 0]], bool)
    sequences = layers.Bidirectional(layers.GRU(2, return_sequences=True))
    assert sequences.compute_mask(None, mask) is mask
    both = layers.Bidirectional(
        layers.GRU(2, return_sequences=True), merge_mode=None
    )
    assert both.compute_mask(None, [mask]) == (mask, mask)
    last = layers.Bidirectional(layers.GRU(2), merge_mode=None)
    assert last.compute_mask(None, mask) == (None, None)
    assert layers.Bidirectional(layers.GRU(2)).compute_mask(None, mask) is None


def test_embedding_mask_reaches_both_directions_and_the_next_layer():
    tokens = np.array([[3, 1, 0, 0], [2, 5, 4, 1]], "int32")
    inputs = ember.Input((4,), dtype="int32")
    h = layers.Embedding(8, 3, mask_zero=True)(inputs)
    bi = layers.Bidirectional(layers.LSTM(2, return_sequences=True))
    h = bi(h)
    pooled = layers.GlobalAveragePooling1D()(h)
    model = ember.Model(inputs, [h, pooled])
    sequences, averaged = model.predict(tokens, verbose=0)
    np.testing.assert_array_equal(sequences[0, 2:], 0.0)
    # The pooling averages over the two real steps only.
    np.testing.assert_allclose(
        averaged[0], sequences[0, :2].mean(0), rtol=1e-5, atol=1e-6
    )


def test_stateful_keeps_and_resets_states():
    inner = layers.GRU(2, stateful=True, return_state=True)
    layer = layers.Bidirectional(inner)
    first = layer(X)
    assert len(layer.states) == 2
    np.testing.assert_allclose(layer.states[0].value, first[1])
    np.testing.assert_allclose(layer.states[1].value, first[2])
    second = layer(X)
    assert not np.allclose(second[0], first[0])
    layer.reset_states()
    np.testing.assert_array_equal(layer.states[0].value, 0.0)
    np.testing.assert_allclose(layer(X)[0], first[0], atol=1e-6)
    assert layer.weights == layer.trainable_weights


def test_reset_state_of_a_stateless_layer_raises():
    with pytest.raises(AttributeError, match="must be stateful"):
        _built().reset_states()


def test_stateful_needs_a_fixed_batch_size():
    layer = layers.Bidirectional(layers.LSTM(2, stateful=True))
    with pytest.raises(ValueError, match="forward_lstm.*batch size"):
        layer(ember.Input((5, 3)))


def test_training_reaches_both_directions():
    layer = _built(None, dropout=0.5, seed=3)
    inference = layer(X)
    for got, want in zip(layer(X, training=False), inference, strict=True):
        np.testing.assert_allclose(got, want)
    trained = layer(X, training=True)
    for got, want in zip(trained, inference, strict=True):
        assert not np.allclose(got, want)


def test_weights_argument_sets_both_directions():
    source = _built()
    weights = [w + 1.0 for w in source.get_weights()]
    layer = layers.Bidirectional(layers.LSTM(4), weights=weights)
    layer(X)
    for got, want in zip(layer.get_weights(), weights, strict=True):
        np.testing.assert_allclose(got, want)


def test_given_backward_layer_is_used_as_is():
    backward = layers.SimpleRNN(3, go_backwards=True, name="back")
    layer = layers.Bidirectional(layers.SimpleRNN(3), backward_layer=backward)
    assert layer.backward_layer is backward
    assert layer(X).shape == (2, 6)
    assert layer.get_config()["backward_layer"]["config"]["name"] == "back"


@pytest.mark.parametrize(
    "backward_kwargs, match",
    [
        ({}, "different `go_backwards`"),
        ({"go_backwards": True, "return_sequences": True}, "return_sequences"),
        ({"go_backwards": True, "return_state": True}, "return_state"),
        ({"go_backwards": True, "stateful": True}, "stateful"),
    ],
)
def test_mismatched_backward_layer_raises(backward_kwargs, match):
    backward = layers.LSTM(4, **backward_kwargs)
    with pytest.raises(ValueError, match=f'Bidirectional "bi".*{match}'):
        layers.Bidirectional(layers.LSTM(4), backward_layer=backward, name="bi")


def test_a_backwards_layer_needs_a_backward_layer():
    with pytest.raises(ValueError, match="different `go_backwards`"):
        layers.Bidirectional(layers.LSTM(4, go_backwards=True))


@pytest.mark.parametrize(
    "args, kwargs, match",
    [
        (("lstm",), {}, "Layer` instance"),
        ((layers.Dense(2),), {}, "go_backwards"),
        ((layers.LSTM(2),), {"merge_mode": "max"}, "merge_mode='max'"),
        ((layers.LSTM(2),), {"backward_layer": "x"}, "backward_layer"),
    ],
)
def test_bad_arguments_raise(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.Bidirectional(*args, **kwargs)


def test_config_round_trip_with_a_backward_layer():
    backward = layers.GRU(2, activation="relu", go_backwards=True, name="b")
    layer = layers.Bidirectional(
        layers.GRU(2, name="f"), merge_mode="mul", backward_layer=backward
    )
    config = layer.get_config()
    assert set(config) == {
        "name",
        "trainable",
        "dtype",
        "merge_mode",
        "layer",
        "backward_layer",
    }
    assert config["layer"]["config"]["name"] == "forward_f"
    clone = layers.Bidirectional.from_config(config)
    assert clone.get_config() == config
    assert clone.backward_layer.activation is backward.activation
    assert not clone.built
    clone(X)
    assert [w.path for w in clone.weights] == [
        f"{clone.name}/{d}/gru_cell/{n}"
        for d in ("forward_f", "b")
        for n in ("kernel", "recurrent_kernel", "bias")
    ]
    # Built, the directions' configs carry their build configs (as Keras').
    built = clone.get_config()
    assert built["layer"]["build_config"] == {"input_shape": [2, 5, 3]}
    assert (
        built["backward_layer"]["build_config"]
        == built["layer"]["build_config"]
    )
    rebuilt = layers.Bidirectional.from_config(built)
    assert rebuilt.forward_layer.built and rebuilt.backward_layer.built
    assert rebuilt.get_config() == built


def test_jit_of_stateless_call_equals_eager():
    layer = _built(None, return_sequences=True, return_state=True)
    eager = layer(X)
    trainable = [v.value for v in layer.trainable_variables]

    @jax.jit
    def run(trainable, x):
        return layer.stateless_call(trainable, non_trainable, x)[0]

    non_trainable = [v.value for v in layer.non_trainable_variables]
    for got, want in zip(run(trainable, X), eager, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_sequential_fits_summarizes_and_reloads(tmp_path, capsys):
    model = ember.Sequential(
        [
            ember.Input((5, 3)),
            layers.Bidirectional(layers.LSTM(4, return_sequences=True)),
            layers.Bidirectional(layers.GRU(2), merge_mode="ave"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer=ember.optimizers.Adam(0.05), loss="mse")
    y = X.sum(axis=(1, 2))[:, None]
    history = model.fit(X, y, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.summary()
    assert "Bidirectional" in capsys.readouterr().out
    path = tmp_path / "bi.keras"
    model.save(path)
    loaded = ember.saving.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(X, verbose=0), model.predict(X, verbose=0), atol=1e-6
    )
    # As in Keras, the loaded copies are built by their configs.
    assert loaded.weights[0].path == "forward_lstm/lstm_cell/kernel"
