"""ConvLSTM1D/2D/3D against Keras 3 (JAX backend): Keras' weights copied
in, the same outputs, final states and gradients (within 1e-5), the same
weight paths, shapes and order, count_params and configs; seeded dropout,
initial states, masks; `.keras` files both ways."""

import re

import jax
import jax.numpy as jnp
import keras
import numpy as np
import pytest

import ember

RNG = np.random.default_rng(0)
# batch 2, time 3, 5x5 pixels, 2 channels (and the 1D / 3D analogues).
SHAPES = {
    "ConvLSTM1D": (2, 3, 6, 2),
    "ConvLSTM2D": (2, 3, 5, 5, 2),
    "ConvLSTM3D": (1, 2, 4, 4, 3, 2),
}
INPUTS = {
    name: RNG.normal(size=shape).astype("float32")
    for name, shape in SHAPES.items()
}
CHANNELS_FIRST = RNG.normal(size=(2, 3, 2, 5, 4)).astype("float32")

CASES = [
    ("ConvLSTM2D", {}),
    ("ConvLSTM2D", {"return_sequences": True}),
    ("ConvLSTM2D", {"return_state": True}),
    ("ConvLSTM2D", {"go_backwards": True, "return_sequences": True}),
    ("ConvLSTM2D", {"padding": "same", "return_state": True}),
    ("ConvLSTM2D", {"strides": 2, "return_sequences": True}),
    ("ConvLSTM2D", {"padding": "same", "strides": (2, 1)}),
    ("ConvLSTM2D", {"dilation_rate": 2, "padding": "same"}),
    ("ConvLSTM2D", {"use_bias": False, "activation": "relu"}),
    ("ConvLSTM2D", {"unroll": True, "return_state": True}),
    ("ConvLSTM2D", {"data_format": "channels_first", "return_state": True}),
    ("ConvLSTM1D", {"return_sequences": True, "padding": "same"}),
    ("ConvLSTM1D", {"strides": 2, "return_state": True}),
    ("ConvLSTM3D", {"return_state": True, "go_backwards": True}),
    ("ConvLSTM3D", {"padding": "same", "return_sequences": True}),
]


def _ids(case):
    name, kwargs = case
    return name + "".join(f"-{k}={v}" for k, v in sorted(kwargs.items()))


def _input(name, kwargs):
    if kwargs.get("data_format") == "channels_first":
        return CHANNELS_FIRST
    return INPUTS[name]


def _as_list(outputs):
    if isinstance(outputs, list | tuple):
        return list(outputs)
    return [outputs]


def _pair(name, kwargs, x):
    """A Keras layer and the ember layer with Keras' weights, both built."""
    theirs = getattr(keras.layers, name)(3, 3, **kwargs)
    ours = getattr(ember.layers, name)(3, 3, **kwargs)
    theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    return theirs, ours


def _loss_grads(layer, x, **call_kwargs):
    """Gradients of the sum of squared outputs (and states), by jax.grad of
    the layer's stateless_call, for the weights and x."""
    trainable = [v.value for v in layer.trainable_variables]
    non_trainable = [v.value for v in layer.non_trainable_variables]

    def loss(values, x):
        out, _ = layer.stateless_call(values, non_trainable, x, **call_kwargs)
        return sum(jnp.sum(o * o) for o in jax.tree_util.tree_leaves(out))

    return jax.grad(loss, argnums=(0, 1))(trainable, jnp.asarray(x))


def _assert_all_close(ours, theirs):
    ours, theirs = _as_list(ours), _as_list(theirs)
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs, strict=True):
        assert tuple(a.shape) == tuple(b.shape)
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_ids)
def test_outputs_states_and_gradients_equal_keras(case):
    name, kwargs = case
    x = _input(name, kwargs)
    theirs, ours = _pair(name, kwargs, x)
    _assert_all_close(ours(x), theirs(x))
    (our_w, our_x), (their_w, their_x) = (
        _loss_grads(ours, x),
        _loss_grads(theirs, x),
    )
    _assert_all_close(our_w, their_w)
    _assert_all_close(our_x, their_x)


def _paths(layer) -> list[str]:
    """Weight paths with the layer's own (counter-dependent) name cut."""
    prefix = layer.name + "/"
    assert all(v.path.startswith(prefix) for v in layer.weights)
    return [re.sub(r"_\d+/", "/", v.path[len(prefix) :]) for v in layer.weights]


@pytest.mark.parametrize(
    "case",
    [CASES[0], CASES[6], CASES[8], CASES[10], CASES[11], CASES[13]],
    ids=_ids,
)
def test_weights_count_params_and_config_equal_keras(case):
    name, kwargs = case
    theirs, ours = _pair(name, kwargs, _input(name, kwargs))
    assert _paths(ours) == _paths(theirs)
    assert (
        _paths(ours)
        == [
            "conv_lstm_cell/kernel",
            "conv_lstm_cell/recurrent_kernel",
            "conv_lstm_cell/bias",
        ][: len(theirs.weights)]
    )
    assert [v.shape for v in ours.weights] == [
        tuple(v.shape) for v in theirs.weights
    ]
    assert ours.count_params() == theirs.count_params()
    their_config, our_config = theirs.get_config(), ours.get_config()
    assert set(our_config) == set(their_config)
    for key, value in their_config.items():
        if key != "name":
            assert our_config[key] == value, key


def test_unit_forget_bias_initial_bias_equals_keras():
    x = INPUTS["ConvLSTM2D"]
    theirs, ours = keras.layers.ConvLSTM2D(2, 3), ember.layers.ConvLSTM2D(2, 3)
    theirs(x)
    ours(x)
    np.testing.assert_array_equal(ours.cell.bias.numpy(), theirs.cell.bias)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"dropout": 0.3},
        {"recurrent_dropout": 0.4, "return_sequences": True},
        {"dropout": 0.2, "recurrent_dropout": 0.2, "return_state": True},
    ],
)
def test_seeded_dropout_in_training_equals_keras(kwargs):
    x = INPUTS["ConvLSTM2D"]
    theirs, ours = _pair("ConvLSTM2D", {"seed": 7, **kwargs}, x)
    _assert_all_close(ours(x, training=True), theirs(x, training=True))
    _assert_all_close(ours(x, training=True), theirs(x, training=True))


def test_initial_state_equals_keras():
    x = INPUTS["ConvLSTM2D"]
    kwargs = {"padding": "same", "return_state": True}
    theirs, ours = _pair("ConvLSTM2D", kwargs, x)
    h0 = RNG.normal(size=(2, 5, 5, 3)).astype("float32")
    c0 = RNG.normal(size=(2, 5, 5, 3)).astype("float32")
    _assert_all_close(
        ours(x, initial_state=[h0, c0]), theirs(x, initial_state=[h0, c0])
    )


@pytest.mark.parametrize("unroll", [False, True])
def test_mask_equals_keras_unrolled(unroll):
    # Keras' JAX scan cannot broadcast a (batch, time) mask over image
    # states; its unrolled loop can, so it is the reference here.
    x = INPUTS["ConvLSTM2D"]
    kwargs = {"return_sequences": True, "return_state": True}
    theirs = keras.layers.ConvLSTM2D(3, 3, unroll=True, **kwargs)
    ours = ember.layers.ConvLSTM2D(3, 3, unroll=unroll, **kwargs)
    theirs(x)
    ours(x)
    ours.set_weights(theirs.get_weights())
    mask = np.array([[True, True, False], [False, True, True]])
    _assert_all_close(ours(x, mask=mask), theirs(x, mask=mask))


def _model(lib):
    inputs = lib.Input(SHAPES["ConvLSTM2D"][1:])
    h = lib.layers.ConvLSTM2D(
        3, 3, padding="same", strides=2, return_sequences=True
    )(inputs)
    h = lib.layers.ConvLSTM2D(2, 2, go_backwards=True)(h)
    h = lib.layers.Flatten()(h)
    return lib.Model(inputs, lib.layers.Dense(1)(h))


def test_keras_file_saved_by_ember_loads_in_keras(tmp_path):
    x = INPUTS["ConvLSTM2D"]
    ours = _model(ember)
    path = str(tmp_path / "conv_lstm.keras")
    ours.save(path)
    theirs = keras.saving.load_model(path)
    np.testing.assert_allclose(
        theirs.predict(x, verbose=0),
        ours.predict(x, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )


def test_keras_file_saved_by_keras_loads_in_ember(tmp_path):
    x = INPUTS["ConvLSTM2D"]
    theirs = _model(keras)
    path = str(tmp_path / "conv_lstm.keras")
    theirs.save(path)
    ours = ember.saving.load_model(path)
    assert [v.path for v in ours.weights] == [v.path for v in theirs.weights]
    np.testing.assert_allclose(
        ours.predict(x, verbose=0),
        theirs.predict(x, verbose=0),
        rtol=1e-5,
        atol=1e-5,
    )
