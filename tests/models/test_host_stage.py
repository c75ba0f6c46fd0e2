"""A model whose first layers run in numpy (text) trains like one fed the
host layers' results directly."""

import numpy as np
import pytest

import ember
from ember.core.symbolic import SymbolicTensor
from ember.layers.preprocessing.host_layer import HostLayer

L = ember.layers

WORDS = np.array(["good", "bad", "great", "awful", "nice", "poor"] * 8)
LABELS = np.array([1, 0, 1, 0, 1, 0] * 8, "float32")


class Codes(HostLayer):
    """The first four character codes of each string, modulo 50, 0-padded."""

    def call(self, inputs):
        flat = inputs.reshape(-1)
        codes = np.zeros((flat.shape[0], 4), "int32")
        for row, text in enumerate(flat):
            values = [ord(c) % 50 for c in text[:4]]
            codes[row, : len(values)] = values
        return codes

    def compute_output_spec(self, inputs):
        return SymbolicTensor((inputs.shape[0], 4), dtype="int32")


def codes(words):
    return Codes().call(np.asarray(words))


def device_part():
    """The layers after the host stage, on an int input."""
    inputs = ember.Input(shape=(4,), dtype="int32")
    x = L.Embedding(50, 4, name="embedding")(inputs)
    x = L.GlobalAveragePooling1D()(x)
    outputs = L.Dense(1, activation="sigmoid", name="dense")(x)
    return inputs, outputs


def text_model():
    inputs = ember.Input(shape=(1,), dtype="string")
    numbers, outputs = device_part()
    model = ember.Model(inputs, ember.Model(numbers, outputs)(Codes()(inputs)))
    return model


def pair(seed=1):
    """A text model and the same layers on codes, with equal weights."""
    ember.utils.set_random_seed(seed)
    inputs = ember.Input(shape=(1,), dtype="string")
    x = Codes()(inputs)
    x = L.Embedding(50, 4)(x)
    x = L.GlobalAveragePooling1D()(x)
    text = ember.Model(inputs, L.Dense(1, activation="sigmoid")(x))
    plain = ember.Model(*device_part())
    plain.set_weights(text.get_weights())
    for model in (text, plain):
        model.compile(ember.optimizers.SGD(0.5), "binary_crossentropy")
    return text, plain


def test_fit_evaluate_predict_on_text_equal_the_model_fed_codes():
    text, plain = pair()
    kwargs = dict(epochs=2, batch_size=5, shuffle=False, verbose=0)
    history = text.fit(WORDS, LABELS, validation_data=(WORDS, LABELS), **kwargs)
    expected = plain.fit(
        codes(WORDS),
        LABELS,
        validation_data=(codes(WORDS), LABELS),
        **kwargs,
    )
    np.testing.assert_allclose(
        history.history["val_loss"], expected.history["val_loss"], rtol=1e-6
    )
    for a, b in zip(text.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    assert text.evaluate(WORDS, LABELS, verbose=0) == pytest.approx(
        plain.evaluate(codes(WORDS), LABELS, verbose=0), rel=1e-6
    )
    np.testing.assert_allclose(
        text.predict(WORDS, batch_size=7, verbose=0),
        plain.predict(codes(WORDS), verbose=0),
        rtol=1e-6,
    )
    np.testing.assert_allclose(
        text(WORDS[:3, None]), plain(codes(WORDS[:3])), rtol=1e-6
    )
    loss = text.train_on_batch(WORDS[:4], LABELS[:4])
    assert loss == pytest.approx(
        plain.train_on_batch(codes(WORDS[:4]), LABELS[:4])
    )


@pytest.mark.filterwarnings("ignore:Your input ran out of data")
def test_a_generator_of_text_batches():
    text, plain = pair()

    def batches(x):
        for start in range(0, len(WORDS), 16):
            yield x[start : start + 16], LABELS[start : start + 16]

    text.fit(batches(WORDS), epochs=1, verbose=0)
    plain.fit(batches(codes(WORDS)), epochs=1, verbose=0)
    for a, b in zip(text.get_weights(), plain.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(
        text.predict(batches(WORDS), verbose=0),
        plain.predict(batches(codes(WORDS)), verbose=0),
        rtol=1e-6,
    )


def test_text_beside_a_numeric_input():
    words = ember.Input(shape=(1,), dtype="string", name="words")
    extra = ember.Input(shape=(2,), name="extra")
    x = L.Flatten()(L.Embedding(50, 2)(Codes()(words)))
    model = ember.Model([words, extra], L.Dense(1)(L.Concatenate()([x, extra])))
    model.compile("sgd", "mse")
    numbers = np.ones((len(WORDS), 2), "float32")
    model.fit([WORDS, numbers], LABELS, epochs=1, verbose=0)
    expected = model([WORDS[:, None], numbers])
    np.testing.assert_allclose(
        model.predict([WORDS, numbers], verbose=0), expected, rtol=1e-6
    )


@pytest.mark.parametrize("with_input", [True, False])
def test_sequential(with_input):
    layers = [Codes(), L.Embedding(50, 3), L.Flatten(), L.Dense(1)]
    if with_input:
        layers.insert(0, ember.Input(shape=(1,), dtype="string"))
    model = ember.Sequential(layers)
    model.compile("sgd", "mse")
    model.fit(WORDS, LABELS, epochs=1, batch_size=8, verbose=0)
    assert model.inputs[0].dtype == "string"
    np.testing.assert_allclose(
        model.predict(WORDS[:5], verbose=0), model(WORDS[:5, None]), rtol=1e-6
    )


def test_sequential_without_input_on_integers_keeps_their_dtype():
    # The first row builds the model with an integer Input, so IntegerLookup
    # (which refuses floats) sees the integers fit was given.
    lookup = L.IntegerLookup(vocabulary=[3, 5, 7], output_mode="one_hot")
    model = ember.Sequential([lookup, L.Dense(1)])
    model.compile("sgd", "mse")
    x = np.array([[3], [5], [7], [9]] * 4, "int64")
    model.fit(x, np.zeros(len(x)), epochs=1, batch_size=4, verbose=0)
    assert model.inputs[0].dtype in ("int32", "int64")
    np.testing.assert_allclose(
        model.predict(x[:4], verbose=0), model(x[:4]), rtol=1e-6
    )


def test_a_host_layer_after_a_device_layer_is_named():
    inputs = ember.Input(shape=(1,), dtype="string")
    x = L.Identity()(Codes(name="codes")(inputs))
    late = Codes(name="late")
    model = ember.Model(inputs, late(L.Lambda(lambda t: t)(x)))
    assert not any(node.operation is late for node in model._host.nodes)
    model.compile("sgd", "mse")
    with pytest.raises(TypeError, match='"late" .*cannot run inside'):
        model.fit(WORDS, np.zeros((len(WORDS), 4)), verbose=0)


def test_save_and_load_keeps_the_string_input(tmp_path):
    text, _ = pair()
    path = tmp_path / "text.keras"
    text.save(path)
    loaded = ember.saving.load_model(path, custom_objects={"Codes": Codes})
    assert loaded.inputs[0].dtype == "string"
    np.testing.assert_allclose(
        loaded.predict(WORDS, verbose=0), text.predict(WORDS, verbose=0)
    )
