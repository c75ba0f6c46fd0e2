"""ConvLSTM1D/2D/3D: output shapes by hand, a 1x1 kernel equal to an LSTM
per pixel, the input convolution outside the scan, masks, states, errors
and the config round trip."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


@pytest.mark.parametrize(
    "cls, kwargs, shape, expected",
    [
        # 7 - 3 + 1 = 5 steps of the 1D signal.
        (layers.ConvLSTM1D, {}, (2, 3, 7, 2), (2, 5, 4)),
        (layers.ConvLSTM1D, {"strides": 2}, (2, 3, 7, 2), (2, 3, 4)),
        (layers.ConvLSTM1D, {"dilation_rate": 2}, (2, 3, 7, 2), (2, 3, 4)),
        (layers.ConvLSTM2D, {}, (2, 3, 5, 6, 2), (2, 3, 4, 4)),
        # "same" with stride 2: ceil(5 / 2) = 3, ceil(6 / 2) = 3.
        (
            layers.ConvLSTM2D,
            {"padding": "same", "strides": 2},
            (2, 3, 5, 6, 2),
            (2, 3, 3, 4),
        ),
        # valid, stride 2: (5 - 3) // 2 + 1 = 2, (6 - 3) // 2 + 1 = 2.
        (layers.ConvLSTM2D, {"strides": 2}, (2, 3, 5, 6, 2), (2, 2, 2, 4)),
        (
            layers.ConvLSTM2D,
            {"data_format": "channels_first"},
            (2, 3, 2, 5, 6),
            (2, 4, 3, 4),
        ),
        (layers.ConvLSTM3D, {}, (1, 2, 4, 5, 3, 1), (1, 2, 3, 1, 4)),
        (
            layers.ConvLSTM3D,
            {"padding": "same"},
            (1, 2, 4, 5, 3, 1),
            (1, 4, 5, 3, 4),
        ),
    ],
)
def test_output_shapes_by_hand(cls, kwargs, shape, expected):
    layer = cls(4, 3, return_sequences=True, return_state=True, **kwargs)
    x = _x(*shape)
    sequences, h, c = layer(x)
    steps = shape[1]
    assert sequences.shape == (expected[0], steps, *expected[1:])
    assert h.shape == c.shape == expected
    np.testing.assert_array_equal(sequences[:, -1], h)
    assert layer.compute_output_shape(shape) == (
        (expected[0], steps, *expected[1:]),
        expected,
        expected,
    )
    last = cls(4, 3, **kwargs)
    assert last(x).shape == expected == last.compute_output_shape(shape)


def test_symbolic_shape_with_unknown_batch_and_time():
    inputs = ember.Input((None, 5, 5, 2))
    outputs = layers.ConvLSTM2D(3, 3, return_sequences=True)(inputs)
    assert tuple(outputs.shape) == (None, None, 3, 3, 3)


def test_weights_paths_shapes_and_forget_bias():
    layer = layers.ConvLSTM2D(3, (2, 3), name="conv_lstm2d")
    layer(_x(2, 3, 5, 5, 2))
    assert [(v.path, v.shape) for v in layer.weights] == [
        ("conv_lstm2d/conv_lstm_cell/kernel", (2, 3, 2, 12)),
        ("conv_lstm2d/conv_lstm_cell/recurrent_kernel", (2, 3, 3, 12)),
        ("conv_lstm2d/conv_lstm_cell/bias", (12,)),
    ]
    np.testing.assert_array_equal(
        layer.cell.bias.numpy(), [0] * 3 + [1] * 3 + [0] * 6
    )
    assert layer.count_params() == 6 * 2 * 12 + 6 * 3 * 12 + 12
    assert layer.filters == 3 and layer.kernel_size == (2, 3)


@pytest.mark.parametrize("go_backwards", [False, True])
def test_one_by_one_kernel_is_an_lstm_per_pixel(go_backwards):
    # With kernel_size 1 each pixel runs its own LSTM (same weights).
    x = _x(2, 3, 4, 5, 2)
    conv = layers.ConvLSTM2D(
        3, 1, return_sequences=True, go_backwards=go_backwards
    )
    lstm = layers.LSTM(3, return_sequences=True, go_backwards=go_backwards)
    out = conv(x)
    lstm(np.zeros((1, 3, 2), "float32"))
    kernel, recurrent, bias = conv.get_weights()
    lstm.set_weights([kernel[0, 0], recurrent[0, 0], bias])
    pixels = np.transpose(x, (0, 2, 3, 1, 4)).reshape(2 * 4 * 5, 3, 2)
    expected = np.asarray(lstm(pixels)).reshape(2, 4, 5, 3, 3)
    np.testing.assert_allclose(
        out, np.transpose(expected, (0, 3, 1, 2, 4)), rtol=1e-5, atol=1e-6
    )


def test_channels_first_equals_channels_last_transposed():
    x = _x(2, 3, 5, 5, 2)
    last = layers.ConvLSTM2D(3, 3, padding="same", return_sequences=True)
    first = layers.ConvLSTM2D(
        3,
        3,
        padding="same",
        return_sequences=True,
        data_format="channels_first",
    )
    out = last(x)
    first(np.transpose(x, (0, 1, 4, 2, 3)))
    first.set_weights(last.get_weights())
    np.testing.assert_allclose(
        first(np.transpose(x, (0, 1, 4, 2, 3))),
        np.transpose(out, (0, 1, 4, 2, 3)),
        rtol=1e-5,
        atol=1e-6,
    )


def _conv_counts(jaxpr):
    """`(outside, inside)`: convolutions outside any scan and inside the
    scan bodies."""
    outside = inside = 0
    for eqn in jaxpr.eqns:
        if eqn.primitive.name == "conv_general_dilated":
            outside += 1
        elif eqn.primitive.name == "scan":
            body = eqn.params["jaxpr"].jaxpr
            inside += sum(
                e.primitive.name == "conv_general_dilated" for e in body.eqns
            )
    return outside, inside


def test_input_convolution_runs_once_before_the_scan():
    # Four channels in and out: patches of 36 values, past the size that
    # CPU convolutions run as one matrix product, so the convolutions stay.
    layer = layers.ConvLSTM2D(4, 3, return_sequences=True)
    x = _x(2, 4, 5, 5, 4)
    layer(x)
    trainable = [v.value for v in layer.trainable_variables]
    # The seed generator's state.
    non_trainable = [v.value for v in layer.non_trainable_variables]

    def run(trainable, x):
        return layer.stateless_call(trainable, non_trainable, x)[0]

    jaxpr = jax.make_jaxpr(run)(trainable, x).jaxpr
    assert _conv_counts(jaxpr) == (1, 1)
    np.testing.assert_allclose(
        jax.jit(run)(trainable, x), layer(x), rtol=1e-6, atol=1e-6
    )


def test_unroll_equals_scan():
    x = _x(2, 3, 5, 5, 2)
    scan = layers.ConvLSTM2D(3, 3, return_sequences=True, go_backwards=True)
    unrolled = layers.ConvLSTM2D(
        3, 3, return_sequences=True, go_backwards=True, unroll=True
    )
    out = scan(x)
    unrolled(x)
    unrolled.set_weights(scan.get_weights())
    np.testing.assert_allclose(unrolled(x), out, rtol=1e-6, atol=1e-6)


def test_masked_steps_keep_each_samples_states():
    x = _x(2, 3, 5, 5, 2)
    layer = layers.ConvLSTM2D(3, 3, return_sequences=True, return_state=True)
    mask = np.array([[True, True, False], [True, True, True]])
    sequences, h, c = layer(x, mask=mask)
    _, h_two, c_two = layer(x[:, :2])
    # Sample 0 stops after two steps: the third repeats the second.
    np.testing.assert_allclose(h[0], h_two[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(c[0], c_two[0], rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(sequences[0, 2], sequences[0, 1])
    _, h_all, _ = layer(x)
    np.testing.assert_allclose(h[1], h_all[1], rtol=1e-6, atol=1e-6)


def test_initial_state_and_stateful_continue_the_sequence():
    x = _x(2, 4, 5, 5, 2)
    layer = layers.ConvLSTM2D(3, 3, padding="same", return_state=True)
    full, _, _ = layer(x)
    _, h, c = layer(x[:, :2])
    resumed, _, _ = layer(x[:, 2:], initial_state=[h, c])
    np.testing.assert_allclose(resumed, full, rtol=1e-5, atol=1e-6)

    stateful = layers.ConvLSTM2D(3, 3, padding="same", stateful=True)
    stateful(x[:, :2])
    stateful.set_weights(layer.get_weights())
    stateful.reset_state()
    stateful(x[:, :2])
    np.testing.assert_allclose(stateful(x[:, 2:]), full, rtol=1e-5, atol=1e-6)
    stateful.reset_state()
    np.testing.assert_allclose(
        stateful(x[:, 2:]), layer(x[:, 2:])[0], rtol=1e-5, atol=1e-6
    )


def test_dropout_only_in_training_and_seeded():
    x = _x(2, 3, 5, 5, 2)
    layer = layers.ConvLSTM2D(3, 3, dropout=0.5, recurrent_dropout=0.5, seed=1)
    inference = layer(x)
    np.testing.assert_array_equal(layer(x), inference)
    assert not np.allclose(layer(x, training=True), inference)


def test_cell_step_equals_layer_over_one_step():
    x = _x(2, 1, 5, 5, 2)
    layer = layers.ConvLSTM2D(3, 3, padding="same")
    out = layer(x)
    h0, c0 = layer.cell.get_initial_state(2)
    assert h0.shape == (2, 5, 5, 3)
    step, (h, c) = layer.cell(jnp.asarray(x[:, 0]), [h0, c0])
    np.testing.assert_allclose(step, out, rtol=1e-6, atol=1e-6)
    np.testing.assert_array_equal(step, h)


@pytest.mark.parametrize(
    "cls, shape, rank",
    [
        (layers.ConvLSTM2D, (2, 3, 5, 2), 5),
        (layers.ConvLSTM2D, (2, 3, 5, 5, 5, 2), 5),
        (layers.ConvLSTM1D, (2, 5, 2), 4),
        (layers.ConvLSTM3D, (2, 3, 5, 5, 2), 6),
    ],
)
def test_wrong_rank_is_an_error_before_weights_exist(cls, shape, rank):
    layer = cls(3, 3)
    with pytest.raises(ValueError, match=rf"{cls.__name__}.*{rank}") as error:
        layer(_x(*shape))
    assert str(shape) in str(error.value)
    with pytest.raises(ValueError, match=f"rank {rank}"):
        layer.build(shape)
    assert layer.weights == []


def test_unknown_spatial_dimension_is_an_error():
    layer = layers.ConvLSTM2D(3, 3, name="video")
    with pytest.raises(ValueError, match=r'"video" needs known spatial'):
        layer(ember.Input((3, None, 5, 2)))
    assert layer.weights == []


def test_too_small_input_is_an_error_before_weights_exist():
    layer = layers.ConvLSTM2D(3, 4, name="small")
    with pytest.raises(
        ValueError, match=r'"small": input shape \(2, 3, 3, 3, 2\) is too small'
    ):
        layer(_x(2, 3, 3, 3, 2))
    assert layer.weights == []


def test_initial_state_of_wrong_shape_is_an_error():
    layer = layers.ConvLSTM2D(3, 3, name="clstm")
    x = _x(2, 3, 5, 5, 2)
    wrong = [np.zeros((2, 5, 5, 3), "float32")] * 2
    with pytest.raises(ValueError, match=r'"clstm".*\(2, 3, 3, 3\).*5, 5'):
        layer(x, initial_state=wrong)
    assert layer.weights == []
    with pytest.raises(ValueError, match="2 initial state"):
        layer(x, initial_state=wrong[:1])


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"filters": 0, "kernel_size": 3}, "filters"),
        ({"filters": 2, "kernel_size": (3, 3, 3)}, "kernel_size"),
        ({"filters": 2, "kernel_size": 3, "padding": "causal"}, "padding"),
        (
            {"filters": 2, "kernel_size": 3, "strides": 2, "dilation_rate": 2},
            "dilation_rate",
        ),
        ({"filters": 2, "kernel_size": 3, "activation": "nope"}, "nope"),
    ],
)
def test_invalid_arguments_are_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        layers.ConvLSTM2D(**kwargs)


def test_config_round_trip_keeps_arguments():
    layer = layers.ConvLSTM3D(
        2,
        (1, 2, 3),
        strides=(1, 1, 2),
        padding="same",
        data_format="channels_first",
        recurrent_activation="hard_sigmoid",
        unit_forget_bias=False,
        kernel_regularizer="l2",
        dropout=0.25,
        seed=3,
        return_sequences=True,
        go_backwards=True,
        unroll=True,
    )
    config = layer.get_config()
    assert config["kernel_size"] == (1, 2, 3)
    assert config["strides"] == (1, 1, 2)
    assert "rank" not in config and "cell" not in config
    clone = layers.ConvLSTM3D.from_config(config)
    assert clone.get_config() == config
    assert clone.cell.dropout == 0.25 and clone.go_backwards


def test_cell_alone_draws_dropout_masks_only_in_training():
    layer = layers.ConvLSTM2D(3, 3, dropout=0.5, recurrent_dropout=0.5)
    layer(_x(2, 1, 5, 5, 2))
    cell = layer.cell
    before = np.asarray(cell.seed_generator.state.value)
    h0, c0 = cell.get_initial_state(2)
    cell(jnp.asarray(_x(2, 5, 5, 2)), [h0, c0])
    np.testing.assert_array_equal(cell.seed_generator.state.value, before)


def test_fit_reduces_the_loss():
    inputs = ember.Input((3, 5, 5, 2))
    h = layers.ConvLSTM2D(2, 3, padding="same", strides=2)(inputs)
    outputs = layers.Dense(1)(layers.Flatten()(h))
    model = ember.Model(inputs, outputs)
    model.compile(optimizer=ember.optimizers.Adam(0.01), loss="mse")
    x = RNG.random((16, 3, 5, 5, 2)).astype("float32")
    y = x.mean(axis=(1, 2, 3, 4))[:, None]
    history = model.fit(x, y, epochs=4, batch_size=8, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
