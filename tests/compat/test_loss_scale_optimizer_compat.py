"""LossScaleOptimizer against Keras 3: the same steps (skipped ones
included), variables, configs and `.keras` files."""

import copy

import jax
import keras
import numpy as np
import pytest

import ember

RNG = np.random.default_rng(7)
SHAPES = [(3, 2), (2,)]
INITIAL = [RNG.normal(size=s).astype("float32") for s in SHAPES]
# Gradients of a scaled loss: overflows (inf, -inf, NaN) among finite ones,
# enough finite ones in a row for the scale to double more than once.
STEPS = [
    [RNG.normal(size=s).astype("float32") * 64.0 for s in SHAPES]
    for _ in range(9)
]
STEPS[1][0][0, 0] = np.inf
STEPS[4][1][1] = np.nan
STEPS[8][0][2, 1] = -np.inf

INNER = [
    ("Adam", {"learning_rate": 0.01}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("RMSprop", {"learning_rate": 0.01, "loss_scale_factor": 4.0}),
]


def _optimizer(lib, inner_name, inner_kwargs):
    inner = getattr(lib.optimizers, inner_name)(name="inner", **inner_kwargs)
    return lib.optimizers.LossScaleOptimizer(
        inner, initial_scale=32.0, dynamic_growth_steps=2, name="lso"
    )


def _run(lib, inner_name, inner_kwargs):
    """Every step's weights and optimizer values, via a compiled
    `stateless_apply` (as in the trainers' steps)."""
    variables = [
        lib.Variable(value.copy(), name=f"w{i}")
        for i, value in enumerate(INITIAL)
    ]
    opt = _optimizer(lib, inner_name, inner_kwargs)
    opt.build(variables)
    train = [v.value for v in variables]
    values = [v.value for v in opt.variables]
    step = jax.jit(opt.stateless_apply)
    history = []
    for grads in STEPS:
        train, values = step(values, list(grads), train)
        history.append(
            (
                [np.asarray(t) for t in train],
                [np.asarray(v) for v in values],
            )
        )
    return opt, history


@pytest.mark.parametrize("inner_name, inner_kwargs", INNER)
def test_steps_track_keras(inner_name, inner_kwargs):
    ember_opt, ours = _run(ember, inner_name, inner_kwargs)
    keras_opt, theirs = _run(keras, inner_name, inner_kwargs)
    assert [v.path for v in ember_opt.variables] == [
        v.path for v in keras_opt.variables
    ]
    for step, ((ew, ev), (kw, kv)) in enumerate(zip(ours, theirs, strict=True)):
        for a, b in zip(ew, kw, strict=True):
            np.testing.assert_allclose(
                a, b, rtol=1e-6, atol=1e-6, err_msg=f"weights, step {step}"
            )
        for a, b in zip(ev, kv, strict=True):
            np.testing.assert_allclose(
                a, b, rtol=1e-6, atol=1e-6, err_msg=f"variables, step {step}"
            )
    # Halved on each overflow, doubled after two finite steps in a row.
    scales = [float(values[3]) for _, values in ours]
    assert scales == [32.0, 16.0, 16.0, 32.0, 16.0, 16.0, 32.0, 32.0, 16.0]


@pytest.mark.slow
def test_eager_apply_tracks_keras_stateless_steps():
    # Keras' own eager `apply` fails on JAX; ember's runs the same step.
    opt = _optimizer(ember, "Adam", {"learning_rate": 0.01})
    variables = [
        ember.Variable(value.copy(), name=f"w{i}")
        for i, value in enumerate(INITIAL)
    ]
    for grads in STEPS:
        opt.apply(list(grads), variables)
    _, theirs = _run(keras, "Adam", {"learning_rate": 0.01})
    for a, b in zip(variables, theirs[-1][0], strict=True):
        np.testing.assert_allclose(np.asarray(a.value), b, rtol=1e-6)
    for a, b in zip(opt.variables, theirs[-1][1], strict=True):
        np.testing.assert_allclose(np.asarray(a.value), b, rtol=1e-6)


@pytest.mark.parametrize("inner_name, inner_kwargs", INNER)
def test_config_equals_keras(inner_name, inner_kwargs):
    ours = ember.optimizers.serialize(
        _optimizer(ember, inner_name, inner_kwargs)
    )
    theirs = keras.optimizers.serialize(
        _optimizer(keras, inner_name, inner_kwargs)
    )
    assert ours == theirs
    # Each reads the other's config (Keras' `from_config` consumes its
    # argument, so it reads a copy).
    ember_read = ember.optimizers.deserialize(copy.deepcopy(theirs))
    keras_read = keras.optimizers.deserialize(copy.deepcopy(ours))
    assert ember_read.get_config() == ours["config"]
    assert keras_read.get_config() == theirs["config"]


X = RNG.normal(size=(8, 3)).astype("float32")
Y = RNG.normal(size=(8, 2)).astype("float32")


WEIGHTS = [
    RNG.normal(size=(3, 4)).astype("float32"),
    np.zeros(4, "float32"),
    RNG.normal(size=(4, 2)).astype("float32"),
    np.zeros(2, "float32"),
]


def _trained(lib):
    model = lib.Sequential(
        [lib.Input((3,)), lib.layers.Dense(4, "relu"), lib.layers.Dense(2)]
    )
    model.set_weights(WEIGHTS)
    inner = lib.optimizers.Adam(0.01)
    model.compile(
        lib.optimizers.LossScaleOptimizer(inner, dynamic_growth_steps=3),
        "mse",
    )
    model.fit(X, Y, batch_size=2, epochs=2, shuffle=False, verbose=0)
    return model


@pytest.mark.slow
@pytest.mark.parametrize(
    "source_lib, target_lib",
    [(keras, ember), (ember, keras), (ember, ember)],
    ids=["keras_to_ember", "ember_to_keras", "ember_to_ember"],
)
def test_a_compiled_loss_scale_optimizer_moves_both_ways(
    tmp_path, source_lib, target_lib
):
    source = _trained(source_lib)
    path = tmp_path / "m.keras"
    source.save(path)
    restored = target_lib.saving.load_model(path)
    assert type(restored.optimizer).__name__ == "LossScaleOptimizer"
    assert type(restored.optimizer.inner_optimizer).__name__ == "Adam"
    assert restored.optimizer.get_config() == source.optimizer.get_config()
    source_vars = source.optimizer.variables
    restored_vars = restored.optimizer.variables
    assert len(restored_vars) == len(source_vars) == 4 + 2 + 2 * 4
    for a, b in zip(source_vars, restored_vars, strict=True):
        np.testing.assert_allclose(np.asarray(b), np.asarray(a), rtol=1e-6)
    # 8 steps with 3 growth steps: the scale doubled twice.
    assert float(np.asarray(restored.optimizer.dynamic_scale)) == 2.0**17
    np.testing.assert_allclose(
        np.asarray(restored.predict(X, verbose=0)),
        np.asarray(source.predict(X, verbose=0)),
        rtol=1e-5,
        atol=1e-6,
    )


@pytest.mark.slow
def test_ember_and_keras_fits_with_a_loss_scale_optimizer_agree():
    ours, theirs = _trained(ember), _trained(keras)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
