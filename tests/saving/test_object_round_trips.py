"""Every public optimizer, schedule, loss, metric, initializer, regularizer,
constraint and activation survives `serialize_keras_object` ->
`deserialize_keras_object` (through JSON) and `from_config(get_config())`:
the config comes back equal and the rebuilt object computes the same thing.

Classes are enumerated from the packages themselves, so a new class is
covered as soon as it is exported; one that needs arguments fails loudly
until it gets a row in `ARGS`.
"""

import inspect
import json
import types

import numpy as np
import pytest

import ember
from ember import activations
from ember import constraints
from ember import initializers
from ember import losses
from ember import metrics
from ember import optimizers
from ember import regularizers
from ember.optimizers import schedules
from ember.saving import deserialize_keras_object
from ember.saving import serialize_keras_object

# Bases that are not used as such, and OptaxOptimizer, which wraps an optax
# transformation that has no config (Keras has no counterpart).
ABSTRACT = {
    optimizers.Optimizer,
    optimizers.OptaxOptimizer,
    schedules.LearningRateSchedule,
    losses.Loss,
    losses.LossFunctionWrapper,
    metrics.Metric,
    initializers.Initializer,
    regularizers.Regularizer,
    constraints.Constraint,
}
BASES = (
    optimizers.Optimizer,
    schedules.LearningRateSchedule,
    losses.Loss,
    metrics.Metric,
    initializers.Initializer,
    regularizers.Regularizer,
    constraints.Constraint,
)


def _public_classes(module, base):
    """The distinct public classes of `module` deriving from `base`."""
    found = {}
    for name in dir(module):
        value = getattr(module, name)
        if (
            not name.startswith("_")
            and inspect.isclass(value)
            and issubclass(value, base)
            and value not in ABSTRACT
        ):
            found[value.__name__] = value
    return [found[name] for name in sorted(found)]


FAMILIES = {
    "optimizers": _public_classes(optimizers, optimizers.Optimizer),
    "schedules": _public_classes(schedules, schedules.LearningRateSchedule),
    "losses": _public_classes(losses, losses.Loss),
    "metrics": _public_classes(metrics, metrics.Metric),
    "initializers": _public_classes(initializers, initializers.Initializer),
    "regularizers": _public_classes(regularizers, regularizers.Regularizer),
    "constraints": _public_classes(constraints, constraints.Constraint),
}
CLASSES = [
    pytest.param(family, cls, id=f"{family}.{cls.__name__}")
    for family, classes in FAMILIES.items()
    for cls in classes
]

# Non-default arguments, by class name (required ones included).
_OPTIMIZER_ARGS = {"learning_rate": 0.05, "clipnorm": 1.0}
ARGS = {
    "optimizers": {
        "SGD": {"momentum": 0.9, "nesterov": True},
        "Adadelta": {"rho": 0.9, "epsilon": 1e-6},
        "Adagrad": {"initial_accumulator_value": 0.2},
        "Adam": {"beta_1": 0.8, "amsgrad": True, "weight_decay": 0.01},
        "AdamW": {"weight_decay": 0.1, "beta_2": 0.99},
        "Adamax": {"beta_1": 0.8},
        "Lion": {"beta_1": 0.8, "beta_2": 0.95},
        "Nadam": {"beta_1": 0.8},
        "RMSprop": {"rho": 0.8, "momentum": 0.5, "centered": True},
    },
    "schedules": {
        "ExponentialDecay": {
            "initial_learning_rate": 0.1,
            "decay_steps": 20,
            "decay_rate": 0.5,
            "staircase": True,
        },
        "PiecewiseConstantDecay": {
            "boundaries": [5, 50],
            "values": [0.1, 0.05, 0.01],
        },
        "PolynomialDecay": {
            "initial_learning_rate": 0.1,
            "decay_steps": 30,
            "end_learning_rate": 0.01,
            "power": 2.0,
            "cycle": True,
        },
        "InverseTimeDecay": {
            "initial_learning_rate": 0.1,
            "decay_steps": 10,
            "decay_rate": 0.5,
        },
        "CosineDecay": {
            "initial_learning_rate": 0.0,
            "decay_steps": 50,
            "alpha": 0.1,
            "warmup_target": 0.2,
            "warmup_steps": 20,
        },
        "CosineDecayRestarts": {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 7,
            "t_mul": 1.5,
            "m_mul": 0.5,
            "alpha": 0.1,
        },
    },
    "losses": {
        "BinaryCrossentropy": {"from_logits": True, "label_smoothing": 0.1},
        "CategoricalCrossentropy": {"label_smoothing": 0.2, "axis": -1},
        "SparseCategoricalCrossentropy": {"from_logits": True},
        "CosineSimilarity": {"axis": 0},
        "Huber": {"delta": 0.3},
    },
    "metrics": {
        "MeanMetricWrapper": {"fn": metrics.mean_squared_error},
        "BinaryAccuracy": {"threshold": 0.3},
        "TopKCategoricalAccuracy": {"k": 2},
        "SparseTopKCategoricalAccuracy": {"k": 2},
        "Precision": {"thresholds": [0.3, 0.6], "class_id": 1},
        "Recall": {"top_k": 2},
        "AUC": {"num_thresholds": 50, "curve": "PR", "multi_label": True},
        "F1Score": {"average": "macro", "threshold": 0.4},
        "FBetaScore": {"average": "weighted", "beta": 2.0},
        "PrecisionAtRecall": {"recall": 0.7, "num_thresholds": 50},
        "RecallAtPrecision": {"precision": 0.8, "class_id": 2},
        "SensitivityAtSpecificity": {"specificity": 0.6},
        "SpecificityAtSensitivity": {"sensitivity": 0.4},
        "R2Score": {"class_aggregation": None, "num_regressors": 2},
        "IoU": {"num_classes": 3, "target_class_ids": [0, 2]},
        "BinaryIoU": {"target_class_ids": [1], "threshold": 0.3},
        "MeanIoU": {"num_classes": 4, "ignore_class": 0},
        "OneHotIoU": {"num_classes": 3, "target_class_ids": [1]},
        "OneHotMeanIoU": {"num_classes": 3},
        "CategoricalCrossentropy": {"label_smoothing": 0.1},
    },
    "initializers": {
        "Constant": {"value": 0.7},
        "Identity": {"gain": 2.0},
        "RandomNormal": {"mean": 1.0, "stddev": 0.5},
        "RandomUniform": {"minval": -2.0, "maxval": 3.0},
        "TruncatedNormal": {"mean": 1.0, "stddev": 0.5},
        "Orthogonal": {"gain": 2.0},
        "VarianceScaling": {
            "scale": 2.0,
            "mode": "fan_out",
            "distribution": "uniform",
        },
    },
    "regularizers": {
        "L1": {"l1": 0.3},
        "L2": {"l2": 0.2},
        "L1L2": {"l1": 0.1, "l2": 0.05},
        "OrthogonalRegularizer": {"factor": 0.5, "mode": "columns"},
    },
    "constraints": {
        "MaxNorm": {"max_value": 0.5, "axis": 1},
        "MinMaxNorm": {"min_value": 0.2, "max_value": 0.6, "rate": 0.5},
        "UnitNorm": {"axis": 1},
    },
}


def _build(family, cls):
    if cls is optimizers.LossScaleOptimizer:
        # It wraps an optimizer and takes none of the base arguments.
        inner = optimizers.SGD(momentum=0.9, **_OPTIMIZER_ARGS)
        return cls(inner, initial_scale=4.0, dynamic_growth_steps=3)
    kwargs = dict(ARGS[family].get(cls.__name__, {}))
    if family == "optimizers":
        kwargs = {**_OPTIMIZER_ARGS, **kwargs}
    elif family in ("losses", "metrics"):
        kwargs.setdefault("name", f"my_{cls.__name__.lower()}")
        if family == "losses":
            kwargs.setdefault("reduction", "sum")
    elif family == "initializers" and issubclass(
        cls, initializers.random_initializers.RandomInitializer
    ):
        kwargs["seed"] = 3
    try:
        return cls(**kwargs)
    except TypeError as error:
        raise AssertionError(
            f"{cls.__name__} needs arguments: add a row to ARGS[{family!r}]"
        ) from error


def _through_json(config):
    return json.loads(json.dumps(config))


# -- what each family computes ----------------------------------------
def _labels_and_predictions(cls):
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 3)).astype("float32")
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    if "Sparse" in cls.__name__:
        return np.array([0, 2, 1, 2], "int32"), probs
    return np.eye(3, dtype="float32")[[0, 2, 1, 1]], probs


def _sgd_steps(optimizer):
    variable = ember.Variable(np.array([1.0, -2.0, 3.0], "float32"))
    for _ in range(2):
        optimizer.apply([np.array([0.5, -1.0, 2.0], "float32")], [variable])
    return np.asarray(variable.value)


def _behavior(family, obj):
    """A few numbers the object produces on a small fixed input."""
    if family == "optimizers":
        return _sgd_steps(obj)
    if family == "schedules":
        return [np.asarray(obj(np.int32(step))) for step in (0, 10, 100)]
    if family == "losses":
        return np.asarray(obj(*_labels_and_predictions(type(obj))))
    if family == "metrics":
        y_true, y_pred = _labels_and_predictions(type(obj))
        if "y_true" in inspect.signature(obj.update_state).parameters:
            obj.update_state(y_true, y_pred)
        else:
            obj.update_state(y_pred)
        return np.asarray(obj.result())
    if family == "initializers":
        return np.asarray(obj((4, 4), dtype="float32"))
    x = np.random.default_rng(1).normal(size=(4, 3)).astype("float32")
    return np.asarray(obj(x))


def _assert_same_behavior(family, obj, restored):
    expected = _behavior(family, obj)
    got = _behavior(family, restored)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-7)


# -- the round trips --------------------------------------------------
@pytest.mark.parametrize(("family", "cls"), CLASSES)
def test_serialize_keras_object_round_trip(family, cls):
    obj = _build(family, cls)
    config = _through_json(serialize_keras_object(obj))
    assert config["class_name"] == cls.__name__
    assert config["registered_name"] is None
    restored = deserialize_keras_object(config)
    assert type(restored) is cls
    assert restored.get_config() == obj.get_config()
    assert _through_json(serialize_keras_object(restored)) == config
    _assert_same_behavior(family, obj, restored)


@pytest.mark.parametrize(("family", "cls"), CLASSES)
def test_from_config_round_trip(family, cls):
    obj = _build(family, cls)
    restored = cls.from_config(obj.get_config())
    assert type(restored) is cls
    assert restored.get_config() == obj.get_config()
    _assert_same_behavior(family, obj, restored)


def test_every_family_has_classes():
    # Guards the enumeration itself: a refactor that hides the classes
    # from dir() would otherwise leave these tests silently empty.
    assert {family: len(c) >= 1 for family, c in FAMILIES.items()} == {
        family: True for family in FAMILIES
    }
    assert len(FAMILIES["schedules"]) == 6


@pytest.mark.parametrize(
    "schedule_cls", FAMILIES["schedules"], ids=lambda cls: cls.__name__
)
@pytest.mark.parametrize("optimizer_cls", [optimizers.Adam, optimizers.SGD])
def test_optimizer_with_schedule_round_trips(optimizer_cls, schedule_cls):
    schedule = _build("schedules", schedule_cls)
    obj = optimizer_cls(learning_rate=schedule)
    config = _through_json(serialize_keras_object(obj))
    assert config["config"]["learning_rate"] == {
        "module": "keras.optimizers.schedules",
        "class_name": schedule_cls.__name__,
        "config": schedule.get_config(),
        "registered_name": None,
    }
    restored = [
        deserialize_keras_object(config),
        optimizer_cls.from_config(obj.get_config()),
    ]
    expected = _sgd_steps(obj)
    for clone in restored:
        assert type(clone._learning_rate) is schedule_cls
        assert clone.get_config() == obj.get_config()
        np.testing.assert_allclose(_sgd_steps(clone), expected, rtol=1e-6)


class Halving(schedules.LearningRateSchedule):
    def __init__(self, rate):
        self.rate = rate

    def __call__(self, step):
        return self.rate * 0.5 ** (step // 10)

    def get_config(self):
        return {"rate": self.rate}


def test_optimizer_with_custom_schedule_round_trips():
    obj = optimizers.SGD(learning_rate=Halving(0.2))
    config = _through_json(serialize_keras_object(obj))
    assert config["config"]["learning_rate"] == {
        "module": __name__,
        "class_name": "Halving",
        "config": {"rate": 0.2},
        "registered_name": "Halving",
    }
    restored = deserialize_keras_object(
        config, custom_objects={"Halving": Halving}
    )
    assert isinstance(restored._learning_rate, Halving)
    assert restored.get_config() == obj.get_config()
    _assert_same_behavior("optimizers", obj, restored)


# -- activations --------------------------------------------------------
ACTIVATIONS = sorted(
    name
    for name in dir(activations)
    if not name.startswith("_")
    and isinstance(getattr(activations, name), types.FunctionType)
    and name not in ("get", "serialize", "deserialize")
)

ACTIVATION_ARGS = {"threshold": {"threshold": 0.5, "default_value": -1.0}}


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_round_trips(name):
    fn = getattr(activations, name)
    config = _through_json(serialize_keras_object(fn))
    assert config == {
        "module": "builtins",
        "class_name": "function",
        "config": fn.__name__,  # an alias (swish) writes its target (silu)
        "registered_name": "function",
    }
    assert deserialize_keras_object(config) is fn
    assert deserialize_keras_object(name) == name  # a bare string stays one
    assert activations.deserialize(activations.serialize(fn)) is fn
    assert activations.get(name) is fn
    x = np.linspace(-3, 3, 8, dtype="float32").reshape(2, 4)
    kwargs = ACTIVATION_ARGS.get(name, {})
    np.testing.assert_allclose(
        np.asarray(activations.get(name)(x, **kwargs)),
        np.asarray(fn(x, **kwargs)),
    )
