"""HashedCrossing against Keras' documented examples and crosses worked
out with Python integers (TensorFlow's FingerprintCat64), config and
.keras round trips, error messages, and a two-input model's fit."""

import numpy as np
import pytest

import ember
from ember.layers.preprocessing._string_hash import fingerprint64
from ember.layers.preprocessing._string_hash import fingerprint_cat64

HashedCrossing = ember.layers.HashedCrossing
MASK = (1 << 64) - 1
FEAT1 = np.array(["A", "B", "A", "B", "A"])
FEAT2 = np.array([101, 101, 101, 102, 102])


def values(x):
    return np.asarray(x).tolist()


def cat64(first: int, second: int) -> int:
    """FingerprintCat64 in Python integers, step by step."""
    mul = 0xC6A4A7935BD1E995

    def shift_mix(v):
        return v ^ (v >> 47)

    result = first ^ mul
    result ^= (shift_mix((second * mul) & MASK) * mul) & MASK
    result = (result * mul) & MASK
    result = (shift_mix(result) * mul) & MASK
    return shift_mix(result)


def cross(*features, num_bins):
    """The bin of one row's features, as tf.sparse.cross_hashed."""
    hashed = 0xDECAFCAFFE
    for value in features:
        if isinstance(value, str):
            value = fingerprint64(value.encode())
        hashed = cat64(hashed, value & MASK)
    return hashed % num_bins


@pytest.mark.parametrize(
    "first, second",
    [(0, 0), (0xDECAFCAFFE, 7), (MASK, 1), (1 << 63, MASK), (12345, 1 << 40)],
)
def test_fingerprint_cat64_equals_python_integers(first, second):
    ours = fingerprint_cat64(np.uint64(first), np.uint64(second))
    assert int(ours) == cat64(first, second)
    pair = fingerprint_cat64(
        np.array([first, second], np.uint64),
        np.array([second, first], np.uint64),
    )
    assert values(pair) == [cat64(first, second), cat64(second, first)]


def test_keras_documented_examples():
    assert values(HashedCrossing(num_bins=5)((FEAT1, FEAT2))) == [
        1,
        4,
        1,
        1,
        3,
    ]
    one_hot = HashedCrossing(num_bins=5, output_mode="one_hot")
    assert values(one_hot((FEAT1, FEAT2))) == [
        [0, 1, 0, 0, 0],
        [0, 0, 0, 0, 1],
        [0, 1, 0, 0, 0],
        [0, 1, 0, 0, 0],
        [0, 0, 0, 1, 0],
    ]
    assert one_hot((FEAT1, FEAT2)).dtype == np.float32


def test_crosses_worked_out_by_hand():
    first = np.array([-1, 7, 0])
    second = np.array(["x", "", "é"])
    third = np.array([3, -(1 << 40), 1])
    rows = zip(first.tolist(), second.tolist(), third.tolist(), strict=True)
    expected = [cross(*row, num_bins=7) for row in rows]
    layer = HashedCrossing(7)
    assert values(layer([first, second, third])) == expected
    # Feature order matters: the cross is not symmetric.
    pairs = zip(FEAT2.tolist(), "ABABA", strict=True)
    assert values(layer((FEAT2, FEAT1))) == [
        cross(*pair, num_bins=7) for pair in pairs
    ]


def test_shapes():
    layer = HashedCrossing(5)
    column = layer((FEAT1[:, None], FEAT2[:, None]))
    assert values(column) == [[1], [4], [1], [1], [3]]
    assert values(layer(("A", 101))) == 1
    one_hot = HashedCrossing(5, output_mode="one_hot")
    assert one_hot((FEAT1[:, None], FEAT2[:, None])).shape == (5, 5)
    a = ember.Input(shape=(), dtype="string")
    b = ember.Input(shape=(), dtype="int64")
    assert layer((a, b)).shape == (None,)
    assert layer((a, b)).dtype == "int64"
    assert one_hot((a, b)).shape == (None, 5)
    assert one_hot.compute_output_shape([(None, 1), (None, 1)]) == (None, 5)


def test_config_round_trip_matches_keras():
    layer = HashedCrossing(num_bins=5, name="cross")
    # Keras writes these keys only, and the dtype as a plain name.
    assert layer.get_config() == {
        "num_bins": 5,
        "output_mode": "int",
        "sparse": False,
        "name": "cross",
        "dtype": "int64",
    }
    clone = HashedCrossing.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    restored = ember.layers.deserialize(ember.layers.serialize(layer))
    assert isinstance(restored, HashedCrossing)
    assert values(restored((FEAT1, FEAT2))) == [1, 4, 1, 1, 3]
    one_hot = HashedCrossing(5, output_mode="one_hot").get_config()
    assert one_hot["dtype"] == "float32"


def test_errors_name_the_layer_and_the_shapes():
    layer = HashedCrossing(5, name="cross")
    with pytest.raises(ValueError, match=r'"cross" must be called on a list'):
        layer(FEAT1)
    with pytest.raises(ValueError, match=r"at least two.*\[\(5,\)\]"):
        layer((FEAT1,))
    with pytest.raises(ValueError, match=r"same shape.*\[\(5,\), \(3,\)\]"):
        layer((FEAT1, FEAT2[:3]))
    with pytest.raises(ValueError, match=r"\(batch_size, 1\).*\(5, 2\)"):
        layer((np.full((5, 2), "a"), np.zeros((5, 2), "int64")))
    with pytest.raises(ValueError, match=r"strings or integers.*float32"):
        layer((FEAT1, FEAT2.astype("float32")))
    with pytest.raises(ValueError, match=r"same shape.*\(None, 2\)"):
        layer(
            (
                ember.Input(shape=(1,), dtype="string"),
                ember.Input(shape=(2,), dtype="string"),
            )
        )
    for num_bins in (0, None):
        with pytest.raises(ValueError, match=f"num_bins={num_bins}"):
            HashedCrossing(num_bins)
    with pytest.raises(ValueError, match="output_mode='multi_hot'"):
        HashedCrossing(5, output_mode="multi_hot")
    with pytest.raises(ValueError, match="sparse=True"):
        HashedCrossing(5, output_mode="one_hot", sparse=True)


def test_two_string_inputs_fit_and_keras_file_round_trip(tmp_path):
    a = ember.Input(shape=(), dtype="string", name="a")
    b = ember.Input(shape=(), dtype="string", name="b")
    crossed = HashedCrossing(6, output_mode="one_hot")((a, b))
    model = ember.Model([a, b], ember.layers.Dense(1)(crossed))
    model.compile(optimizer=ember.optimizers.SGD(0.5), loss="mse")
    x = [np.array(["x", "y", "x", "y"]), np.array(["p", "p", "q", "q"])]
    y = np.array([0.0, 1.0, 1.0, 0.0])
    history = model.fit(x, y, epochs=5, batch_size=2, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < losses[0]
    np.testing.assert_allclose(model(x), model.predict(x, verbose=0))
    path = tmp_path / "cross.keras"
    model.save(path)
    loaded = ember.saving.load_model(path)
    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0)
    )
