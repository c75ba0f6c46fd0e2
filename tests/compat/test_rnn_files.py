"""Files with recurrent layers move both ways between ember and Keras 3:
`.keras` archives and `.weights.h5` files holding LSTM, GRU (both
reset_after), stacked RNNs, TimeDistributed beside an LSTM and a
registered custom cell; the loaded model predicts as the one saved."""

import keras
import numpy as np
import pytest

import ember


def _define_minimal_cell(lib):
    """The same user-written cell, registered in each library:
    h_t = tanh(x_t @ kernel + h_{t-1} @ recurrent_kernel) * scale."""

    @lib.saving.register_keras_serializable(package="RnnFiles")
    class MinimalCell(lib.layers.Layer):
        def __init__(self, units, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.scale = scale
            self.state_size = units

        def build(self, input_shape):
            self.kernel = self.add_weight(
                shape=(input_shape[-1], self.units), name="kernel"
            )
            self.recurrent_kernel = self.add_weight(
                shape=(self.units, self.units), name="recurrent_kernel"
            )

        def call(self, inputs, states):
            previous = states[0] if isinstance(states, list | tuple) else states
            h = lib.ops.tanh(
                lib.ops.matmul(inputs, self.kernel)
                + lib.ops.matmul(previous, self.recurrent_kernel)
            )
            h = h * self.scale
            return h, [h]

        def get_config(self):
            return {
                **super().get_config(),
                "units": self.units,
                "scale": self.scale,
            }

    return MinimalCell


CELLS = {lib: _define_minimal_cell(lib) for lib in (ember, keras)}


def _lstm(lib):
    inputs = lib.Input((5, 3))
    h = lib.layers.LSTM(4, return_sequences=True, go_backwards=True)(inputs)
    h = lib.layers.LSTM(3)(h)
    return lib.Model(inputs, lib.layers.Dense(2)(h))


def _gru(lib):
    inputs = lib.Input((5, 3))
    h = lib.layers.GRU(4, return_sequences=True)(inputs)
    h = lib.layers.GRU(3, reset_after=False)(h)
    return lib.Model(inputs, lib.layers.Dense(2)(h))


def _stacked_cells(lib):
    inputs = lib.Input((5, 3))
    cells = [
        lib.layers.LSTMCell(4),
        lib.layers.GRUCell(3),
        lib.layers.SimpleRNNCell(2),
    ]
    return lib.Model(inputs, lib.layers.RNN(cells)(inputs))


def _time_distributed(lib):
    inputs = lib.Input((5, 3))
    h = lib.layers.TimeDistributed(lib.layers.Dense(4, activation="relu"))(
        inputs
    )
    h = lib.layers.LSTM(3, return_sequences=True)(h)
    h = lib.layers.TimeDistributed(lib.layers.Dense(1))(h)
    return lib.Model(inputs, h)


def _custom_cell(lib):
    inputs = lib.Input((5, 3))
    rnn = lib.layers.RNN(CELLS[lib](4, scale=0.5), return_sequences=True)
    h = rnn(inputs)
    return lib.Model(inputs, lib.layers.SimpleRNN(2)(h))


BUILDERS = {
    "lstm": _lstm,
    "gru": _gru,
    "stacked_cells": _stacked_cells,
    "time_distributed": _time_distributed,
    "custom_cell": _custom_cell,
}
X = np.random.default_rng(0).normal(size=(4, 5, 3)).astype("float32")


def _randomized(lib, name):
    """The model with seeded random weights (so a skipped weight shows)."""
    model = BUILDERS[name](lib)
    rng = np.random.default_rng(3)
    for weight in model.weights:
        value = rng.normal(scale=0.5, size=tuple(weight.shape))
        weight.assign(value.astype("float32"))
    return model


def _save(model, path, kind):
    if kind == "keras":
        model.save(path / "m.keras")
    else:
        model.save_weights(path / "m.weights.h5")


def _load(lib, name, path, kind):
    if kind == "keras":
        return lib.saving.load_model(path / "m.keras")
    model = BUILDERS[name](lib)
    model.load_weights(path / "m.weights.h5")
    return model


LIBS = {"keras_to_ember": (keras, ember), "ember_to_keras": (ember, keras)}


@pytest.mark.parametrize("kind", ["keras", "weights"])
@pytest.mark.parametrize("direction", sorted(LIBS))
@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_file_moves_and_predicts_the_same(tmp_path, name, direction, kind):
    writer, reader = LIBS[direction]
    source = _randomized(writer, name)
    _save(source, tmp_path, kind)
    loaded = _load(reader, name, tmp_path, kind)
    assert [tuple(v.shape) for v in loaded.weights] == [
        tuple(v.shape) for v in source.weights
    ]
    np.testing.assert_allclose(
        np.asarray(loaded.predict(X, verbose=0)),
        np.asarray(source.predict(X, verbose=0)),
        rtol=1e-5,
        atol=1e-5,
    )


@pytest.mark.parametrize("direction", sorted(LIBS))
def test_custom_cell_comes_back_as_the_readers_registered_class(
    tmp_path, direction
):
    writer, reader = LIBS[direction]
    _save(_randomized(writer, "custom_cell"), tmp_path, "keras")
    loaded = reader.saving.load_model(tmp_path / "m.keras")
    cell = loaded.layers[1].cell
    assert type(cell) is CELLS[reader]
    assert (cell.units, cell.scale) == (4, 0.5)
    assert [v.path.split("/")[-1] for v in cell.weights] == [
        "kernel",
        "recurrent_kernel",
    ]
