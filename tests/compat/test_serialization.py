"""`serialize_keras_object` in ember and Keras 3 write the same dicts for
optimizers (with and without schedules), schedules, losses, metrics,
initializers, regularizers, constraints and activations, and each library
reads the other's.

Documented difference (ember writes more than Keras, for a reason):
`Huber`'s `delta` and `CosineSimilarity`'s `axis` are in ember's loss
configs; Keras drops them, so its saved `Huber(delta=0.5)` reloads with
`delta=1.0`. Keras reads ember's dicts and honors both (checked below).
`Identity(gain=...)`: ember writes `gain`, Keras 3 writes `{}`.
"""

import copy
import json
import warnings

import keras
import numpy as np
import pytest

import ember
from ember.saving import deserialize_keras_object
from ember.saving import serialize_keras_object

# (class name, config key) that ember writes and Keras' config leaves out.
EXTRA_KEYS = {
    ("Huber", "delta"),
    ("CosineSimilarity", "axis"),
    ("Identity", "gain"),
}


def _keras_serialize(obj):
    # Keras' optimizer get_config trips numpy 2's `__array__(copy=...)`.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return keras.saving.serialize_keras_object(obj)


def _keras_deserialize(config):
    # Keras' Optimizer.from_config replaces entries of the dict it is given.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return keras.saving.deserialize_keras_object(copy.deepcopy(config))


def _without_extras(config):
    """`config` minus the keys ember writes and Keras does not."""
    config = copy.deepcopy(config)
    for class_name, key in EXTRA_KEYS:
        if config.get("class_name") == class_name:
            config["config"].pop(key, None)
    return config


def _schedule(lib, name, **kwargs):
    return getattr(lib.optimizers.schedules, name)(**kwargs)


EXPONENTIAL = {
    "initial_learning_rate": 0.1,
    "decay_steps": 100,
    "decay_rate": 0.9,
    "staircase": True,
}
SCHEDULES = [
    ("ExponentialDecay", EXPONENTIAL),
    (
        "PiecewiseConstantDecay",
        {"boundaries": [5, 50], "values": [1.0, 0.5, 0.1]},
    ),
    (
        "PolynomialDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 30,
            "end_learning_rate": 0.01,
            "power": 2.0,
            "cycle": True,
        },
    ),
    (
        "InverseTimeDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 10,
            "decay_rate": 0.5,
            "staircase": True,
        },
    ),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.0,
            "decay_steps": 50,
            "alpha": 0.1,
            "warmup_target": 0.2,
            "warmup_steps": 20,
        },
    ),
    (
        "CosineDecayRestarts",
        {
            "initial_learning_rate": 0.1,
            "first_decay_steps": 7,
            "t_mul": 1.5,
            "m_mul": 0.5,
            "alpha": 0.1,
        },
    ),
]

OPTIMIZERS = [
    ("Adam", {"learning_rate": ("ExponentialDecay", EXPONENTIAL)}),
    ("Adam", {"amsgrad": True, "clipnorm": 1.0, "weight_decay": 0.01}),
    ("Adam", {"gradient_accumulation_steps": 2, "loss_scale_factor": 2.0}),
    (
        "SGD",
        {"use_ema": True, "ema_momentum": 0.9, "ema_overwrite_frequency": 5},
    ),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"learning_rate": ("CosineDecay", SCHEDULES[4][1])}),
    ("SGD", {"learning_rate": ("CosineDecayRestarts", SCHEDULES[5][1])}),
    ("RMSprop", {"rho": 0.8, "momentum": 0.5, "centered": True}),
    ("RMSprop", {"learning_rate": ("PiecewiseConstantDecay", SCHEDULES[1][1])}),
    ("AdamW", {"learning_rate": 0.01, "weight_decay": 0.1, "beta_2": 0.99}),
    ("AdamW", {"learning_rate": ("PolynomialDecay", SCHEDULES[2][1])}),
    ("Adadelta", {"rho": 0.9, "epsilon": 1e-6, "global_clipnorm": 2.0}),
    ("Adagrad", {"initial_accumulator_value": 0.2, "clipvalue": 0.5}),
    ("Adamax", {"learning_rate": ("InverseTimeDecay", SCHEDULES[3][1])}),
    ("Nadam", {"beta_1": 0.8, "epsilon": 1e-5}),
    ("Lion", {"beta_1": 0.8, "beta_2": 0.95}),
]

LOSSES = [
    ("MeanSquaredError", {"reduction": "sum"}),
    ("MeanAbsoluteError", {"reduction": "mean", "name": "mae"}),
    ("MeanAbsolutePercentageError", {"reduction": "none"}),
    ("MeanSquaredLogarithmicError", {"reduction": None}),
    ("CosineSimilarity", {"axis": 0}),
    ("Huber", {"delta": 0.5}),
    ("LogCosh", {"name": "lc", "dtype": "float16"}),
    ("Hinge", {"reduction": "sum"}),
    ("SquaredHinge", {"reduction": "sum"}),
    ("CategoricalHinge", {"reduction": "sum"}),
    ("KLDivergence", {"reduction": "sum"}),
    ("Poisson", {"reduction": "sum"}),
    (
        "BinaryCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1, "axis": 0},
    ),
    (
        "CategoricalCrossentropy",
        {"from_logits": True, "label_smoothing": 0.1, "axis": 0},
    ),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 2}),
]

METRICS = [
    ("Accuracy", {"name": "acc", "dtype": "float16"}),
    ("BinaryAccuracy", {"name": "my_binary_accuracy", "threshold": 0.3}),
    ("CategoricalAccuracy", {"name": "cat"}),
    ("SparseCategoricalAccuracy", {"name": "sparse_acc"}),
    (
        "TopKCategoricalAccuracy",
        {"name": "my_top_k_categorical_accuracy", "k": 2},
    ),
    (
        "SparseTopKCategoricalAccuracy",
        {
            "name": "my_sparse_top_k_categorical_accuracy",
            "k": 2,
            "from_sorted_ids": True,
        },
    ),
    ("MeanSquaredError", {"name": "m"}),
    (
        "MeanAbsoluteError",
        {"name": "my_mean_absolute_error", "dtype": "float16"},
    ),
    ("RootMeanSquaredError", {"name": "r"}),
    ("Mean", {"name": "avg"}),
    ("Sum", {"name": "total"}),
    (
        "Precision",
        {"name": "my_precision", "thresholds": [0.3, 0.6], "class_id": 1},
    ),
    ("Recall", {"name": "my_recall", "top_k": 2}),
    ("TruePositives", {"name": "my_true_positives", "thresholds": 0.4}),
    (
        "AUC",
        {
            "name": "my_a_u_c",
            "num_thresholds": 50,
            "curve": "PR",
            "multi_label": True,
        },
    ),
    ("F1Score", {"name": "my_f1_score", "average": "macro", "threshold": 0.4}),
    (
        "FBetaScore",
        {"name": "my_f_beta_score", "average": "weighted", "beta": 2.0},
    ),
    (
        "PrecisionAtRecall",
        {"name": "my_precision_at_recall", "recall": 0.7, "num_thresholds": 50},
    ),
    (
        "RecallAtPrecision",
        {"name": "my_recall_at_precision", "precision": 0.8, "class_id": 2},
    ),
    (
        "SensitivityAtSpecificity",
        {"name": "my_sensitivity_at_specificity", "specificity": 0.6},
    ),
    (
        "SpecificityAtSensitivity",
        {"name": "my_specificity_at_sensitivity", "sensitivity": 0.4},
    ),
    (
        "R2Score",
        {"name": "my_r2_score", "class_aggregation": None, "num_regressors": 2},
    ),
    ("IoU", {"name": "my_io_u", "num_classes": 3, "target_class_ids": [0, 2]}),
    (
        "BinaryIoU",
        {"name": "my_binary_io_u", "target_class_ids": [1], "threshold": 0.3},
    ),
    ("MeanIoU", {"name": "my_mean_io_u", "num_classes": 4, "ignore_class": 0}),
    (
        "OneHotIoU",
        {"name": "my_one_hot_io_u", "num_classes": 3, "target_class_ids": [1]},
    ),
    ("OneHotMeanIoU", {"name": "my_one_hot_mean_io_u", "num_classes": 3}),
    ("PearsonCorrelation", {"name": "my_pearson_correlation", "axis": 0}),
    ("ConcordanceCorrelation", {"name": "ccc"}),
    ("MeanAbsolutePercentageError", {"name": "mape"}),
    ("MeanSquaredLogarithmicError", {"name": "msle"}),
    ("LogCoshError", {"name": "lc"}),
    ("CosineSimilarity", {"name": "cos"}),
    ("Hinge", {"name": "h"}),
    ("SquaredHinge", {"name": "sh"}),
    ("CategoricalHinge", {"name": "ch"}),
    ("KLDivergence", {"name": "kl"}),
    ("Poisson", {"name": "p"}),
    (
        "BinaryCrossentropy",
        {
            "name": "my_binary_crossentropy",
            "from_logits": True,
            "label_smoothing": 0.1,
        },
    ),
    (
        "CategoricalCrossentropy",
        {
            "name": "my_categorical_crossentropy",
            "label_smoothing": 0.1,
            "axis": 0,
        },
    ),
    (
        "SparseCategoricalCrossentropy",
        {"name": "my_sparse_categorical_crossentropy", "from_logits": True},
    ),
]

INITIALIZERS = [
    ("RandomNormal", {"mean": 1.0, "stddev": 0.5, "seed": 3}),
    ("RandomUniform", {"minval": -2.0, "maxval": 3.0, "seed": 3}),
    ("TruncatedNormal", {"mean": 1.0, "stddev": 0.5, "seed": 3}),
    (
        "VarianceScaling",
        {"scale": 2.0, "mode": "fan_out", "distribution": "uniform", "seed": 3},
    ),
    ("GlorotUniform", {"seed": 1}),
    ("GlorotNormal", {"seed": 1}),
    ("HeUniform", {"seed": 1}),
    ("HeNormal", {"seed": 1}),
    ("LecunUniform", {"seed": 1}),
    ("LecunNormal", {"seed": 1}),
    ("Orthogonal", {"gain": 2.0, "seed": 3}),
    ("Constant", {"value": 0.7}),
    ("Identity", {"gain": 2.0}),
    ("Zeros", {}),
    ("Ones", {}),
]

REGULARIZERS = [
    ("L1", {"l1": 0.3}),
    ("L2", {"l2": 0.2}),
    ("L1L2", {"l1": 0.1, "l2": 0.05}),
    ("OrthogonalRegularizer", {"factor": 0.5, "mode": "columns"}),
]

CONSTRAINTS = [
    ("MaxNorm", {"max_value": 3, "axis": 1}),
    ("MinMaxNorm", {"min_value": 0.5, "max_value": 2.0, "rate": 0.5}),
    ("NonNeg", {}),
    ("UnitNorm", {"axis": 1}),
]


def _build(lib, family, name, kwargs):
    kwargs = dict(kwargs)
    if family == "optimizers":
        kwargs.setdefault("name", "opt")
        if isinstance(kwargs.get("learning_rate"), tuple):
            schedule, schedule_kwargs = kwargs["learning_rate"]
            kwargs["learning_rate"] = _schedule(
                lib, schedule, **schedule_kwargs
            )
    if family == "schedules":
        return _schedule(lib, name, **kwargs)
    return getattr(getattr(lib, family), name)(**kwargs)


def _cases(family, table):
    return [
        pytest.param(family, name, kwargs, id=f"{family}.{name}-{i}")
        for i, (name, kwargs) in enumerate(table)
    ]


CASES = (
    _cases("optimizers", OPTIMIZERS)
    + _cases("schedules", SCHEDULES)
    + _cases("losses", LOSSES)
    + _cases("metrics", METRICS)
    + _cases("initializers", INITIALIZERS)
    + _cases("regularizers", REGULARIZERS)
    + _cases("constraints", CONSTRAINTS)
)


@pytest.mark.parametrize(("family", "name", "kwargs"), CASES)
def test_serialized_dict_equals_keras(family, name, kwargs):
    ours = serialize_keras_object(_build(ember, family, name, kwargs))
    theirs = _keras_serialize(_build(keras, family, name, kwargs))
    assert _without_extras(ours) == theirs
    # Both are plain JSON, and survive a trip through a file unchanged.
    assert json.loads(json.dumps(ours)) == ours


@pytest.mark.parametrize(("family", "name", "kwargs"), CASES)
def test_ember_reads_keras_dict(family, name, kwargs):
    theirs = _keras_serialize(_build(keras, family, name, kwargs))
    restored = deserialize_keras_object(json.loads(json.dumps(theirs)))
    assert type(restored).__name__ == name
    assert _without_extras(serialize_keras_object(restored)) == theirs


@pytest.mark.parametrize(("family", "name", "kwargs"), CASES)
def test_keras_reads_ember_dict(family, name, kwargs):
    ours = serialize_keras_object(_build(ember, family, name, kwargs))
    restored = _keras_deserialize(json.loads(json.dumps(ours)))
    assert type(restored).__name__ == name
    assert _keras_serialize(restored) == _without_extras(ours)


def test_keras_honors_the_extra_loss_arguments_ember_writes():
    y_true = np.array([[0.0, 1.0], [1.0, 1.0]], "float32")
    y_pred = np.array([[2.0, -1.0], [0.3, 0.9]], "float32")
    for loss in (
        ember.losses.Huber(delta=0.5),
        ember.losses.CosineSimilarity(axis=0),
    ):
        in_keras = _keras_deserialize(serialize_keras_object(loss))
        np.testing.assert_allclose(
            np.asarray(in_keras(y_true, y_pred)),
            np.asarray(loss(y_true, y_pred)),
            rtol=1e-6,
        )


def test_optimizer_schedule_is_nested_as_in_keras():
    ours = serialize_keras_object(
        ember.optimizers.Adam(
            learning_rate=_schedule(ember, "ExponentialDecay", **EXPONENTIAL),
            name="opt",
        )
    )
    assert ours["config"]["learning_rate"] == {
        "module": "keras.optimizers.schedules",
        "class_name": "ExponentialDecay",
        "config": {**EXPONENTIAL, "name": "ExponentialDecay"},
        "registered_name": None,
    }
    in_keras = _keras_deserialize(ours)
    assert isinstance(
        in_keras._learning_rate, keras.optimizers.schedules.ExponentialDecay
    )
    in_ember = deserialize_keras_object(_keras_serialize(in_keras))
    assert isinstance(
        in_ember._learning_rate, ember.optimizers.schedules.ExponentialDecay
    )


@pytest.mark.parametrize(("name", "kwargs"), SCHEDULES)
def test_schedule_values_equal_keras(name, kwargs):
    ours = _schedule(ember, name, **kwargs)
    theirs = _schedule(keras, name, **kwargs)
    for step in (0, 1, 5, 6, 7, 10, 20, 33, 50, 100, 1000):
        np.testing.assert_allclose(
            np.asarray(ours(np.int32(step))),
            np.asarray(theirs(np.int32(step))),
            rtol=1e-5,
            atol=1e-8,
        )


def test_every_keras_schedule_exists_in_ember():
    names = [
        name
        for name in dir(keras.optimizers.schedules)
        if name[0].isupper() and name != "LearningRateSchedule"
    ]
    assert sorted(names) == sorted(name for name, _ in SCHEDULES)


ACTIVATIONS = sorted(
    name
    for name in dir(ember.activations)
    if not name.startswith("_")
    and name not in ("get", "serialize", "deserialize")
    and hasattr(keras.activations, name)
)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activation_by_name_equals_keras(name):
    ours = serialize_keras_object(ember.activations.get(name))
    theirs = _keras_serialize(keras.activations.get(name))
    assert ours == theirs
    assert deserialize_keras_object(theirs) is ember.activations.get(name)
    assert _keras_deserialize(ours) is keras.activations.get(name)


def test_a_lambda_moves_both_ways_with_safe_mode_false():
    with pytest.warns(UserWarning):
        written_by_keras = keras.saving.serialize_keras_object(
            lambda x: x * 2.0
        )
    with pytest.warns(UserWarning):
        written_by_ember = ember.saving.serialize_keras_object(
            lambda x: x * 2.0
        )
    for config in (written_by_keras, written_by_ember):
        config = json.loads(json.dumps(config))
        by_ember = ember.saving.deserialize_keras_object(
            config, safe_mode=False
        )
        by_keras = keras.saving.deserialize_keras_object(
            config, safe_mode=False
        )
        assert by_ember(3.0) == by_keras(3.0) == 6.0


def test_layers_serialize_equals_keras_and_reads_keras_dicts():
    ours = ember.layers.Dense(3, activation="relu", name="dense_x")
    theirs = keras.layers.Dense(3, activation="relu", name="dense_x")
    ours(np.ones((1, 4), "float32"))
    theirs(np.ones((1, 4), "float32"))
    ours_config = ember.layers.serialize(ours)
    theirs_config = keras.layers.serialize(theirs)
    # Equal as written to a file (Keras keeps tuples in memory).
    assert json.loads(json.dumps(ours_config)) == json.loads(
        json.dumps(theirs_config)
    )
    restored = ember.layers.deserialize(theirs_config)
    assert restored.get_config() == ours.get_config()
    assert keras.layers.deserialize(ours_config).get_config() == (
        theirs.get_config()
    )
