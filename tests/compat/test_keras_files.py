"""`.keras` archives move both ways: Keras saves, ember loads the same
model (architecture and weights), and the reverse."""

import json
import zipfile

import keras
import numpy as np
import pytest

import ember
from tests.compat.test_keras_weights import BUILDERS
from tests.compat.test_keras_weights import _inputs
from tests.compat.test_keras_weights import _predict
from tests.compat.test_keras_weights import _randomize
from tests.compat.test_keras_weights import _trained


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_keras_saves_ember_loads(tmp_path, name):
    source = BUILDERS[name](keras)
    _randomize(source)
    path = tmp_path / "k.keras"
    source.save(path)
    restored = ember.saving.load_model(path)
    assert isinstance(restored, ember.Model)
    assert [type(la).__name__ for la in restored.layers] == [
        type(la).__name__ for la in source.layers
    ]
    x = _inputs(name)
    np.testing.assert_allclose(
        _predict(restored, x), _predict(source, x), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_ember_saves_keras_loads(tmp_path, name):
    source = BUILDERS[name](ember)
    _randomize(source)
    path = tmp_path / "e.keras"
    source.save(path)
    with zipfile.ZipFile(path) as zf:
        metadata = json.loads(zf.read("metadata.json"))
    assert metadata["keras_version"].startswith("3.")
    restored = keras.saving.load_model(path)
    assert [type(la).__name__ for la in restored.layers] == [
        type(la).__name__ for la in source.layers
    ]
    x = _inputs(name)
    np.testing.assert_allclose(
        _predict(restored, x), _predict(source, x), rtol=1e-5, atol=1e-5
    )


def test_trained_keras_model_loads_into_ember(tmp_path):
    source = BUILDERS["cnn"](keras)
    source.compile(optimizer="adam", loss="mse")
    x = _inputs("cnn")
    y = np.random.default_rng(3).normal(size=(4, 5)).astype("float32")
    source.fit(x, y, epochs=2, batch_size=2, verbose=0)
    path = tmp_path / "k.keras"
    source.save(path)
    restored = ember.models.load_model(path, compile=False)
    np.testing.assert_allclose(
        _predict(restored, x), _predict(source, x), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("direction", ["keras_to_ember", "ember_to_keras"])
def test_load_weights_from_the_other_librarys_archive(tmp_path, direction):
    source_lib, target_lib = (
        (keras, ember) if direction == "keras_to_ember" else (ember, keras)
    )
    source = BUILDERS["nested"](source_lib)
    _randomize(source)
    path = tmp_path / "m.keras"
    source.save(path)
    target = BUILDERS["nested"](target_lib)
    target.load_weights(path)
    x = _inputs("nested")
    np.testing.assert_allclose(
        _predict(target, x), _predict(source, x), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("direction", ["keras_to_ember", "ember_to_keras"])
def test_sequential_built_on_first_call_moves_both_ways(tmp_path, direction):
    source_lib, target_lib = (
        (keras, ember) if direction == "keras_to_ember" else (ember, keras)
    )
    x = np.random.default_rng(4).normal(size=(2, 3)).astype("float32")

    def build(lib):
        model = lib.Sequential([lib.layers.Dense(4), lib.layers.Dense(2)])
        model(x)
        return model

    source = build(source_lib)
    weights_path = tmp_path / "m.weights.h5"
    source.save_weights(weights_path)
    target = build(target_lib)
    target.load_weights(weights_path)
    np.testing.assert_allclose(
        np.asarray(target(x)), np.asarray(source(x)), rtol=1e-6
    )
    archive_path = tmp_path / "m.keras"
    source.save(archive_path)
    restored = target_lib.saving.load_model(archive_path)
    np.testing.assert_allclose(
        np.asarray(restored(x)), np.asarray(source(x)), rtol=1e-6
    )


@pytest.mark.parametrize(
    "source_lib, target_lib",
    [(keras, ember), (ember, keras), (ember, ember)],
    ids=["keras_to_ember", "ember_to_keras", "ember_to_ember"],
)
def test_compiled_model_keeps_its_optimizer_state(
    tmp_path, source_lib, target_lib
):
    source = _trained(source_lib)
    path = tmp_path / "m.keras"
    source.save(path)
    restored = target_lib.saving.load_model(path)
    assert type(restored.optimizer).__name__ == "Adam"
    source_vars = source.optimizer.variables
    restored_vars = restored.optimizer.variables
    assert len(restored_vars) == len(source_vars)
    for a, b in zip(source_vars, restored_vars, strict=True):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-6)
    x = _inputs("cnn")
    np.testing.assert_allclose(
        _predict(restored, x), _predict(source, x), rtol=1e-5, atol=1e-5
    )


@pytest.mark.parametrize("writer, reader", [(keras, ember), (ember, keras)])
def test_python_lambda_moves_both_ways_with_safe_mode_false(
    tmp_path, writer, reader
):
    scale = 3.0
    source = writer.Sequential(
        [writer.Input((2,)), writer.layers.Lambda(lambda x: x * scale + 1.0)]
    )
    path = tmp_path / "lambda.keras"
    source.save(path)
    with pytest.raises(ValueError, match="safe_mode=False"):
        reader.saving.load_model(path)
    restored = reader.saving.load_model(path, safe_mode=False)
    x = np.array([[1.0, 2.0]], "float32")
    np.testing.assert_allclose(_predict(restored, x), [[4.0, 7.0]])
