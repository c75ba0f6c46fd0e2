"""IntegerLookup against Keras' documented examples and hand-computed
values (Keras' own layer needs TensorFlow)."""

import numpy as np
import pytest

import ember

IntegerLookup = ember.layers.IntegerLookup
VOCAB = [12, 36, 1138, 42]
DATA = np.array([[12, 1138, 42], [42, 1000, 36]])
SAMPLES = np.array([[12, 1138, 42, 42], [42, 7, 36, 7]])


def values(x):
    return np.asarray(x).tolist()


def test_known_vocabulary():
    layer = IntegerLookup(vocabulary=VOCAB)
    assert values(layer(DATA)) == [[1, 3, 4], [4, 0, 2]]
    assert layer.get_vocabulary() == [-1, *VOCAB]


def test_adapt_orders_by_count_then_by_descending_value():
    layer = IntegerLookup()
    layer.adapt(DATA)
    assert layer.get_vocabulary() == [-1, 42, 1138, 1000, 36, 12]
    assert values(layer(DATA)) == [[5, 2, 1], [1, 3, 4]]


def test_adapt_drops_the_special_tokens_and_reads_generators():
    layer = IntegerLookup(mask_token=0)
    layer.adapt(iter([np.array([0, 0, 5, -1]), np.array([5, 3])]))
    assert layer.get_vocabulary() == [0, -1, 5, 3]


def test_oov_methods():
    layer = IntegerLookup(vocabulary=VOCAB, num_oov_indices=2)
    data = np.array([[12, 1138, 42], [37, 1000, 36]])
    # floormod: 37 % 2 = 1, 1000 % 2 = 0.
    assert values(layer(data)) == [[2, 4, 5], [1, 0, 3]]
    oov = np.array([100, 300, 700, 1100, 1700, 2000])
    floormod = IntegerLookup(vocabulary=[10, 20, 30], num_oov_indices=4)
    assert values(floormod(oov)) == [0, 0, 0, 0, 0, 0]
    farmhash = IntegerLookup(
        vocabulary=[10, 20, 30], num_oov_indices=4, oov_method="farmhash"
    )
    assert values(farmhash(oov)) == [3, 3, 2, 2, 0, 1]
    # Negative values: floormod, as TensorFlow's.
    assert values(layer(np.array([-3]))) == [1]


def test_encodings():
    one_hot = IntegerLookup(vocabulary=VOCAB, output_mode="one_hot")
    np.testing.assert_array_equal(
        one_hot(np.array([12, 36, 1138, 42, 7])), np.eye(5)[[1, 2, 3, 4, 0]]
    )
    multi = IntegerLookup(vocabulary=VOCAB, output_mode="multi_hot")
    assert values(multi(SAMPLES)) == [[0, 1, 0, 1, 1], [1, 0, 1, 0, 1]]
    count = IntegerLookup(vocabulary=VOCAB, output_mode="count")
    assert values(count(SAMPLES)) == [[0, 1, 0, 1, 2], [2, 0, 1, 0, 1]]
    tf_idf = IntegerLookup(
        output_mode="tf_idf",
        vocabulary=VOCAB,
        idf_weights=[0.25, 0.75, 0.6, 0.4],
    )
    np.testing.assert_allclose(
        tf_idf(SAMPLES), [[0, 0.25, 0, 0.6, 0.8], [1.0, 0, 0.75, 0, 0.4]]
    )


def test_mask_token():
    layer = IntegerLookup(vocabulary=VOCAB, mask_token=0)
    assert values(layer(np.array([[12, 0, 7]]))) == [[2, 0, 1]]
    assert layer.get_vocabulary() == [0, -1, *VOCAB]


def test_invert():
    layer = IntegerLookup(vocabulary=VOCAB, invert=True)
    assert values(layer(np.array([[1, 3, 4], [4, 0, 2]]))) == [
        [12, 1138, 42],
        [42, -1, 36],
    ]
    out = ember.Input(shape=(3,), dtype="int32")
    assert layer(out).dtype == "int64"


def test_config_round_trip_writes_ints():
    layer = IntegerLookup(vocabulary=np.array(VOCAB), mask_token=0)
    config = layer.get_config()
    assert config["vocabulary"] == VOCAB
    assert config["vocabulary_dtype"] == "int64"
    assert (config["mask_token"], config["oov_token"]) == (0, -1)
    clone = IntegerLookup.from_config(config)
    assert clone.get_config() == config
    assert values(clone(DATA)) == values(layer(DATA))


def test_errors():
    layer = IntegerLookup(vocabulary=VOCAB, name="ids")
    with pytest.raises(ValueError, match=r'"ids" expects integers.*\[.a.\]'):
        layer(["a"])
    with pytest.raises(ValueError, match="vocabulary_dtype='int64'"):
        IntegerLookup(vocabulary_dtype="int32")
    with pytest.raises(ValueError, match="max_tokens"):
        IntegerLookup(max_tokens=1)
    with pytest.raises(ValueError, match="num_oov_indices"):
        IntegerLookup(num_oov_indices=-1)
    with pytest.raises(ValueError, match="`salt` is only used"):
        IntegerLookup(salt=1)
    with pytest.raises(ValueError, match="idf_weights"):
        IntegerLookup(vocabulary=VOCAB, output_mode="tf_idf")
