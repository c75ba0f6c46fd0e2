"""Recurrent layers against Keras 3 (JAX backend): Keras' weights copied in,
the same outputs, final states and gradients (within 1e-5), the same weight
paths, shapes and order, count_params and config keys; `.keras` files both
ways."""

import re

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import ember

RNG = np.random.default_rng(0)
X = RNG.normal(size=(3, 4, 2)).astype("float32")
# Embedding(mask_zero=True) inputs: row 0 padded at the end, row 1 at the
# start (its first steps masked), row 2 masked in the middle.
TOKENS = np.array([[3, 1, 4, 0], [0, 0, 2, 5], [6, 0, 7, 2]], "int32")

CASES = [
    ("SimpleRNN", {}),
    ("SimpleRNN", {"return_sequences": True, "go_backwards": True}),
    ("LSTM", {}),
    ("LSTM", {"return_sequences": True, "return_state": True}),
    ("LSTM", {"go_backwards": True, "return_state": True}),
    ("LSTM", {"unroll": True, "return_sequences": True}),
    ("LSTM", {"use_bias": False, "activation": "relu"}),
    ("GRU", {}),
    ("GRU", {"reset_after": False, "return_sequences": True}),
    ("GRU", {"return_state": True, "go_backwards": True}),
    ("GRU", {"reset_after": False, "use_bias": False}),
]


def _ids(case):
    name, kwargs = case
    return name + "".join(f"-{k}={v}" for k, v in sorted(kwargs.items()))


def _as_list(outputs):
    if isinstance(outputs, list | tuple):
        return list(outputs)
    return [outputs]


def _pair(name, kwargs, x):
    """A Keras layer and the ember layer with Keras' weights, both built."""
    theirs = getattr(keras.layers, name)(3, **kwargs)
    ours = getattr(ember.layers, name)(3, **kwargs)
    theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    return theirs, ours


def _loss_grads(layer, x, **call_kwargs):
    """Gradients of the sum of squared outputs (and states), by jax.grad of
    the layer's stateless_call (Keras' or ember's), for weights and x."""
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]

    def loss(values, x):
        out, _ = layer.stateless_call(values, non_trainable, x, **call_kwargs)
        return sum(jnp.sum(o * o) for o in jax.tree_util.tree_leaves(out))

    return jax.grad(loss, argnums=(0, 1))(trainable, jnp.asarray(x))


def _paths(layer) -> list[str]:
    """Weight paths with the layer's own (counter-dependent) name cut."""
    prefix = layer.name + "/"
    assert all(v.path.startswith(prefix) for v in layer.weights)
    return [re.sub(r"_\d+/", "/", v.path[len(prefix) :]) for v in layer.weights]


def _assert_grads_equal(ours, theirs):
    (our_w, our_x), (their_w, their_x) = ours, theirs
    assert len(our_w) == len(their_w)
    for a, b in zip(our_w, their_w, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(our_x, their_x, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_outputs_states_and_gradients_equal_keras(case):
    name, kwargs = case
    theirs, ours = _pair(name, kwargs, X)
    their_out, our_out = _as_list(theirs(X)), _as_list(ours(X))
    assert len(our_out) == len(their_out)
    for a, b in zip(our_out, their_out, strict=True):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    _assert_grads_equal(_loss_grads(ours, X), _loss_grads(theirs, X))


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_weights_count_params_and_config_keys_equal_keras(case):
    name, kwargs = case
    theirs, ours = _pair(name, kwargs, X)
    assert _paths(ours) == _paths(theirs)
    assert _paths(ours)[0].endswith("_cell/kernel")
    assert [v.shape for v in ours.weights] == [
        tuple(v.shape) for v in theirs.weights
    ]
    assert ours.count_params() == theirs.count_params()
    their_config, our_config = theirs.get_config(), ours.get_config()
    assert set(our_config) == set(their_config)
    for key, value in their_config.items():
        if key != "name":
            assert our_config[key] == value, key


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("LSTM", {"return_sequences": True}),
        ("LSTM", {"return_state": True}),
        ("GRU", {"return_sequences": True, "go_backwards": True}),
        ("SimpleRNN", {"return_sequences": True}),
        ("GRU", {"reset_after": False}),
    ],
)
def test_masks_from_embedding_equal_keras(name, kwargs):
    def model(lib):
        inputs = lib.Input((4,), dtype="int32")
        h = lib.layers.Embedding(8, 2, mask_zero=True)(inputs)
        outputs = getattr(lib.layers, name)(3, **kwargs)(h)
        return lib.Model(inputs, outputs)

    theirs, ours = model(keras), model(ember)
    ours.set_weights(theirs.get_weights())
    for a, b in zip(
        _as_list(ours.predict(TOKENS, verbose=0)),
        _as_list(theirs.predict(TOKENS, verbose=0)),
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    if kwargs.get("return_sequences"):
        # The output mask reaches the next layer (Keras' and ours).
        their_mask = theirs.layers[-1].compute_mask(None, TOKENS != 0)
        our_mask = ours.layers[-1].compute_mask(None, TOKENS != 0)
        np.testing.assert_array_equal(our_mask, their_mask)


def test_mask_gradients_equal_keras():
    mask = TOKENS != 0
    theirs, ours = _pair("LSTM", {"return_sequences": True}, X)
    _assert_grads_equal(
        _loss_grads(ours, X, mask=mask),
        _loss_grads(theirs, X, mask=mask),
    )


def test_masked_output_feeds_the_next_layer_as_keras():
    def model(lib):
        inputs = lib.Input((4,), dtype="int32")
        h = lib.layers.Embedding(8, 2, mask_zero=True)(inputs)
        h = lib.layers.GRU(3, return_sequences=True)(h)
        outputs = lib.layers.LSTM(2)(h)
        return lib.Model(inputs, outputs)

    theirs, ours = model(keras), model(ember)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(
        ours.predict(TOKENS, verbose=0),
        theirs.predict(TOKENS, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.parametrize("return_state", [False, True])
def test_stacked_cells_equal_keras(return_state):
    def layer(lib):
        cells = [lib.layers.LSTMCell(3), lib.layers.GRUCell(2)]
        return lib.layers.RNN(
            cells, return_sequences=True, return_state=return_state
        )

    theirs, ours = layer(keras), layer(ember)
    theirs(X)
    ours(X)
    assert _paths(ours) == _paths(theirs)
    ours.set_weights(theirs.get_weights())
    their_out, our_out = _as_list(theirs(X)), _as_list(ours(X))
    assert len(our_out) == len(their_out)
    for a, b in zip(
        jax.tree_util.tree_leaves(our_out),
        jax.tree_util.tree_leaves(their_out),
        strict=True,
    ):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    _assert_grads_equal(_loss_grads(ours, X), _loss_grads(theirs, X))
    assert ours.get_config().keys() == theirs.get_config().keys()


def test_initial_state_equals_keras():
    h0 = RNG.normal(size=(3, 3)).astype("float32")
    c0 = RNG.normal(size=(3, 3)).astype("float32")
    mask = TOKENS != 0
    theirs, ours = _pair("LSTM", {"return_state": True}, X)
    expected = theirs(X, initial_state=[h0, c0], mask=mask)
    got = ours(X, initial_state=[h0, c0], mask=mask)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_rnn_cell_config_equals_keras():
    theirs = keras.layers.RNN(keras.layers.GRUCell(2, reset_after=False))
    ours = ember.layers.RNN(ember.layers.GRUCell(2, reset_after=False))
    their_config, our_config = theirs.get_config(), ours.get_config()
    their_cell, our_cell = their_config.pop("cell"), our_config.pop("cell")
    their_config.pop("name"), our_config.pop("name")
    assert our_config == their_config
    their_cell["config"].pop("name"), our_cell["config"].pop("name")
    assert our_cell == their_cell


def _model(lib):
    inputs = lib.Input((4, 2))
    h = lib.layers.LSTM(3, return_sequences=True)(inputs)
    h = lib.layers.GRU(2, reset_after=False)(h)
    return lib.Model(inputs, lib.layers.Dense(1)(h))


def test_keras_file_saved_by_ember_loads_in_keras(tmp_path):
    ours = _model(ember)
    path = str(tmp_path / "rnn.keras")
    ours.save(path)
    theirs = keras.saving.load_model(path)
    np.testing.assert_allclose(
        theirs.predict(X, verbose=0),
        ours.predict(X, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )


def test_keras_file_saved_by_keras_loads_in_ember(tmp_path):
    theirs = _model(keras)
    path = str(tmp_path / "rnn.keras")
    theirs.save(path)
    ours = ember.saving.load_model(path)
    assert [v.shape for v in ours.weights] == [
        tuple(v.shape) for v in theirs.weights
    ]
    np.testing.assert_allclose(
        ours.predict(X, verbose=0),
        theirs.predict(X, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("LSTM", {"dropout": 0.3}),
        ("LSTM", {"dropout": 0.3, "recurrent_dropout": 0.2}),
        ("GRU", {"dropout": 0.3, "recurrent_dropout": 0.2}),
        ("GRU", {"recurrent_dropout": 0.4, "reset_after": False}),
        ("SimpleRNN", {"dropout": 0.3, "recurrent_dropout": 0.2}),
    ],
)
def test_seeded_dropout_in_training_equals_keras(name, kwargs):
    theirs = getattr(keras.layers, name)(3, seed=7, **kwargs)
    ours = getattr(ember.layers, name)(3, seed=7, **kwargs)
    theirs.build(X.shape)
    ours.build(X.shape)
    ours.set_weights(theirs.get_weights())
    for _ in range(2):  # the second call draws new masks, as Keras'
        np.testing.assert_allclose(
            ours(X, training=True),
            theirs(X, training=True),
            rtol=1e-5,
            atol=1e-6,
        )


def test_weight_penalties_equal_keras():
    kwargs = {
        "kernel_regularizer": "l2",
        "recurrent_regularizer": "l1",
        "bias_regularizer": "l2",
    }
    theirs, ours = _pair("LSTM", kwargs, X)
    assert len(ours.losses) == len(theirs.losses) == 3
    np.testing.assert_allclose(
        sum(float(v) for v in ours.losses),
        sum(float(v) for v in theirs.losses),
        rtol=1e-5,
    )


def test_masking_layer_mask_reaches_the_rnn_as_keras():
    x = X.copy()
    x[0, 2:] = 0.0
    x[2, 0] = 0.0

    def model(lib):
        inputs = lib.Input((4, 2))
        h = lib.layers.Masking(0.0)(inputs)
        h = lib.layers.GRU(3, return_sequences=True, go_backwards=True)(h)
        return lib.Model(inputs, lib.layers.SimpleRNN(2)(h))

    theirs, ours = model(keras), model(ember)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(
        ours.predict(x, verbose=0),
        theirs.predict(x, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )


def test_stacked_weights_file_moves_both_ways(tmp_path):
    def model(lib):
        inputs = lib.Input((4, 2))
        cells = [lib.layers.LSTMCell(3), lib.layers.SimpleRNNCell(2)]
        return lib.Model(inputs, lib.layers.RNN(cells)(inputs))

    theirs, ours = model(keras), model(ember)
    path = str(tmp_path / "stacked.weights.h5")
    theirs.save_weights(path)
    ours.load_weights(path)
    np.testing.assert_allclose(
        ours.predict(X, verbose=0), theirs.predict(X, verbose=0), atol=1e-5
    )
    back = model(keras)
    ours.save_weights(path)
    back.load_weights(path)
    np.testing.assert_allclose(
        back.predict(X, verbose=0), ours.predict(X, verbose=0), atol=1e-5
    )


def _initial_state_model(lib):
    x, h, c = lib.Input((4, 2)), lib.Input((3,)), lib.Input((3,))
    seq, h_n, c_n = lib.layers.LSTM(
        3, return_sequences=True, return_state=True
    )(x, initial_state=[h, c])
    out = lib.layers.GRU(3)(seq, initial_state=h_n)
    return lib.Model([x, h, c], [out, c_n])


def test_functional_initial_state_equals_keras_and_loads(tmp_path):
    h0 = RNG.normal(size=(3, 3)).astype("float32")
    theirs, ours = _initial_state_model(keras), _initial_state_model(ember)
    ours.set_weights(theirs.get_weights())
    expected = theirs.predict([X, h0, h0], verbose=0)
    got = ours.predict([X, h0, h0], verbose=0)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
    path = str(tmp_path / "initial_state.keras")
    ours.save(path)
    loaded = keras.saving.load_model(path)
    got = loaded.predict([X, h0, h0], verbose=0)
    for a, b in zip(got, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)
