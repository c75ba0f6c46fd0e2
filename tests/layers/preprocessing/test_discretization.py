"""Discretization: hand-computed bins and quantiles, Keras' documented
numbers, errors, config, a model."""

import jax
import numpy as np
import pytest

import ember
from ember.layers.preprocessing import _quantiles

Discretization = ember.layers.Discretization
DOCS_INPUT = np.array([[-1.5, 1.0, 3.4, 0.5], [0.0, 3.0, 1.3, 0.0]])


def values(x):
    return np.asarray(x).tolist()


def test_given_boundaries():
    layer = Discretization(bin_boundaries=[0.0, 1.0, 2.0])
    out = layer(DOCS_INPUT)
    assert out.dtype == "int32"
    # A value on a boundary goes to the bin above it.
    assert values(out) == [[0, 2, 3, 1], [1, 3, 2, 1]]
    assert values(layer(np.array([[-1, 1, 3]]))) == [[0, 2, 3]]


def test_encoded_outputs():
    x = np.array([[-1.0, 0.5, 0.7], [2.0, 2.0, 9.0]])
    kwargs = {"bin_boundaries": [0.0, 1.0]}
    one_hot = Discretization(output_mode="one_hot", **kwargs)(x)
    assert values(one_hot) == np.eye(3)[[[0, 1, 1], [2, 2, 2]]].tolist()
    multi = Discretization(output_mode="multi_hot", **kwargs)(x)
    assert values(multi) == [[1, 1, 0], [0, 0, 1]]
    count = Discretization(output_mode="count", **kwargs)(x)
    assert count.dtype == "float32"
    assert values(count) == [[1, 2, 0], [0, 0, 3]]


def test_adapt_by_hand():
    # 10 values, epsilon 0.5: every 5th sorted value (4 and 9), weighing
    # 5 each; two bins of weight 5 split at 4.
    layer = Discretization(num_bins=2, epsilon=0.5)
    layer.adapt(np.arange(10.0)[::-1])
    assert layer.bin_boundaries == [4.0]
    assert values(layer(np.array([3.9, 4.0]))) == [0, 1]


def test_quantile_summary_by_hand():
    summary = _quantiles.summarize(np.arange(10.0, dtype="float32"), 0.25)
    # step 10 / 4 = 2.5: from index 1, every 2nd value, each weighing 2.5.
    assert values(summary) == [[1, 3, 5, 7, 9], [2.5] * 5]
    compressed = _quantiles.compress(summary, 0.5)
    # Cumulative weights 2.5 ... 12.5; at 50% and 100%: 6.25 and 12.5.
    np.testing.assert_allclose(compressed, [[4.0, 9.0], [6.25, 6.25]])
    # float32 fractions: 0.4 and 0.6 are not exact, so 4 is nearly 4.
    assert _quantiles.bin_boundaries(summary, 2) == [pytest.approx(4.0)]


def test_adapt_gives_keras_documented_numbers():
    layer = Discretization(num_bins=4, epsilon=0.01)
    layer.adapt(DOCS_INPUT)
    assert layer.bin_boundaries == [0.0, 0.5, 1.2999999523162842]
    assert values(layer(DOCS_INPUT)) == [[0, 2, 3, 2], [1, 3, 3, 1]]


def test_adapt_on_batches_matches_keras_numbers():
    # Keras' numbers for these data and batchings (see tests/compat).
    x = np.random.default_rng(0).normal(size=(50, 3))
    layer = Discretization(num_bins=3, epsilon=0.1)
    layer.adapt(x)
    assert layer.bin_boundaries == [-0.415914386510849, 0.5387318134307861]
    layer.adapt([x[:20], x[20:]])
    assert layer.bin_boundaries == [-0.4101879894733429, 0.5417923331260681]
    layer.adapt(iter([x[:20], x[20:], x[:1] + 100]), steps=2)
    assert layer.bin_boundaries == [-0.4101879894733429, 0.5417923331260681]


def test_update_and_finalize_state():
    x = np.random.default_rng(0).normal(size=(50, 3))
    layer = Discretization(num_bins=3, epsilon=0.1)
    layer.update_state(x[20:])
    layer.update_state(x[:20])
    layer.finalize_state()
    layer.reset_state()
    layer.update_state(x)
    layer.finalize_state()
    assert layer.bin_boundaries == [-0.415914386510849, 0.5387318134307861]


def test_symbolic_before_adapt_and_under_jit():
    layer = Discretization(num_bins=4, output_mode="one_hot")
    out = layer(ember.Input((3,)))
    assert out.shape == (None, 3, 4)
    assert layer.compute_output_shape((None, 3)) == (None, 3, 4)
    with pytest.raises(ValueError, match="has no bin boundaries"):
        layer(np.zeros((1, 3)))
    layer.adapt(np.arange(40.0))
    x = np.array([[0.0, 15.0, 39.0]])
    np.testing.assert_array_equal(jax.jit(layer)(x), layer(x))
    assert values(jax.jit(layer)(x)) == np.eye(4)[[[0, 1, 3]]].tolist()


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"num_bins": 3, "bin_boundaries": [0.0]}, "not both"),
        ({}, "set either `num_bins`"),
        ({"bin_boundaries": [1.0, 0.0]}, r"increasing order.*\[1.0, 0.0\]"),
        ({"bin_boundaries": [[0.0]]}, "must be a list of numbers"),
        ({"num_bins": -1}, "num_bins=-1"),
        ({"num_bins": 2, "output_mode": "tf_idf"}, "output_mode='tf_idf'"),
        ({"num_bins": 2, "sparse": True}, "no sparse tensors"),
    ],
)
def test_argument_errors(kwargs, message):
    with pytest.raises(ValueError, match=f'Discretization "bins": .*{message}'):
        Discretization(name="bins", **kwargs)


def test_adapt_errors():
    with pytest.raises(ValueError, match="nothing to adapt"):
        Discretization(bin_boundaries=[0.0]).adapt(np.zeros(3))
    with pytest.raises(ValueError, match="num_bins >= 1 and epsilon > 0"):
        Discretization(num_bins=2, epsilon=0).adapt(np.zeros(3))


def test_config_is_flat_and_keeps_adapted_boundaries():
    layer = Discretization(num_bins=2, epsilon=0.5, name="bins")
    layer.adapt(np.arange(10.0))
    config = layer.get_config()
    assert config == {
        "bin_boundaries": [4.0],
        "num_bins": 2,
        "epsilon": 0.5,
        "output_mode": "int",
        "sparse": False,
        "name": "bins",
        "dtype": "float32",
    }
    rebuilt = ember.layers.deserialize(ember.layers.serialize(layer))
    assert rebuilt.get_config() == config
    assert values(rebuilt(np.array([3.0, 5.0]))) == [0, 1]


def test_in_a_model_that_fits_and_saves(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 2)).astype("float32")
    y = (x[:, :1] > 0.3).astype("float32")
    bins = Discretization(num_bins=4, output_mode="multi_hot")
    bins.adapt(x)
    model = ember.Sequential([ember.Input((2,)), bins, ember.layers.Dense(1)])
    model.compile(optimizer=ember.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, epochs=10, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "m.keras"
    model.save(path)
    restored = ember.saving.load_model(path)
    assert restored.layers[0].bin_boundaries == bins.bin_boundaries
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), model.predict(x, verbose=0)
    )
