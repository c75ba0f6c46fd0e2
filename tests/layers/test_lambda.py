"""Lambda: wraps a function; arguments, shapes, masks and config."""

import numpy as np
import pytest

import ember
from ember import layers


def double(x):
    return x * 2


def scale(x, factor=1.0, training=None):
    return x * factor if training else x


def test_lambda_applies_function_with_arguments():
    x = np.array([1.0, 2.0, 3.0], "float32")
    np.testing.assert_allclose(layers.Lambda(lambda x: x**2)(x), [1, 4, 9])
    layer = layers.Lambda(scale, arguments={"factor": 3.0})
    np.testing.assert_allclose(layer(x, training=True), [3, 6, 9])
    np.testing.assert_allclose(layer(x), [1, 2, 3])


def test_lambda_shapes():
    x = ember.Input(shape=(4,))
    assert layers.Lambda(lambda t: t[:, :2])(x).shape == (None, 2)
    layer = layers.Lambda(double, output_shape=(4,))
    assert layer.compute_output_shape((None, 4)) == (None, 4)
    by_fn = layers.Lambda(double, output_shape=lambda s: s)
    assert by_fn.compute_output_shape((3, 4)) == (3, 4)


def test_lambda_mask():
    fixed = np.array([True, False])
    assert layers.Lambda(double, mask=fixed).compute_mask(None) is fixed
    layer = layers.Lambda(double, mask=lambda x, m: m)
    assert layer.compute_mask(None, "m") == "m"
    assert layer.supports_masking
    assert not layers.Lambda(double).supports_masking


def test_lambda_config_named_function_round_trip():
    layer = layers.Lambda(double, output_shape=(4,), arguments={"a": 1})
    config = layer.get_config()
    assert config["function"] == {
        "module": "builtins",
        "class_name": "function",
        "config": "double",
        "registered_name": "function",
    }
    assert config["output_shape"] == (4,)
    assert config["arguments"] == {"a": 1}
    restored = layers.Lambda.from_config(
        config, custom_objects={"double": double}
    )
    assert restored.function is double
    assert restored.get_config() == config


def test_lambda_config_of_python_lambda_is_not_loaded():
    config = layers.Lambda(lambda x: x + 1).get_config()
    assert config["function"]["class_name"] == "__lambda__"
    assert isinstance(config["function"]["config"]["code"], str)
    with pytest.raises(ValueError, match="cannot load a Python lambda"):
        layers.Lambda.from_config(config)


def test_lambda_errors():
    with pytest.raises(ValueError, match="function=3"):
        layers.Lambda(3)
    config = layers.Lambda(double).get_config()
    with pytest.raises(ValueError, match="'double'.*custom_objects"):
        layers.Lambda.from_config(config)
