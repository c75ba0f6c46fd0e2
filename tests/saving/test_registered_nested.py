"""Registered user objects nested in another object's config are written
under their registered name (`"p>Halving"`), as Keras writes them, and a
saved model holding them loads without `custom_objects`."""

import json

import numpy as np
import pytest

import ember
from ember import ops
from ember.saving import deserialize_keras_object
from ember.saving import serialize_keras_object

register = ember.saving.register_keras_serializable(package="p")


@register
class Halving(ember.regularizers.Regularizer):
    def __init__(self, factor=0.5):
        self.factor = factor

    def __call__(self, x):
        return self.factor * ops.sum(ops.abs(x))

    def get_config(self):
        return {"factor": self.factor}


@register
class Fill(ember.initializers.Initializer):
    def __init__(self, value=0.25):
        self.value = value

    def __call__(self, shape, dtype=None):
        return ops.full(shape, self.value, dtype=dtype)

    def get_config(self):
        return {"value": self.value}


@register
class Clip(ember.constraints.Constraint):
    def __call__(self, w):
        return ops.clip(w, -0.3, 0.3)

    def get_config(self):
        return {}


@register
def doubled(x):
    return x * 2


@register
class ScaledMSE(ember.losses.Loss):
    def __init__(self, scale=2.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, y_true, y_pred):
        return self.scale * ops.mean(ops.square(y_true - y_pred), axis=-1)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


@register
class AbsError(ember.metrics.Mean):
    def update_state(self, y_true, y_pred, sample_weight=None):
        return super().update_state(ops.abs(y_true - y_pred), sample_weight)


@register
class StepHalving(ember.optimizers.schedules.LearningRateSchedule):
    def __init__(self, initial=0.1, every=2):
        self.initial = initial
        self.every = every

    def __call__(self, step):
        return self.initial * 0.5 ** ops.floor_divide(step, self.every)

    def get_config(self):
        return {"initial": self.initial, "every": self.every}


@register
class Scale(ember.layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class Unregistered(ember.regularizers.Regularizer):
    def __call__(self, x):
        return ops.sum(x)

    def get_config(self):
        return {}


def _entry(obj, config):
    return {
        "module": __name__,
        "class_name": type(obj).__name__,
        "config": config,
        "registered_name": f"p>{type(obj).__name__}",
    }


@pytest.mark.parametrize(
    "family, obj, config",
    [
        (ember.regularizers, Halving(), {"factor": 0.5}),
        (ember.initializers, Fill(), {"value": 0.25}),
        (ember.constraints, Clip(), {}),
        (
            ember.losses,
            ScaledMSE(name="scaled"),
            {"name": "scaled", "reduction": "sum_over_batch_size", "scale": 2},
        ),
        (
            ember.metrics,
            AbsError(name="err"),
            {"name": "err", "dtype": "float32"},
        ),
        (
            ember.optimizers.schedules,
            StepHalving(),
            {"initial": 0.1, "every": 2},
        ),
    ],
)
def test_family_serializers_write_the_registered_name(family, obj, config):
    written = family.serialize(obj)
    assert written == _entry(obj, config)
    assert type(family.deserialize(json.loads(json.dumps(written)))) is type(
        obj
    )


def test_registered_function_is_written_by_its_registered_name():
    expected = {
        "module": "builtins",
        "class_name": "function",
        "config": "p>doubled",
        "registered_name": "function",
    }
    assert ember.activations.serialize(doubled) == expected
    assert ember.losses.serialize(doubled) == expected
    assert ember.metrics.serialize(doubled) == expected
    assert ember.activations.deserialize(expected) is doubled
    assert ember.losses.deserialize(expected) is doubled
    assert ember.metrics.deserialize(expected) is doubled


def test_unregistered_user_class_is_written_by_class_name():
    written = ember.regularizers.serialize(Unregistered())
    assert written["registered_name"] == "Unregistered"
    restored = ember.regularizers.deserialize(
        written, custom_objects={"Unregistered": Unregistered}
    )
    assert isinstance(restored, Unregistered)


@pytest.mark.parametrize(
    "obj, path, name",
    [
        (
            ember.layers.Dense(2, kernel_regularizer=Halving()),
            ["kernel_regularizer"],
            "p>Halving",
        ),
        (
            ember.layers.Dense(2, kernel_initializer=Fill()),
            ["kernel_initializer"],
            "p>Fill",
        ),
        (
            ember.layers.Dense(2, kernel_constraint=Clip()),
            ["kernel_constraint"],
            "p>Clip",
        ),
        (
            ember.layers.Conv1D(2, 3, activity_regularizer=Halving()),
            ["activity_regularizer"],
            "p>Halving",
        ),
        (
            ember.optimizers.Adam(StepHalving()),
            ["learning_rate"],
            "p>StepHalving",
        ),
        (
            ember.Sequential([ember.Input((3,)), Scale()]),
            ["layers", 1],
            "p>Scale",
        ),
    ],
)
def test_nested_configs_write_the_registered_name(obj, path, name):
    config = json.loads(json.dumps(serialize_keras_object(obj)))
    nested = config["config"]
    for key in path:
        nested = nested[key]
    assert nested["registered_name"] == name
    assert nested["module"] == __name__
    # ...and the object comes back without custom objects.
    restored = deserialize_keras_object(config)
    assert type(restored) is type(obj)


def test_nested_registered_function_and_direct_from_config():
    dense = ember.layers.Dense(2, activation=doubled, kernel_initializer=Fill())
    config = dense.get_config()
    assert config["activation"]["config"] == "p>doubled"
    restored = ember.layers.Dense.from_config(json.loads(json.dumps(config)))
    assert restored.activation is doubled
    assert isinstance(restored.kernel_initializer, Fill)


def test_keras_top_level_base_class_module_loads():
    # Keras writes `"module": "keras"` for the base classes it exports at
    # its top (keras.Loss, keras.Metric...).
    loss = deserialize_keras_object(
        {
            "module": "keras",
            "class_name": "Loss",
            "config": {"name": "loss", "reduction": "sum_over_batch_size"},
            "registered_name": None,
        }
    )
    assert type(loss) is ember.losses.Loss


def _model():
    model = ember.Sequential(
        [
            ember.Input((4,)),
            Scale(1.5),
            ember.layers.Dense(
                3,
                activation=doubled,
                kernel_initializer=Fill(),
                kernel_regularizer=Halving(0.01),
                kernel_constraint=Clip(),
            ),
            ember.layers.Dense(2, bias_regularizer=Halving(0.1)),
        ]
    )
    model.compile(
        optimizer=ember.optimizers.Adam(StepHalving(0.05, every=1)),
        loss=ScaledMSE(),
        metrics=[AbsError(name="err")],
    )
    return model


def test_saved_model_loads_without_custom_objects_and_behaves_the_same(
    tmp_path,
):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 4)).astype("float32")
    y = rng.normal(size=(8, 2)).astype("float32")
    model = _model()
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    path = tmp_path / "model.keras"
    model.save(path)

    loaded = ember.saving.load_model(path)
    dense = loaded.layers[1]
    assert isinstance(loaded.layers[0], Scale)
    assert loaded.layers[0].factor == 1.5
    assert dense.activation is doubled
    assert isinstance(dense.kernel_initializer, Fill)
    assert isinstance(dense.kernel_regularizer, Halving)
    assert isinstance(dense.kernel_constraint, Clip)
    compiled = loaded.get_compile_config()
    assert isinstance(compiled["loss"], ScaledMSE)
    assert isinstance(compiled["metrics"][0], AbsError)
    schedule = loaded.optimizer.get_config()["learning_rate"]
    assert schedule["registered_name"] == "p>StepHalving"

    np.testing.assert_allclose(
        loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6
    )
    np.testing.assert_allclose(
        loaded.evaluate(x, y, verbose=0),
        model.evaluate(x, y, verbose=0),
        rtol=1e-6,
    )
    # One more step: same schedule, regularizers and constraint, same result.
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for ours, theirs in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_allclose(
            np.asarray(theirs), np.asarray(ours), rtol=1e-5, atol=1e-7
        )
