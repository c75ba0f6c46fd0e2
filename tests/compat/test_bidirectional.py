"""Bidirectional against Keras 3 (JAX backend): Keras' weights copied in,
the same outputs, final states and gradients (within 1e-5) for each merge
mode, with and without masks, a given backward layer and LSTM / GRU /
SimpleRNN inside; the same weight paths, count_params and config; `.keras`
and `.weights.h5` files both ways."""

import json

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import ember

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 4, 2)).astype("float32")
# Embedding(mask_zero=True) inputs: row 0 padded at the end, row 1 at the
# start, row 2 masked in the middle.
TOKENS = np.array([[3, 1, 4, 0], [0, 0, 2, 5], [6, 0, 7, 2]], "int32")
MERGE_MODES = ["concat", "sum", "mul", "ave", None]

# (inner layer, its kwargs, merge_mode)
CASES = [
    *[("LSTM", {}, mode) for mode in MERGE_MODES],
    *[("LSTM", {"return_sequences": True}, mode) for mode in MERGE_MODES],
    ("LSTM", {"return_state": True}, "concat"),
    ("LSTM", {"return_state": True, "return_sequences": True}, None),
    ("GRU", {"return_sequences": True}, "ave"),
    ("GRU", {"reset_after": False, "return_state": True}, "mul"),
    ("SimpleRNN", {"return_sequences": True, "return_state": True}, "concat"),
    ("SimpleRNN", {"unroll": True}, None),
]


def _ids(case):
    name, kwargs, mode = case
    options = "".join(f"-{k}={v}" for k, v in sorted(kwargs.items()))
    return f"{name}{options}-{mode}"


def _as_list(outputs):
    if isinstance(outputs, list | tuple):
        return list(outputs)
    return [outputs]


def _bidirectional(lib, name, kwargs, mode):
    """Named, so that paths and configs do not depend on name counters."""
    inner_name = {"LSTM": "lstm", "GRU": "gru", "SimpleRNN": "simple_rnn"}
    inner = getattr(lib.layers, name)(3, name=inner_name[name], **kwargs)
    return lib.layers.Bidirectional(inner, merge_mode=mode, name="bi")


def _pair(name, kwargs, mode, x=X):
    """Keras' Bidirectional with random weights, and ember's with them."""
    theirs = _bidirectional(keras, name, kwargs, mode)
    ours = _bidirectional(ember, name, kwargs, mode)
    theirs(x)
    ours(x)
    rng = np.random.default_rng(1)
    weights = [
        rng.normal(scale=0.5, size=w.shape).astype("float32")
        for w in theirs.get_weights()
    ]
    theirs.set_weights(weights)
    ours.set_weights(weights)
    return theirs, ours


def _loss_grads(layer, x, **call_kwargs):
    """Gradients of the sum of squares of every output (and state), for the
    weights and the inputs, through `stateless_call`."""
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]

    def loss(values, x):
        out, _ = layer.stateless_call(values, non_trainable, x, **call_kwargs)
        return sum(jnp.sum(o * o) for o in jax.tree_util.tree_leaves(out))

    return jax.grad(loss, argnums=(0, 1))(trainable, jnp.asarray(x))


def _assert_all_close(ours, theirs):
    ours, theirs = (
        jax.tree_util.tree_leaves(ours),
        jax.tree_util.tree_leaves(theirs),
    )
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert np.shape(a) == np.shape(b)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def _as_json(config):
    return json.loads(json.dumps(config))


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_outputs_states_and_gradients_equal_keras(case):
    theirs, ours = _pair(*case)
    their_out, our_out = _as_list(theirs(X)), _as_list(ours(X))
    assert len(our_out) == len(their_out)
    _assert_all_close(our_out, their_out)
    _assert_all_close(_loss_grads(ours, X), _loss_grads(theirs, X))


def test_rnn_of_stacked_cells_equals_keras():
    def layer(lib):
        cells = [lib.layers.LSTMCell(3), lib.layers.GRUCell(2)]
        inner = lib.layers.RNN(cells, return_sequences=True, name="rnn")
        return lib.layers.Bidirectional(inner, merge_mode="mul", name="bi")

    theirs, ours = layer(keras), layer(ember)
    theirs(X)
    ours(X)
    assert [v.path for v in ours.weights] == [v.path for v in theirs.weights]
    assert (
        ours.weights[3].path
        == "bi/forward_rnn/stacked_rnn_cells/gru_cell/kernel"
    )
    ours.set_weights(theirs.get_weights())
    _assert_all_close(ours(X), theirs(X))
    _assert_all_close(_loss_grads(ours, X), _loss_grads(theirs, X))


@pytest.mark.parametrize(
    "case",
    [
        ("LSTM", {"return_sequences": True}, "concat"),
        ("GRU", {"return_state": True}, None),
        ("SimpleRNN", {}, "sum"),
    ],
    ids=_ids,
)
def test_weights_count_params_and_config_equal_keras(case):
    theirs, ours = _pair(*case)
    assert [v.path for v in ours.weights] == [v.path for v in theirs.weights]
    assert [v.shape for v in ours.weights] == [
        tuple(v.shape) for v in theirs.weights
    ]
    assert ours.count_params() == theirs.count_params()
    their_config = _as_json(theirs.get_config())
    our_config = _as_json(ours.get_config())
    assert our_config.keys() == their_config.keys()
    assert our_config == their_config


def test_paths_and_config_name_the_directions_as_keras():
    lstm = keras.layers.LSTM(3, name="lstm")
    theirs = keras.layers.Bidirectional(lstm, name="bi")
    ours = ember.layers.Bidirectional(
        ember.layers.LSTM(3, name="lstm"), name="bi"
    )
    theirs(X)
    ours(X)
    assert [v.path for v in ours.weights] == [
        "bi/forward_lstm/lstm_cell/kernel",
        "bi/forward_lstm/lstm_cell/recurrent_kernel",
        "bi/forward_lstm/lstm_cell/bias",
        "bi/backward_lstm/lstm_cell/kernel",
        "bi/backward_lstm/lstm_cell/recurrent_kernel",
        "bi/backward_lstm/lstm_cell/bias",
    ]
    assert [v.path for v in ours.weights] == [v.path for v in theirs.weights]
    their_config = _as_json(theirs.get_config())
    assert _as_json(ours.get_config()) == their_config
    assert their_config["backward_layer"]["config"]["go_backwards"] is True


def test_config_equals_keras_before_and_after_building():
    def layer(lib):
        inner = lib.layers.LSTM(3, return_sequences=True, name="lstm")
        return lib.layers.Bidirectional(inner, merge_mode="ave", name="bi")

    theirs, ours = layer(keras), layer(ember)
    assert _as_json(ours.get_config()) == _as_json(theirs.get_config())
    assert "build_config" not in ours.get_config()["layer"]
    theirs(X)
    ours(X)
    assert _as_json(ours.get_config()) == _as_json(theirs.get_config())
    assert ours.get_config()["layer"]["build_config"] == {
        "input_shape": [3, 4, 2]
    }
    assert ours.get_build_config() == {"input_shape": [3, 4, 2]}


def test_wrapping_a_built_layer_builds_the_copies_alone_as_keras():
    paths = []
    for lib in (ember, keras):
        inner = lib.layers.GRU(2, name="gru")
        inner(X)  # ember records build configs of layers built by a call
        layer = lib.layers.Bidirectional(inner, name="bi")
        assert layer.forward_layer.built
        clone = lib.layers.Bidirectional.from_config(layer.get_config())
        paths.append(
            [v.path for v in layer.weights] + [v.path for v in clone.weights]
        )
    assert paths[0] == paths[1]
    assert paths[0][0] == "forward_gru/gru_cell/kernel"


def _given_backward(lib, mode="concat"):
    forward = lib.layers.GRU(3, return_sequences=True, name="gru_f")
    backward = lib.layers.GRU(
        3,
        activation="relu",
        reset_after=False,
        return_sequences=True,
        go_backwards=True,
        name="gru_b",
    )
    return lib.layers.Bidirectional(
        forward, merge_mode=mode, backward_layer=backward, name="bi"
    )


@pytest.mark.parametrize("mode", ["concat", None])
def test_given_backward_layer_equals_keras(mode):
    theirs, ours = _given_backward(keras, mode), _given_backward(ember, mode)
    theirs(X)
    ours(X)
    assert [v.path for v in ours.weights] == [v.path for v in theirs.weights]
    assert [v.shape for v in ours.weights] == [
        tuple(v.shape) for v in theirs.weights
    ]
    ours.set_weights(theirs.get_weights())
    _assert_all_close(_as_list(ours(X)), _as_list(theirs(X)))
    _assert_all_close(_loss_grads(ours, X), _loss_grads(theirs, X))
    assert _as_json(ours.get_config()) == _as_json(theirs.get_config())


def _masked_model(lib, name, kwargs, mode):
    inputs = lib.Input((4,), dtype="int32")
    h = lib.layers.Embedding(8, 2, mask_zero=True, name="emb")(inputs)
    inner = getattr(lib.layers, name)(3, **kwargs)
    outputs = lib.layers.Bidirectional(inner, merge_mode=mode, name="bi")(h)
    return lib.Model(inputs, outputs)


@pytest.mark.parametrize(
    "case",
    [
        ("LSTM", {"return_sequences": True}, "concat"),
        ("LSTM", {}, "sum"),
        ("LSTM", {"return_sequences": True, "return_state": True}, None),
        ("GRU", {"return_sequences": True}, "mul"),
        ("GRU", {"return_sequences": True, "reset_after": False}, "ave"),
        ("SimpleRNN", {"return_state": True}, "concat"),
    ],
    ids=_ids,
)
def test_embedding_masks_equal_keras(case):
    theirs, ours = _masked_model(keras, *case), _masked_model(ember, *case)
    ours.set_weights(theirs.get_weights())
    _assert_all_close(
        _as_list(ours.predict(TOKENS, verbose=0)),
        _as_list(theirs.predict(TOKENS, verbose=0)),
    )
    mask = TOKENS != 0
    their_mask = theirs.get_layer("bi").compute_mask(None, mask)
    our_mask = ours.get_layer("bi").compute_mask(None, mask)
    _assert_all_close(our_mask, their_mask)


def test_backward_direction_of_padded_sequences_equals_keras():
    # Row 0 is padded at the end: the backward layer starts from its last
    # real step; the padded steps of the sequences are zeros.
    case = ("LSTM", {"return_sequences": True}, None)
    theirs, ours = _pair(*case)
    mask = TOKENS != 0
    expected = theirs(X, mask=mask)
    got = ours(X, mask=mask)
    _assert_all_close(got, expected)
    np.testing.assert_array_equal(np.asarray(got[1])[0, 3], 0.0)
    backward_alone = ours.backward_layer(X[:1, :3])
    np.testing.assert_allclose(
        np.asarray(got[1])[0, :3], np.flip(backward_alone[0], 0), atol=1e-6
    )
    _assert_all_close(
        _loss_grads(ours, X, mask=mask), _loss_grads(theirs, X, mask=mask)
    )


def test_masking_layer_and_a_following_rnn_equal_keras():
    x = X.copy()
    x[0, 2:] = 0.0
    x[2, 0] = 0.0

    def model(lib):
        inputs = lib.Input((4, 2))
        h = lib.layers.Masking(0.0)(inputs)
        inner = lib.layers.GRU(3, return_sequences=True)
        h = lib.layers.Bidirectional(inner)(h)
        return lib.Model(inputs, lib.layers.LSTM(2)(h))

    theirs, ours = model(keras), model(ember)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(
        ours.predict(x, verbose=0),
        theirs.predict(x, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )


def test_initial_state_split_in_halves_equals_keras():
    theirs, ours = _pair("LSTM", {"return_state": True}, "concat")
    states = [RNG.normal(size=(3, 3)).astype("float32") for _ in range(4)]
    mask = TOKENS != 0
    expected = theirs(X, initial_state=states, mask=mask)
    got = ours(X, initial_state=states, mask=mask)
    _assert_all_close(got, expected)


def test_functional_initial_state_equals_keras():
    def model(lib):
        x = lib.Input((4, 2))
        states = [lib.Input((3,)) for _ in range(2)]
        inner = lib.layers.GRU(3, return_sequences=True)
        y = lib.layers.Bidirectional(inner, name="bi")(x, initial_state=states)
        return lib.Model([x, *states], y)

    h0, h1 = (RNG.normal(size=(3, 3)).astype("float32") for _ in range(2))
    theirs, ours = model(keras), model(ember)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(
        ours.predict([X, h0, h1], verbose=0),
        theirs.predict([X, h0, h1], verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("LSTM", {"dropout": 0.3, "recurrent_dropout": 0.2}),
        ("GRU", {"dropout": 0.3, "return_sequences": True}),
    ],
)
def test_seeded_dropout_in_training_equals_keras(name, kwargs):
    theirs = _bidirectional(keras, name, {"seed": 7, **kwargs}, "concat")
    ours = _bidirectional(ember, name, {"seed": 7, **kwargs}, "concat")
    theirs.build(X.shape)
    ours.build(X.shape)
    ours.set_weights(theirs.get_weights())
    for _ in range(2):  # new masks at the second call, as Keras'
        np.testing.assert_allclose(
            ours(X, training=True),
            theirs(X, training=True),
            rtol=1e-5,
            atol=1e-6,
        )
    np.testing.assert_allclose(ours(X), theirs(X), rtol=1e-5, atol=1e-6)


def test_stateful_equals_keras_and_resets():
    def layer(lib):
        inner = lib.layers.LSTM(3, stateful=True, return_sequences=True)
        return lib.layers.Bidirectional(inner, merge_mode="sum")

    theirs, ours = layer(keras), layer(ember)
    theirs.build(X.shape)
    ours.build(X.shape)
    ours.set_weights(theirs.get_weights())
    first = ours(X)
    _assert_all_close(first, theirs(X))
    second = ours(X)  # starts from the first call's final states
    _assert_all_close(second, theirs(X))
    assert not np.allclose(second, first)
    assert len(ours.states) == len(theirs.states) == 4
    _assert_all_close(
        [v.value for v in ours.states], [v.value for v in theirs.states]
    )
    ours.reset_states()
    theirs.reset_states()
    _assert_all_close(ours(X), first)
    _assert_all_close(theirs(X), first)


# -- files ---------------------------------------------------------------------
def _sequential(lib):
    return lib.Sequential(
        [
            lib.Input((4, 2)),
            lib.layers.Bidirectional(
                lib.layers.LSTM(3, return_sequences=True), merge_mode="ave"
            ),
            lib.layers.Bidirectional(lib.layers.LSTM(2)),
            lib.layers.Dense(1),
        ]
    )


def _functional(lib):
    inputs = lib.Input((4,), dtype="int32")
    h = lib.layers.Embedding(8, 2, mask_zero=True)(inputs)
    h = _given_backward(lib)(h)
    outputs = lib.layers.GlobalAveragePooling1D()(h)
    return lib.Model(inputs, lib.layers.Dense(2)(outputs))


MODELS = {"sequential": (_sequential, X), "functional": (_functional, TOKENS)}


def _randomized(model):
    rng = np.random.default_rng(3)
    model.set_weights(
        [
            rng.normal(scale=0.5, size=w.shape).astype("float32")
            for w in model.get_weights()
        ]
    )
    return model


@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras_file_moves_both_ways(tmp_path, name):
    build, x = MODELS[name]
    theirs = _randomized(build(keras))
    expected = theirs.predict(x, verbose=0)
    theirs.save(tmp_path / "k.keras")
    ours = ember.saving.load_model(tmp_path / "k.keras")
    assert [type(la).__name__ for la in ours.layers] == [
        type(la).__name__ for la in theirs.layers
    ]
    np.testing.assert_allclose(
        ours.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5
    )
    # Loaded, the directions are built by the config, so their paths lack
    # the wrapper's name: in Keras and in ember.
    assert [v.path for v in ours.weights] == [
        v.path for v in keras.saving.load_model(tmp_path / "k.keras").weights
    ]
    ours.save(tmp_path / "e.keras")
    back = keras.saving.load_model(tmp_path / "e.keras")
    np.testing.assert_allclose(
        back.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("name", sorted(MODELS))
def test_ember_keras_file_loads_in_keras(tmp_path, name):
    build, x = MODELS[name]
    ours = _randomized(build(ember))
    ours.save(tmp_path / "e.keras")
    theirs = keras.saving.load_model(tmp_path / "e.keras")
    np.testing.assert_allclose(
        theirs.predict(x, verbose=0),
        ours.predict(x, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.parametrize("name", sorted(MODELS))
def test_weights_file_moves_both_ways(tmp_path, name):
    build, x = MODELS[name]
    theirs, ours = _randomized(build(keras)), build(ember)
    path = str(tmp_path / "bi.weights.h5")
    theirs.save_weights(path)
    ours.load_weights(path)
    np.testing.assert_allclose(
        ours.predict(x, verbose=0),
        theirs.predict(x, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )
    _randomized(ours)
    ours.save_weights(path)
    back = build(keras)
    back.load_weights(path)
    np.testing.assert_allclose(
        back.predict(x, verbose=0),
        ours.predict(x, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )


def test_fit_history_equals_keras():
    def compiled(lib):
        model = _sequential(lib)
        model.compile(optimizer=lib.optimizers.SGD(0.1), loss="mse")
        return model

    y = RNG.normal(size=(3, 1)).astype("float32")
    theirs, ours = compiled(keras), compiled(ember)
    ours.set_weights(_randomized(theirs).get_weights())
    their_history = theirs.fit(X, y, epochs=3, shuffle=False, verbose=0)
    our_history = ours.fit(X, y, epochs=3, shuffle=False, verbose=0)
    np.testing.assert_allclose(
        our_history.history["loss"],
        their_history.history["loss"],
        rtol=1e-5,
        atol=1e-6,
    )
    _assert_all_close(ours.get_weights(), theirs.get_weights())
