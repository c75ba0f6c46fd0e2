"""ember optimizers against Keras 3: same steps, variables and configs."""

import warnings

import keras
import numpy as np
import pytest

import ember
from ember import optimizers
from ember.core import naming

CASES = [
    ("SGD", {}),
    ("SGD", {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "nesterov": True, "learning_rate": 0.1}),
    ("Adam", {}),
    ("Adam", {"amsgrad": True, "learning_rate": 0.01}),
    ("Adam", {"clipnorm": 0.5, "learning_rate": 0.01}),
    ("Adam", {"global_clipnorm": 0.5}),
    ("Adam", {"clipvalue": 0.1}),
    ("Adam", {"gradient_accumulation_steps": 2, "learning_rate": 0.1}),
    ("Adam", {"loss_scale_factor": 4.0}),
    ("Adam", {"use_ema": True, "ema_overwrite_frequency": 3}),
    (
        "SGD",
        {"momentum": 0.9, "use_ema": True, "gradient_accumulation_steps": 2},
    ),
    (
        "Nadam",
        {
            "use_ema": True,
            "ema_momentum": 0.5,
            "gradient_accumulation_steps": 3,
        },
    ),
    ("AdamW", {}),
    ("AdamW", {"weight_decay": 0.1, "learning_rate": 0.05}),
    ("RMSprop", {}),
    ("RMSprop", {"momentum": 0.9, "centered": True}),
    ("RMSprop", {"centered": True, "weight_decay": 0.01}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adamax", {}),
    ("Nadam", {"learning_rate": 0.01}),
    ("Lion", {"learning_rate": 0.01}),
    ("Adadelta", {"learning_rate": 1.0}),
]

_SHAPES = [(3, 2), (2,)]


def _gradients(steps=4):
    rng = np.random.default_rng(0)
    return [
        [rng.normal(size=s).astype("float32") for s in _SHAPES]
        for _ in range(steps)
    ]


def _initial():
    rng = np.random.default_rng(1)
    return [rng.normal(size=s).astype("float32") for s in _SHAPES]


def _keras_config(obj):
    # Keras' own get_config trips numpy 2's `__array__(copy=...)` warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        return obj.get_config()


def _pair(class_name, kwargs):
    naming.reset_uids()
    keras.utils.clear_session()
    ours = getattr(optimizers, class_name)(**kwargs)
    theirs = getattr(keras.optimizers, class_name)(**kwargs)
    init = _initial()
    ours_vars = [
        ember.Variable(init[0], name="kernel"),
        ember.Variable(init[1], name="bias"),
    ]
    theirs_vars = [
        keras.Variable(init[0], name="kernel"),
        keras.Variable(init[1], name="bias"),
    ]
    ours.build(ours_vars)
    theirs.build(theirs_vars)
    return ours, theirs, ours_vars, theirs_vars


@pytest.mark.parametrize(("class_name", "kwargs"), CASES)
def test_steps_match_keras(class_name, kwargs):
    ours, theirs, ours_vars, theirs_vars = _pair(class_name, kwargs)
    for grads in _gradients():
        ours.apply(grads, ours_vars)
        theirs.apply(grads, theirs_vars)
        for a, b in zip(ours_vars, theirs_vars, strict=True):
            np.testing.assert_allclose(
                np.asarray(a.value), np.asarray(b.value), rtol=1e-6, atol=1e-7
            )
    for a, b in zip(ours.variables, theirs.variables, strict=True):
        np.testing.assert_allclose(
            np.asarray(a.value), np.asarray(b.value), rtol=1e-6, atol=1e-7
        )


@pytest.mark.parametrize(("class_name", "kwargs"), CASES)
def test_variables_match_keras(class_name, kwargs):
    ours, theirs, _, _ = _pair(class_name, kwargs)
    assert [v.path for v in ours.variables] == [
        v.path for v in theirs.variables
    ]
    assert [v.dtype for v in ours.variables] == [
        v.dtype for v in theirs.variables
    ]
    assert [tuple(v.shape) for v in ours.variables] == [
        tuple(v.shape) for v in theirs.variables
    ]


@pytest.mark.parametrize(("class_name", "kwargs"), CASES)
def test_config_matches_keras(class_name, kwargs):
    ours, theirs, _, _ = _pair(class_name, kwargs)
    assert ours.get_config() == _keras_config(theirs)
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()


def test_stateless_apply_matches_keras():
    ours, theirs, ours_vars, theirs_vars = _pair("Adam", {})
    opt_values = [v.value for v in ours.variables]
    train_values = [v.value for v in ours_vars]
    k_opt = [v.value for v in theirs.variables]
    k_train = [v.value for v in theirs_vars]
    for grads in _gradients(3):
        train_values, opt_values = ours.stateless_apply(
            opt_values, grads, train_values
        )
        k_train, k_opt = theirs.stateless_apply(k_opt, grads, k_train)
    for a, b in zip(train_values + opt_values, k_train + k_opt, strict=True):
        np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=1e-6)


SCHEDULES = [
    (
        "ExponentialDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 7, "decay_rate": 0.5},
    ),
    (
        "ExponentialDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 7,
            "decay_rate": 0.5,
            "staircase": True,
        },
    ),
    (
        "PiecewiseConstantDecay",
        {"boundaries": [3, 8], "values": [1.0, 0.5, 0.1]},
    ),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 10}),
    (
        "PolynomialDecay",
        {
            "initial_learning_rate": 0.1,
            "decay_steps": 6,
            "power": 2.0,
            "cycle": True,
        },
    ),
    (
        "InverseTimeDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 5, "decay_rate": 0.3},
    ),
    (
        "CosineDecay",
        {"initial_learning_rate": 0.1, "decay_steps": 10, "alpha": 0.1},
    ),
    (
        "CosineDecay",
        {
            "initial_learning_rate": 0.0,
            "decay_steps": 10,
            "warmup_target": 0.2,
            "warmup_steps": 4,
        },
    ),
]


@pytest.mark.parametrize(("class_name", "kwargs"), SCHEDULES)
def test_schedules_match_keras(class_name, kwargs):
    ours = getattr(optimizers.schedules, class_name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, class_name)(**kwargs)
    assert ours.get_config() == _keras_config(theirs)
    for step in (0, 1, 3, 4, 5, 9, 14, 19):
        np.testing.assert_allclose(
            np.asarray(ours(np.int32(step))),
            np.asarray(theirs(np.int32(step))),
            rtol=1e-6,
        )


def test_schedule_in_optimizer_matches_keras():
    schedule = {
        "initial_learning_rate": 0.1,
        "decay_steps": 2,
        "decay_rate": 0.5,
    }
    naming.reset_uids()
    keras.utils.clear_session()
    ours = optimizers.SGD(optimizers.schedules.ExponentialDecay(**schedule))
    theirs = keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(**schedule)
    )
    assert ours.get_config() == _keras_config(theirs)
    assert [v.path for v in ours.variables] == [
        v.path for v in theirs.variables
    ]
    init = _initial()
    ours_vars = [ember.Variable(x) for x in init]
    theirs_vars = [keras.Variable(x) for x in init]
    for grads in _gradients():
        ours.apply(grads, ours_vars)
        theirs.apply(grads, theirs_vars)
    for a, b in zip(ours_vars, theirs_vars, strict=True):
        np.testing.assert_allclose(np.asarray(a.value), np.asarray(b.value))
    clone = optimizers.SGD.from_config(ours.get_config())
    assert isinstance(
        clone._learning_rate, optimizers.schedules.ExponentialDecay
    )
