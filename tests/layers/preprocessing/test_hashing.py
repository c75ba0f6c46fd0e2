"""Hashing against Keras' and TensorFlow's documented examples, bins
worked out from FarmHash64 of the values' text, config and .keras round
trips, error messages, and a fit on strings."""

import jax
import numpy as np
import pytest

import ember
from ember.layers.preprocessing._string_hash import fingerprint64

Hashing = ember.layers.Hashing
LETTERS = [["A"], ["B"], ["C"], ["D"], ["E"]]


def values(x):
    return np.asarray(x).tolist()


def test_keras_documented_examples():
    assert values(Hashing(num_bins=3)(LETTERS)) == [[1], [0], [1], [1], [2]]
    masked = Hashing(num_bins=3, mask_value="")
    assert values(masked([["A"], ["B"], [""], ["C"], ["D"]])) == [
        [1],
        [1],
        [0],
        [2],
        [2],
    ]
    salted = Hashing(num_bins=3, salt=[133, 137])
    assert values(salted(LETTERS)) == [[1], [2], [1], [0], [2]]
    assert values(Hashing(num_bins=3, salt=133)(LETTERS)) == [
        [0],
        [0],
        [2],
        [1],
        [0],
    ]


def test_tensorflow_documented_examples():
    # tf.strings.to_hash_bucket_fast and _strong, which Keras calls.
    assert values(Hashing(3)(["Hello", "TensorFlow", "2.x"])) == [0, 2, 2]
    assert values(Hashing(3, salt=[1, 2])(["Hello", "TF"])) == [2, 0]


def test_numbers_are_hashed_as_their_decimal_text():
    numbers = np.array([[7, -12], [0, 123456789012]])
    expected = [
        [fingerprint64(str(v).encode()) % 5 for v in row]
        for row in numbers.tolist()
    ]
    assert values(Hashing(5)(numbers)) == expected
    assert values(Hashing(5)(numbers.astype(str))) == expected
    # Floats are truncated to integers first, as Keras casts to int64.
    assert values(Hashing(5)(np.array([7.9, -12.5]))) == expected[0]
    booleans = [fingerprint64(t) % 5 for t in (b"true", b"false")]
    assert values(Hashing(5)(np.array([True, False]))) == booleans


def test_mask_value_takes_bin_zero():
    layer = Hashing(4, mask_value=0)
    bin_of_5 = fingerprint64(b"5") % 3 + 1
    assert values(layer(np.array([0, 5, 0]))) == [0, bin_of_5, 0]
    # With a single bin there is no room for a mask, as in Keras.
    assert values(Hashing(1, mask_value="")(["", "a"])) == [0, 0]
    with pytest.raises(ValueError, match=r'"mask_check".*mask_value=0'):
        Hashing(4, mask_value=0, name="mask_check")(["a"])


def test_encodings():
    one_hot = Hashing(3, output_mode="one_hot")(LETTERS)
    assert values(one_hot) == [
        [0, 1, 0],
        [1, 0, 0],
        [0, 1, 0],
        [0, 1, 0],
        [0, 0, 1],
    ]
    assert one_hot.dtype == np.float32
    # A: bin 1, B: bin 0, C: bin 1.
    rows = [["A", "B"], ["C", "C"]]
    multi = Hashing(3, output_mode="multi_hot")(rows)
    assert values(multi) == [[1, 1, 0], [0, 1, 0]]
    count = Hashing(3, output_mode="count")(rows)
    assert values(count) == [[1, 1, 0], [0, 2, 0]]
    # One-hot of a sample axis longer than 1 adds an axis.
    assert Hashing(3, output_mode="one_hot")(rows).shape == (2, 2, 3)
    assert values(Hashing(3, output_mode="one_hot")("A")) == [[0, 1, 0]]


@pytest.mark.parametrize(
    "output_mode, shape",
    [("int", (2, 3)), ("one_hot", (2, 3, 4)), ("multi_hot", (2, 4))],
)
def test_symbolic_shape_equals_eager_shape(output_mode, shape):
    layer = Hashing(4, output_mode=output_mode)
    symbolic = layer(ember.Input(shape=(3,), dtype="string"))
    assert symbolic.shape == (None, *shape[1:])
    assert symbolic.dtype == ("int64" if output_mode == "int" else "float32")
    assert layer(np.full((2, 3), "x")).shape == shape
    assert layer.compute_output_shape((None, 3)) == symbolic.shape
    squeezed = Hashing(4, output_mode="one_hot")(
        ember.Input(shape=(1,), dtype="int64")
    )
    assert squeezed.shape == (None, 4)


def test_int32_output():
    layer = Hashing(3, dtype="int32")
    assert layer(ember.Input(shape=(1,), dtype="string")).dtype == "int32"
    assert values(layer(LETTERS)) == [[1], [0], [1], [1], [2]]


def test_config_round_trip_matches_keras_keys():
    layer = Hashing(num_bins=3, salt=133, mask_value="", name="h")
    config = layer.get_config()
    assert set(config) == {
        "name",
        "trainable",
        "dtype",
        "num_bins",
        "salt",
        "mask_value",
        "output_mode",
        "sparse",
    }
    # As Keras: one integer salt is written as the pair it stands for.
    assert config["salt"] == [133, 133]
    assert config["dtype"]["config"]["name"] == "int64"
    clone = Hashing.from_config(config)
    assert clone.get_config() == config
    assert values(clone(LETTERS)) == values(layer(LETTERS))
    restored = ember.layers.deserialize(ember.layers.serialize(layer))
    assert isinstance(restored, Hashing)
    assert restored.get_config() == config
    hot = Hashing(3, output_mode="count").get_config()
    assert hot["dtype"]["config"]["name"] == "float32"


def test_errors_name_the_layer_and_the_value():
    for num_bins in (0, -2, None, 2.5):
        with pytest.raises(ValueError, match=f"num_bins={num_bins}"):
            Hashing(num_bins)
    for salt in ("abc", (1, 2, 3), [1, "2"], 1.5):
        with pytest.raises(ValueError, match=r"Hashing: `salt`.*Received"):
            Hashing(3, salt=salt)
    with pytest.raises(ValueError, match="output_mode='binary'"):
        Hashing(3, output_mode="binary")
    with pytest.raises(ValueError, match="sparse=True"):
        Hashing(3, output_mode="count", sparse=True)
    with pytest.raises(ValueError, match=r"dtype='float32'"):
        Hashing(3, dtype="float32")
    with pytest.raises(ValueError, match=r'"words" hashes strings.*complex'):
        Hashing(3, name="words")(np.array([1j]))
    with pytest.raises(ValueError, match=r'"words" hashes strings.*complex64'):
        Hashing(3, name="words")(ember.Input(shape=(2,), dtype="complex64"))


def test_cannot_run_inside_a_compiled_function():
    layer = Hashing(3, name="hasher")
    with pytest.raises(TypeError, match='"hasher" .*cannot run inside'):
        jax.jit(layer)(np.zeros((2,), "int32"))


def _string_model():
    inputs = ember.Input(shape=(1,), dtype="string")
    hashed = ember.layers.Hashing(8, output_mode="one_hot")(inputs)
    model = ember.Model(inputs, ember.layers.Dense(1)(hashed))
    model.compile(optimizer=ember.optimizers.SGD(0.5), loss="mse")
    return model


def test_fit_on_strings_and_keras_file_round_trip(tmp_path):
    x = np.array([["a"], ["b"], ["c"], ["d"]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    model = _string_model()
    history = model.fit(x, y, epochs=5, batch_size=2, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    path = tmp_path / "hashing.keras"
    model.save(path)
    loaded = ember.saving.load_model(path)
    assert isinstance(loaded.layers[1], Hashing)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )
