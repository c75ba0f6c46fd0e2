"""A registered custom layer moves both ways between Keras and ember in a
`.keras` archive; unregistered, it loads through `custom_objects` or a
`custom_object_scope`, and otherwise fails naming the class."""

import keras
import numpy as np
import pytest

import ember


def _define_my_layer(lib):
    """The same custom layer, written once for each library."""

    @lib.saving.register_keras_serializable(package="MyPkg")
    class MyLayer(lib.layers.Layer):
        def __init__(self, units=3, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.units = units
            self.scale = scale

        def build(self, input_shape):
            self.kernel = self.add_weight(
                shape=(input_shape[-1], self.units),
                initializer="glorot_uniform",
                name="kernel",
            )
            self.offset = self.add_weight(
                shape=(self.units,), initializer="zeros", name="offset"
            )

        def call(self, inputs):
            product = lib.ops.matmul(inputs, self.kernel)
            return lib.ops.add(product * self.scale, self.offset)

        def get_config(self):
            return {
                **super().get_config(),
                "units": self.units,
                "scale": self.scale,
            }

    return MyLayer


EmberMyLayer = _define_my_layer(ember)
KerasMyLayer = _define_my_layer(keras)
LAYERS = {ember: EmberMyLayer, keras: KerasMyLayer}
X = np.random.default_rng(0).normal(size=(5, 4)).astype("float32")


def _model(lib):
    inputs = lib.Input((4,))
    hidden = LAYERS[lib](units=3, scale=0.5, name="mine")(inputs)
    model = lib.Model(inputs, lib.layers.Dense(2)(hidden))
    rng = np.random.default_rng(7)
    for weight in model.weights:
        weight.assign(rng.normal(size=tuple(weight.shape)).astype("float32"))
    return model


def _predict(model):
    return np.asarray(model.predict(X, verbose=0))


def _saved(lib, tmp_path):
    model = _model(lib)
    path = tmp_path / f"{lib.__name__}.keras"
    model.save(path)
    return model, path


@pytest.mark.parametrize(
    "source_lib, target_lib",
    [(keras, ember), (ember, keras)],
    ids=["keras_to_ember", "ember_to_keras"],
)
def test_registered_layer_moves_both_ways(tmp_path, source_lib, target_lib):
    source, path = _saved(source_lib, tmp_path)
    restored = target_lib.saving.load_model(path)
    mine = restored.get_layer("mine")
    assert isinstance(mine, LAYERS[target_lib])
    assert (mine.units, mine.scale) == (3, 0.5)
    np.testing.assert_allclose(
        np.asarray(mine.kernel), np.asarray(source.get_layer("mine").kernel)
    )
    np.testing.assert_allclose(
        _predict(restored), _predict(source), rtol=1e-5, atol=1e-5
    )


def test_ember_writes_the_registered_name_keras_writes(tmp_path):
    configs = [
        lib.saving.serialize_keras_object(LAYERS[lib](units=2))
        for lib in (keras, ember)
    ]
    assert configs[0]["registered_name"] == "MyPkg>MyLayer"
    assert configs[1]["registered_name"] == configs[0]["registered_name"]
    assert configs[1]["class_name"] == configs[0]["class_name"] == "MyLayer"


@pytest.fixture
def unregistered(monkeypatch):
    """ember forgets MyLayer for the test (Keras still knows it)."""
    monkeypatch.delitem(ember.saving.get_custom_objects(), "MyPkg>MyLayer")
    monkeypatch.delitem(
        ember.saving.object_registration.GLOBAL_CUSTOM_NAMES, EmberMyLayer
    )


def test_unregistered_layer_fails_naming_the_class(tmp_path, unregistered):
    _, path = _saved(keras, tmp_path)
    with pytest.raises(ValueError, match="'MyLayer'") as info:
        ember.saving.load_model(path)
    assert "custom_objects" in str(info.value)


@pytest.mark.parametrize("key", ["MyLayer", "MyPkg>MyLayer"])
def test_unregistered_layer_loads_with_custom_objects(
    tmp_path, unregistered, key
):
    source, path = _saved(keras, tmp_path)
    restored = ember.saving.load_model(path, custom_objects={key: EmberMyLayer})
    assert isinstance(restored.get_layer("mine"), EmberMyLayer)
    np.testing.assert_allclose(
        _predict(restored), _predict(source), rtol=1e-5, atol=1e-5
    )


def test_unregistered_layer_loads_in_a_custom_object_scope(
    tmp_path, unregistered
):
    source, path = _saved(keras, tmp_path)
    with ember.saving.custom_object_scope({"MyLayer": EmberMyLayer}):
        restored = ember.saving.load_model(path)
    assert isinstance(restored.get_layer("mine"), EmberMyLayer)
    np.testing.assert_allclose(
        _predict(restored), _predict(source), rtol=1e-5, atol=1e-5
    )
    with pytest.raises(ValueError, match="'MyLayer'"):
        ember.saving.load_model(path)


def _define_nested(lib):
    """A regularizer, a loss and a schedule, registered alike in each."""
    register = lib.saving.register_keras_serializable(package="MyPkg")

    @register
    class Halving(lib.regularizers.Regularizer):
        def __init__(self, factor=0.5):
            self.factor = factor

        def __call__(self, x):
            return self.factor * lib.ops.sum(lib.ops.abs(x))

        def get_config(self):
            return {"factor": self.factor}

    @register
    class ScaledMSE(lib.losses.Loss):
        def __init__(self, scale=2.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            error = lib.ops.square(y_true - y_pred)
            return self.scale * lib.ops.mean(error, axis=-1)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    @register
    class StepHalving(lib.optimizers.schedules.LearningRateSchedule):
        def __init__(self, initial=0.1, every=2):
            self.initial = initial
            self.every = every

        def __call__(self, step):
            halvings = lib.ops.floor_divide(step, self.every)
            exponent = lib.ops.cast(halvings, "float32")
            return self.initial * lib.ops.power(0.5, exponent)

        def get_config(self):
            return {"initial": self.initial, "every": self.every}

    return Halving, ScaledMSE, StepHalving


NESTED = {lib: _define_nested(lib) for lib in (ember, keras)}


def _nested_model(lib):
    halving, scaled_mse, step_halving = NESTED[lib]
    inputs = lib.Input((4,))
    hidden = lib.layers.Dense(
        3, kernel_regularizer=halving(0.01), name="regularized"
    )(inputs)
    model = lib.Model(inputs, lib.layers.Dense(2)(hidden))
    rng = np.random.default_rng(3)
    for weight in model.weights:
        weight.assign(rng.normal(size=tuple(weight.shape)).astype("float32"))
    model.compile(
        optimizer=lib.optimizers.Adam(step_halving(0.05, every=1)),
        loss=scaled_mse(),
    )
    return model


@pytest.mark.parametrize("source_lib", [ember, keras], ids=["ember", "keras"])
def test_nested_registered_objects_load_in_the_other_library(
    tmp_path, source_lib
):
    target_lib = keras if source_lib is ember else ember
    y = np.random.default_rng(1).normal(size=(5, 2)).astype("float32")
    source = _nested_model(source_lib)
    source.fit(X, y, batch_size=5, epochs=2, verbose=0)
    config = source_lib.saving.serialize_keras_object(source)
    regularizer = config["config"]["layers"][1]["config"]["kernel_regularizer"]
    optimizer = config["compile_config"]["optimizer"]["config"]
    assert regularizer["registered_name"] == "MyPkg>Halving"
    assert optimizer["learning_rate"]["registered_name"] == "MyPkg>StepHalving"
    assert config["compile_config"]["loss"]["registered_name"] == (
        "MyPkg>ScaledMSE"
    )
    path = tmp_path / "nested.keras"
    source.save(path)

    restored = target_lib.saving.load_model(path)
    halving, scaled_mse, step_halving = NESTED[target_lib]
    layer = restored.get_layer("regularized")
    assert isinstance(layer.kernel_regularizer, halving)
    assert layer.kernel_regularizer.factor == 0.01
    saved_config = target_lib.saving.serialize_keras_object(restored)
    compiled = saved_config["compile_config"]
    assert compiled["loss"]["registered_name"] == "MyPkg>ScaledMSE"
    schedule = compiled["optimizer"]["config"]["learning_rate"]
    assert schedule["registered_name"] == "MyPkg>StepHalving"
    assert schedule["config"] == {"initial": 0.05, "every": 1}
    np.testing.assert_allclose(
        _predict(restored), _predict(source), rtol=1e-5, atol=1e-5
    )
    # The loss (ScaledMSE plus the Halving penalty) is the same number.
    np.testing.assert_allclose(
        restored.evaluate(X, y, verbose=0),
        source.evaluate(X, y, verbose=0),
        rtol=1e-5,
    )
