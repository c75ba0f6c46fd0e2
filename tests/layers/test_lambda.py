"""Lambda: wraps a function; arguments, shapes, masks and config."""

import numpy as np
import pytest

import ember
from ember import layers
from ember import ops


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


def test_lambda_config_of_python_lambda_is_not_loaded_by_default():
    config = layers.Lambda(lambda x: x + 1).get_config()
    assert config["function"]["class_name"] == "__lambda__"
    assert isinstance(config["function"]["config"]["code"], str)
    for safe_mode in (None, True):
        with pytest.raises(ValueError, match="pass `safe_mode=False`"):
            layers.Lambda.from_config(config, safe_mode=safe_mode)


def test_python_lambda_loads_with_safe_mode_false():
    offset = 3.0

    def make(power=2.0):
        return lambda x: (x + offset) ** power + ops.sum(x) * 0

    config = layers.Lambda(make()).get_config()
    restored = layers.Lambda.from_config(
        config, custom_objects={"ops": ember.ops}, safe_mode=False
    )
    x = np.array([1.0, 2.0], "float32")
    np.testing.assert_allclose(restored(x), [16.0, 25.0])
    # Names in the code: custom objects, and `keras` bound to ember.
    keras_style = layers.Lambda(lambda x: keras.ops.square(x)).get_config()  # noqa: F821
    restored = layers.Lambda.from_config(keras_style, safe_mode=False)
    np.testing.assert_allclose(restored(x), [1.0, 4.0])


def test_unreadable_bytecode_is_a_clear_error():
    config = layers.Lambda(lambda x: x).get_config()
    config["function"]["config"]["code"] = "bm90IGNvZGU="
    with pytest.raises(ValueError, match="Could not rebuild a Python function"):
        layers.Lambda.from_config(config, safe_mode=False)


def test_model_with_a_python_lambda_loads_only_when_opted_in(tmp_path):
    model = ember.Sequential(
        [ember.Input((2,)), layers.Lambda(lambda x: x * 10.0)]
    )
    path = tmp_path / "m.keras"
    model.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        ember.saving.load_model(path)
    restored = ember.saving.load_model(path, safe_mode=False)
    x = np.ones((1, 2), "float32")
    np.testing.assert_allclose(restored.predict(x, verbose=0), x * 10)


def test_lambda_errors():
    with pytest.raises(ValueError, match="function=3"):
        layers.Lambda(3)
    config = layers.Lambda(double).get_config()
    with pytest.raises(ValueError, match="'double'.*custom_objects"):
        layers.Lambda.from_config(config)
