"""CategoryEncoding: hand-computed encodings, errors, config, a model."""

import jax
import numpy as np
import pytest

import ember

CategoryEncoding = ember.layers.CategoryEncoding


def values(x):
    return np.asarray(x).tolist()


def test_one_hot():
    layer = CategoryEncoding(num_tokens=4, output_mode="one_hot")
    assert values(layer([3, 2, 0, 1])) == np.eye(4)[[3, 2, 0, 1]].tolist()
    # A last axis of size 1 is replaced; any other is kept.
    assert layer(np.array([[3], [0]])).shape == (2, 4)
    assert layer(np.array([[3, 0]])).shape == (1, 2, 4)
    assert values(layer(np.array(2))) == [[0, 0, 1, 0]]


def test_multi_hot_marks_each_id_once():
    layer = CategoryEncoding(num_tokens=4)
    out = layer(np.array([[0, 1], [0, 0], [1, 2], [3, 1]]))
    assert out.dtype == "float32"
    assert values(out) == [
        [1, 1, 0, 0],
        [1, 0, 0, 0],
        [0, 1, 1, 0],
        [0, 1, 0, 1],
    ]
    # One sample: a vector, not a batch.
    assert values(layer(np.array([3, 1, 3]))) == [0, 1, 0, 1]
    assert values(CategoryEncoding(3, output_mode="binary")([2])) == [0, 0, 1]


def test_count_and_count_weights():
    layer = CategoryEncoding(num_tokens=4, output_mode="count")
    ids = np.array([[0, 1, 1], [3, 3, 3]])
    assert values(layer(ids)) == [[1, 2, 0, 0], [0, 0, 0, 3]]
    weights = np.array([[0.5, 0.25, 2.0], [1.0, 1.0, 0.5]])
    np.testing.assert_allclose(
        layer(ids, count_weights=weights), [[0.5, 2.25, 0, 0], [0, 0, 0, 2.5]]
    )


def test_ids_out_of_range_raise_when_concrete():
    layer = CategoryEncoding(num_tokens=3, name="colors")
    message = (
        r'CategoryEncoding "colors": every input must be in \[0, '
        r"num_tokens\) with num_tokens=3. Received the value 3."
    )
    with pytest.raises(ValueError, match=message):
        layer(np.array([[0, 3], [1, 2]]))
    with pytest.raises(ValueError, match="Received the value -1"):
        layer(np.array([1, -1]))


def test_ids_out_of_range_encode_to_zeros_under_jit():
    layer = CategoryEncoding(num_tokens=3, output_mode="one_hot")
    out = jax.jit(layer)(np.array([[1], [3], [-1]]))
    assert values(out) == [[0, 1, 0], [0, 0, 0], [0, 0, 0]]


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_tokens": 3, "output_mode": "int"}, "output_mode='int'"),
        ({}, "`num_tokens` must be set"),
        ({"num_tokens": 0}, "num_tokens=0"),
        ({"num_tokens": 2.5}, "num_tokens=2.5"),
        ({"num_tokens": 3, "sparse": True}, "no sparse tensors"),
    ],
)
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        CategoryEncoding(name="enc", **kwargs)


def test_count_weights_errors():
    with pytest.raises(ValueError, match="only used when output_mode='count'"):
        CategoryEncoding(3)(np.array([[1]]), count_weights=np.array([[1.0]]))
    with pytest.raises(ValueError, match=r"shape of the inputs, \(1, 2\)"):
        CategoryEncoding(3, output_mode="count")(
            np.array([[1, 2]]), count_weights=np.array([[1.0]])
        )


def test_config_round_trip():
    layer = CategoryEncoding(num_tokens=5, output_mode="count", name="cats")
    config = layer.get_config()
    assert config["num_tokens"] == 5
    assert config["output_mode"] == "count"
    assert "sparse" not in config  # as Keras' config
    rebuilt = ember.layers.deserialize(ember.layers.serialize(layer))
    assert isinstance(rebuilt, CategoryEncoding)
    assert rebuilt.get_config() == config


def test_symbolic_output():
    out = CategoryEncoding(6)(ember.Input((3,), dtype="int32"))
    assert out.shape == (None, 6)
    assert out.dtype == "float32"


def test_in_a_model_that_fits_and_saves(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 5, size=(32, 2)).astype("int32")
    y = (x == 3).any(axis=1).astype("float32")[:, None]
    inputs = ember.Input((2,), dtype="int32")
    hot = CategoryEncoding(5)(inputs)
    model = ember.Model(inputs, ember.layers.Dense(1)(hot))
    model.compile(optimizer=ember.optimizers.SGD(0.5), loss="mse")
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "m.keras"
    model.save(path)
    restored = ember.saving.load_model(path)
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), model.predict(x, verbose=0)
    )
