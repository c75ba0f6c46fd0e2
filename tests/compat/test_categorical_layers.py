"""CategoryEncoding and Discretization against Keras: outputs, configs,
adapted boundaries and `.keras` files both ways.

Keras' `Discretization.adapt` looks for `tf.data` first and so needs
TensorFlow; on the Keras side the tests run the steps it runs
(`reset_state`, `update_state` per batch, `finalize_state`).
"""

import keras
import numpy as np
import pytest

import ember

RNG = np.random.default_rng(7)

ENCODING_CASES = [
    ({"num_tokens": 4, "output_mode": "one_hot"}, np.array([3, 2, 0, 1])),
    ({"num_tokens": 4, "output_mode": "one_hot"}, np.array([[3], [1]])),
    ({"num_tokens": 4, "output_mode": "one_hot"}, np.array([[3, 0], [1, 1]])),
    ({"num_tokens": 4, "output_mode": "one_hot"}, np.array(2)),
    ({"num_tokens": 5}, np.array([[0, 1], [0, 0], [4, 2]])),
    ({"num_tokens": 5}, np.array([4, 1, 4])),
    ({"num_tokens": 5}, np.array(3)),
    # Float ids: multi_hot truncates them (Keras warns on float one_hot).
    ({"num_tokens": 3}, np.array([[0.0, 1.7]])),
    (
        {"num_tokens": 4, "output_mode": "count"},
        np.array([[3, 3, 1], [0, 2, 0]]),
    ),
    ({"num_tokens": 4, "output_mode": "count"}, np.array([1, 1, 2])),
    ({"num_tokens": 6}, RNG.integers(0, 6, size=(2, 3, 4))),
    ({"num_tokens": 6, "output_mode": "count"}, RNG.integers(0, 6, (3, 2, 2))),
]


@pytest.mark.parametrize("kwargs, ids", ENCODING_CASES)
def test_category_encoding_outputs_equal_keras(kwargs, ids):
    ours = ember.layers.CategoryEncoding(**kwargs)(ids)
    theirs = keras.layers.CategoryEncoding(**kwargs)(ids)
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def test_category_encoding_count_weights_equal_keras():
    ids = np.array([[0, 1], [0, 0], [1, 2], [3, 1]])
    weights = RNG.uniform(size=ids.shape)
    kwargs = {"num_tokens": 4, "output_mode": "count"}
    ours = ember.layers.CategoryEncoding(**kwargs)(ids, count_weights=weights)
    theirs = keras.layers.CategoryEncoding(**kwargs)(ids, count_weights=weights)
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)


@pytest.mark.parametrize("output_mode", ["one_hot", "multi_hot", "count"])
def test_category_encoding_config_equals_keras(output_mode):
    kwargs = {"num_tokens": 7, "output_mode": output_mode, "name": "enc"}
    ours = ember.layers.CategoryEncoding(**kwargs).get_config()
    theirs = keras.layers.CategoryEncoding(**kwargs).get_config()
    assert ours == theirs
    rebuilt = ember.layers.CategoryEncoding.from_config(theirs)
    assert rebuilt.get_config() == theirs


BOUNDARIES = [-1.0, 0.0, 0.5, 2.0]
DISCRETIZE_INPUTS = [
    np.array([[-1.5, -1.0, 0.0, 0.25], [0.5, 1.9, 2.0, 7.0]]),
    RNG.normal(size=(3, 5)),
    np.array([[-2, 0, 1, 3]]),
    RNG.normal(size=(2, 1)),
    RNG.normal(size=(2, 3, 2)),
]


@pytest.mark.parametrize(
    "output_mode", ["int", "one_hot", "multi_hot", "count"]
)
@pytest.mark.parametrize("x", DISCRETIZE_INPUTS)
def test_discretization_outputs_equal_keras(output_mode, x):
    kwargs = {"bin_boundaries": BOUNDARIES, "output_mode": output_mode}
    ours = ember.layers.Discretization(**kwargs)(x)
    theirs = keras.layers.Discretization(**kwargs)(x)
    assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


def _keras_adapt(layer, batches):
    layer.reset_state()
    for batch in batches:
        layer.update_state(batch)
    layer.finalize_state()
    return layer.bin_boundaries


def _data(kind: str, size: int) -> np.ndarray:
    rng = np.random.default_rng(size)
    if kind == "normal":
        return rng.normal(size=(size, 2))
    if kind == "uniform":
        return rng.uniform(-5, 5, size=(size,))
    return rng.integers(0, 6, size=(size, 3)).astype("float64")  # ties


ADAPT_CASES = [
    ("normal", 50, [50], 3, 0.1),
    ("normal", 50, [20, 30], 3, 0.1),
    ("normal", 300, [100, 100, 100], 5, 0.01),
    ("normal", 1000, [1000], 10, 0.01),
    ("uniform", 257, [64, 64, 64, 65], 4, 0.05),
    ("uniform", 31, [31], 8, 0.01),  # fewer points than 1 / epsilon
    ("uniform", 5, [2, 3], 8, 0.3),  # fewer points than bins
    ("ties", 120, [40, 80], 4, 0.02),
    ("ties", 90, [90], 6, 0.25),
]


@pytest.mark.parametrize(
    "kind, size, batch_sizes, num_bins, epsilon", ADAPT_CASES
)
def test_discretization_adapt_equals_keras(
    kind, size, batch_sizes, num_bins, epsilon
):
    data = _data(kind, size)
    edges = np.cumsum([0, *batch_sizes])
    batches = [data[a:b] for a, b in zip(edges[:-1], edges[1:], strict=True)]
    kwargs = {"num_bins": num_bins, "epsilon": epsilon}
    ours = ember.layers.Discretization(**kwargs)
    ours.adapt(batches if len(batches) > 1 else data)
    theirs = _keras_adapt(keras.layers.Discretization(**kwargs), batches)
    assert ours.bin_boundaries == theirs
    x = _data(kind, 11)
    np.testing.assert_array_equal(
        ours(x), keras.layers.Discretization(bin_boundaries=theirs)(x)
    )


def test_discretization_config_equals_keras_and_loads_adapted():
    data = _data("normal", 60)
    kwargs = {"num_bins": 4, "epsilon": 0.05, "name": "bins"}
    theirs = keras.layers.Discretization(**kwargs)
    _keras_adapt(theirs, [data])
    ours = ember.layers.Discretization(**kwargs)
    ours.adapt(data)
    assert ours.get_config() == theirs.get_config()
    rebuilt = ember.layers.Discretization.from_config(theirs.get_config())
    assert rebuilt.bin_boundaries == theirs.bin_boundaries
    given = {"bin_boundaries": [0.0, 1.5], "output_mode": "count", "name": "d"}
    assert (
        ember.layers.Discretization(**given).get_config()
        == keras.layers.Discretization(**given).get_config()
    )


def _model(lib, kind: str):
    if kind == "category_encoding":
        inputs = lib.Input((3,), dtype="int32")
        hidden = lib.layers.CategoryEncoding(5, output_mode="count")(inputs)
    else:
        inputs = lib.Input((3,))
        bins = lib.layers.Discretization(
            num_bins=4, epsilon=0.05, output_mode="multi_hot"
        )
        data = _data("normal", 40)
        if lib is keras:
            _keras_adapt(bins, [data])
        else:
            bins.adapt(data)
        hidden = bins(inputs)
    outputs = lib.layers.Dense(2, kernel_initializer="glorot_uniform")(hidden)
    return lib.Model(inputs, outputs)


def _inputs(kind: str) -> np.ndarray:
    if kind == "category_encoding":
        return np.array([[0, 4, 4], [1, 2, 3]], dtype="int32")
    return np.random.default_rng(4).normal(size=(2, 3)).astype("float32")


KINDS = ["category_encoding", "discretization"]


@pytest.mark.parametrize("kind", KINDS)
def test_keras_saves_ember_loads(tmp_path, kind):
    source = _model(keras, kind)
    path = tmp_path / "k.keras"
    source.save(path)
    restored = ember.saving.load_model(path)
    x = _inputs(kind)
    np.testing.assert_allclose(
        restored.predict(x, verbose=0),
        source.predict(x, verbose=0),
        rtol=1e-6,
    )
    assert restored.layers[1].get_config() == source.layers[1].get_config()


@pytest.mark.parametrize("kind", KINDS)
def test_ember_saves_keras_loads(tmp_path, kind):
    source = _model(ember, kind)
    path = tmp_path / "e.keras"
    source.save(path)
    restored = keras.saving.load_model(path)
    x = _inputs(kind)
    np.testing.assert_allclose(
        restored.predict(x, verbose=0),
        source.predict(x, verbose=0),
        rtol=1e-6,
    )
    assert restored.layers[1].get_config() == source.layers[1].get_config()
