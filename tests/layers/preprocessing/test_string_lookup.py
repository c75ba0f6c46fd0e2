"""StringLookup against Keras' documented examples and hand-computed
vocabularies, indices and encodings (Keras' own layer needs TensorFlow)."""

import numpy as np
import pytest

import ember

StringLookup = ember.layers.StringLookup
VOCAB = ["a", "b", "c", "d"]
DATA = [["a", "c", "d"], ["d", "z", "b"]]
SAMPLES = [["a", "c", "d", "d"], ["d", "z", "b", "z"]]


def values(x):
    return np.asarray(x).tolist()


def test_known_vocabulary_maps_oov_to_index_0():
    layer = StringLookup(vocabulary=VOCAB)
    assert values(layer(DATA)) == [[1, 3, 4], [4, 0, 2]]
    assert layer.get_vocabulary() == ["[UNK]", *VOCAB]
    assert layer.vocabulary_size() == 5


def test_adapt_orders_by_count_then_by_descending_token():
    layer = StringLookup()
    layer.adapt(DATA)
    # "d" twice first; the others once each, the greater string first.
    assert layer.get_vocabulary() == ["[UNK]", "d", "z", "c", "b", "a"]
    assert values(layer(DATA)) == [[5, 3, 1], [1, 2, 4]]
    assert layer.get_vocabulary(include_special_tokens=False) == [
        "d",
        "z",
        "c",
        "b",
        "a",
    ]


def test_adapt_from_bytes_arrays_and_generators():
    expected = ["[UNK]", "d", "z", "c", "b", "a"]
    layer = StringLookup()
    layer.adapt(np.array(DATA, dtype="S"))
    assert layer.get_vocabulary() == expected

    def batches():
        yield np.array(DATA[0])
        yield (np.array(DATA[1]), np.zeros(3))  # an (x, y) batch

    layer = StringLookup()
    layer.adapt(batches())
    assert layer.get_vocabulary() == expected
    layer = StringLookup()
    layer.adapt(iter([DATA[0], DATA[1], ["q"]]), steps=2)
    assert "q" not in layer.get_vocabulary()


def test_max_tokens_keeps_the_most_frequent():
    layer = StringLookup(max_tokens=3)
    layer.adapt(["x", "y", "y", "z", "z", "w", "w"])
    # Counts: w 2, y 2, z 2, x 1; ties: the greater token first.
    assert layer.get_vocabulary() == ["[UNK]", "z", "y"]


def test_two_oov_indices_hash_like_tensorflow():
    layer = StringLookup(vocabulary=VOCAB, num_oov_indices=2)
    data = [["a", "c", "d"], ["m", "z", "b"]]
    assert values(layer(data)) == [[2, 4, 5], [0, 1, 3]]


def test_salted_oov_buckets_use_siphash():
    # Keras' Hashing(num_bins=3, salt=133) puts A..E into these bins.
    layer = StringLookup(vocabulary=["x"], num_oov_indices=3, salt=133)
    assert values(layer(list("ABCDE"))) == [0, 0, 2, 1, 0]
    assert layer.get_config()["salt"] == [133, 133]


def test_no_oov_indices_makes_oov_an_error():
    layer = StringLookup(vocabulary=VOCAB, num_oov_indices=0)
    assert values(layer(["a", "d"])) == [0, 3]
    with pytest.raises(ValueError, match=r"OOV values \['q', 'z'\]"):
        layer(["a", "z", "q"])


def test_mask_token_is_index_0_in_int_mode_and_dropped_otherwise():
    layer = StringLookup(vocabulary=VOCAB, mask_token="")
    assert layer.get_vocabulary() == ["", "[UNK]", *VOCAB]
    assert values(layer([["a", "", "z"]])) == [[2, 0, 1]]
    hot = StringLookup(vocabulary=VOCAB, mask_token="", output_mode="count")
    assert hot.get_vocabulary() == ["[UNK]", *VOCAB]
    assert values(hot([["a", "", "a"]])) == [[0, 2, 0, 0, 0]]


def test_one_hot_multi_hot_and_count():
    one_hot = StringLookup(vocabulary=VOCAB, output_mode="one_hot")
    np.testing.assert_array_equal(
        one_hot(["a", "b", "c", "d", "z"]), np.eye(5)[[1, 2, 3, 4, 0]]
    )
    assert one_hot([["a"], ["z"]]).shape == (2, 5)
    multi = StringLookup(vocabulary=VOCAB, output_mode="multi_hot")
    assert values(multi(SAMPLES)) == [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]
    # A 1D input is one sample.
    assert values(multi(["a", "a", "z"])) == [1, 1, 0, 0, 0]
    count = StringLookup(vocabulary=VOCAB, output_mode="count")
    out = count(SAMPLES)
    assert out.dtype == np.float32
    assert values(out) == [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]


def test_pad_to_max_tokens_widens_the_encoding():
    layer = StringLookup(
        vocabulary=VOCAB, output_mode="multi_hot", max_tokens=7
    )
    assert layer(SAMPLES).shape == (2, 5)
    padded = StringLookup(
        vocabulary=VOCAB,
        output_mode="multi_hot",
        max_tokens=7,
        pad_to_max_tokens=True,
    )
    assert values(padded(SAMPLES)) == [
        [0, 1, 0, 1, 1, 0, 0],
        [1, 0, 1, 0, 1, 0, 0],
    ]


def test_tf_idf_with_given_weights():
    layer = StringLookup(output_mode="tf_idf")
    layer.set_vocabulary(VOCAB, idf_weights=[0.25, 0.75, 0.6, 0.4])
    # OOV's weight is the mean of the given ones, 0.5.
    np.testing.assert_allclose(
        layer(SAMPLES), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]]
    )
    layer = StringLookup(output_mode="tf_idf")
    layer.set_vocabulary(
        ["[UNK]", *VOCAB], idf_weights=[0.9, 0.25, 0.75, 0.6, 0.4]
    )
    np.testing.assert_allclose(
        layer(SAMPLES), [[0, 0.25, 0, 0.6, 0.8], [1.8, 0, 0.75, 0, 0.4]]
    )


def test_tf_idf_adapt_learns_document_frequencies():
    layer = StringLookup(output_mode="tf_idf")
    layer.adapt([["a", "a", "b"], ["b", "c", "c"], ["b", "d", "d"]])
    # Counts: b 3, c 2, d 2, a 2 (ties: greater first).
    assert layer.get_vocabulary() == ["[UNK]", "b", "d", "c", "a"]
    # idf = log(1 + documents / (1 + documents holding the term)).
    idf = np.log(1 + 3 / (1 + np.array([3, 1, 1, 1])))
    expected = np.concatenate([[idf.mean()], idf])
    np.testing.assert_allclose(layer.idf_weights, expected, rtol=1e-6)
    np.testing.assert_allclose(
        layer([["a", "a", "q"]]),
        [[expected[0], 0, 0, 0, 2 * expected[4]]],
        rtol=1e-6,
    )


def test_invert_maps_indices_back():
    layer = StringLookup(vocabulary=VOCAB, invert=True)
    out = layer([[1, 3, 4], [4, 0, 2]])
    assert isinstance(out, np.ndarray)
    assert values(out) == [["a", "c", "d"], ["d", "[UNK]", "b"]]
    assert values(layer([9, -1])) == ["[UNK]", "[UNK]"]
    forward = StringLookup(vocabulary=VOCAB)
    assert values(layer(np.asarray(forward(DATA)))) == [
        ["a", "c", "d"],
        ["d", "[UNK]", "b"],
    ]


def test_vocabulary_file(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("a\nb\nc\nd\n", encoding="utf-8")
    layer = StringLookup(vocabulary=str(path))
    assert values(layer(DATA)) == [[1, 3, 4], [4, 0, 2]]
    # As Keras: a file vocabulary is an asset, not part of the config.
    assert layer.get_config()["vocabulary"] is None


def test_config_round_trip_matches_keras_keys():
    layer = StringLookup(vocabulary=np.array(VOCAB), mask_token="")
    config = layer.get_config()
    assert set(config) == {
        "name",
        "trainable",
        "dtype",
        "invert",
        "max_tokens",
        "num_oov_indices",
        "oov_token",
        "mask_token",
        "output_mode",
        "sparse",
        "pad_to_max_tokens",
        "idf_weights",
        "vocabulary",
        "vocabulary_size",
        "oov_method",
        "salt",
        "encoding",
    }
    assert config["vocabulary"] == VOCAB
    assert config["vocabulary_size"] == 6
    clone = StringLookup.from_config(config)
    assert clone.get_config() == config
    assert values(clone(DATA)) == values(layer(DATA))
    restored = ember.layers.deserialize(ember.layers.serialize(layer))
    assert restored.get_vocabulary() == layer.get_vocabulary()


def test_symbolic_call():
    inputs = ember.Input(shape=(3,), dtype="string")
    out = StringLookup(vocabulary=VOCAB)(inputs)
    assert (out.shape, out.dtype) == ((None, 3), "int64")
    out = StringLookup(vocabulary=VOCAB, output_mode="count")(inputs)
    assert (out.shape, out.dtype) == ((None, 5), "float32")
    with pytest.raises(ValueError, match="expects strings.*float32"):
        StringLookup(vocabulary=VOCAB)(ember.Input(shape=(3,)))


def test_errors_name_the_layer_and_the_values():
    layer = StringLookup(vocabulary=VOCAB, name="words")
    with pytest.raises(ValueError, match=r'"words" expects strings.*\[1, 2\]'):
        layer(np.array([1, 2]))
    with pytest.raises(ValueError, match=r"repeats terms \['a'\]"):
        StringLookup(vocabulary=["a", "b", "a"])
    with pytest.raises(ValueError, match="mask token '' is at vocabulary"):
        StringLookup(vocabulary=["a", ""], mask_token="")
    with pytest.raises(ValueError, match="`output_mode` must be 'int'"):
        StringLookup(invert=True, output_mode="count")
    with pytest.raises(ValueError, match="sparse=True"):
        StringLookup(output_mode="count", sparse=True)
    with pytest.raises(ValueError, match="more than max_tokens=3"):
        StringLookup(vocabulary=VOCAB, max_tokens=3)
    with pytest.raises(ValueError, match="Cannot adapt"):
        StringLookup(vocabulary=VOCAB).adapt(["a"])


def test_a_fixed_size_encoding_keeps_its_size():
    layer = StringLookup(vocabulary=VOCAB, output_mode="multi_hot")
    with pytest.raises(RuntimeError, match="Old size 5, new size 3"):
        layer.set_vocabulary(["a", "b"])
    assert layer.get_vocabulary() == ["[UNK]", *VOCAB]
