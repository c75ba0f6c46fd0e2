"""Normalization (preprocessing): given and adapted statistics, errors."""

import jax
import numpy as np
import pytest

import ember
from ember import layers


def test_given_mean_and_variance():
    layer = layers.Normalization(mean=3.0, variance=4.0)
    out = layer(np.array([[1.0], [3.0], [7.0]], "float32"))
    np.testing.assert_allclose(out[:, 0], [-1.0, 0.0, 2.0])
    assert layer.weights == []


def test_given_per_feature_statistics_and_invert():
    kwargs = {"mean": [1.0, 10.0], "variance": [1.0, 4.0]}
    x = np.array([[2.0, 14.0]], "float32")
    np.testing.assert_allclose(layers.Normalization(**kwargs)(x), [[1.0, 2.0]])
    inverse = layers.Normalization(invert=True, **kwargs)
    np.testing.assert_allclose(inverse(np.array([[1.0, 2.0]])), x)


def test_adapt_per_feature():
    layer = layers.Normalization()
    data = np.array([[0.0, 7.0], [2.0, 9.0], [0.0, 7.0], [2.0, 9.0]])
    layer.adapt(data)
    np.testing.assert_allclose(layer.adapt_mean.numpy(), [1.0, 8.0])
    np.testing.assert_allclose(layer.adapt_variance.numpy(), [1.0, 1.0])
    np.testing.assert_allclose(layer(np.array([[0.0, 9.0]])), [[-1.0, 1.0]])
    assert [v.name for v in layer.non_trainable_weights] == [
        "mean",
        "variance",
        "count",
    ]
    assert layer.trainable_weights == []


def test_adapt_global_and_in_batches():
    data = np.arange(1.0, 9.0, dtype="float32").reshape(4, 2)
    whole = layers.Normalization(axis=None)
    whole.adapt(data)
    np.testing.assert_allclose(whole.adapt_mean.numpy(), 4.5)
    np.testing.assert_allclose(whole.adapt_variance.numpy(), 5.25)
    batched = layers.Normalization(axis=None)
    batched.adapt(iter([(data[:1], None), (data[1:], None)]))
    np.testing.assert_allclose(batched.adapt_variance.numpy(), 5.25, rtol=1e-6)


def test_adapted_values_are_state_under_jit():
    layer = layers.Normalization()
    layer.adapt(np.array([[0.0], [2.0]]))
    x = np.array([[4.0]], "float32")

    @jax.jit
    def run(non_trainable, x):
        return layer.stateless_call([], non_trainable, x)[0]

    values = [v.value for v in layer.non_trainable_variables]
    np.testing.assert_allclose(run(values, x), [[3.0]])
    values[0] = values[0] + 1.0  # another mean, same compiled function
    np.testing.assert_allclose(run(values, x), [[2.0]])


def test_symbolic_and_config_round_trip():
    layer = layers.Normalization(axis=(1, 2), mean=[1.0, 2.0], variance=[1, 1])
    out = layer(ember.Input(shape=(3, 2)))
    assert out.shape == (None, 3, 2)
    config = layer.get_config()
    assert config["axis"] == (1, 2)
    assert layers.Normalization.from_config(config).get_config() == config


def test_errors():
    with pytest.raises(ValueError, match="both `mean` and `variance`"):
        layers.Normalization(mean=1.0)
    with pytest.raises(ValueError, match="same shape"):
        layers.Normalization(mean=[1.0, 2.0], variance=[1.0])
    with pytest.raises(ValueError, match="nothing to adapt"):
        layers.Normalization(mean=1.0, variance=1.0).adapt(np.ones((2, 1)))
    layer = layers.Normalization(name="norm")
    layer.adapt(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r'"norm".*\(4, 3\).*\(4, 5\)'):
        layer.adapt(np.ones((4, 5)))
    with pytest.raises(ValueError, match=r'"bad_axis".*axis.*\(2, 3\)'):
        layers.Normalization(axis=2, name="bad_axis")(np.ones((2, 3)))
    unknown = layers.Normalization(axis=1, name="unknown")
    with pytest.raises(ValueError, match=r'"unknown".*\(None, None\)'):
        unknown(ember.Input(shape=(None,)))
