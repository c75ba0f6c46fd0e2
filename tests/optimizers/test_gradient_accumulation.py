"""`gradient_accumulation_steps`: N calls make one update with the mean.

As in Keras: the `iteration` variable counts calls, `iterations` counts
updates (calls // N), a learning rate schedule reads the calls, and the
rules' step count (Adam's bias correction) reads the updates.
"""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import optimizers


def _var(value, name="w"):
    return ember.Variable(np.asarray(value, dtype="float32"), name=name)


def test_three_calls_make_one_sgd_step_on_the_mean():
    w = _var([1.0, 2.0])
    opt = optimizers.SGD(learning_rate=0.1, gradient_accumulation_steps=3)
    grads = [[1.0, -2.0], [2.0, 4.0], [6.0, 1.0]]
    accumulated = [[1.0, -2.0], [3.0, 2.0], [0.0, 0.0]]
    for k, (g, acc) in enumerate(zip(grads, accumulated, strict=True)):
        if k < 2:
            np.testing.assert_allclose(w.value, [1.0, 2.0])
        opt.apply([jnp.array(g)], [w])
        np.testing.assert_allclose(opt.variables[2].value, acc, rtol=1e-6)
    # mean gradient (3, 1): w = (1, 2) - 0.1 * (3, 1)
    np.testing.assert_allclose(w.value, [0.7, 1.9], rtol=1e-6)
    assert opt.variables[2].path == "sgd/w_gradient_accumulator"


def test_iterations_count_updates_and_the_variable_counts_calls():
    w = _var([1.0])
    opt = optimizers.SGD(gradient_accumulation_steps=2)
    seen = []
    for _ in range(5):
        opt.apply([jnp.array([1.0])], [w])
        seen.append((int(opt.iterations), int(opt.variables[0].value)))
    assert seen == [(0, 1), (1, 2), (1, 3), (2, 4), (2, 5)]


def test_adam_accumulating_equals_adam_on_the_means():
    rng = np.random.default_rng(0)
    grads = rng.normal(size=(4, 3)).astype("float32")
    start = [0.5, -1.0, 2.0]
    acc_w, ref_w = _var(start), _var(start)
    acc = optimizers.Adam(learning_rate=0.1, gradient_accumulation_steps=2)
    ref = optimizers.Adam(learning_rate=0.1)
    for g in grads:
        acc.apply([jnp.asarray(g)], [acc_w])
    for pair in (grads[:2], grads[2:]):
        ref.apply([jnp.asarray(pair.mean(axis=0))], [ref_w])
    np.testing.assert_allclose(acc_w.value, ref_w.value, rtol=1e-6)
    # iteration, learning_rate, accumulator, momentum, velocity
    for a, r in zip(acc.variables[3:], ref.variables[2:], strict=True):
        np.testing.assert_allclose(a.value, r.value, rtol=1e-6)


def test_learning_rate_schedule_reads_the_calls():
    # lr is 1.0 at call 0 and 0.1 from call 1 on; the update happens at
    # call 1 (the second), so it uses 0.1 (1.0 if it read `iterations`).
    schedule = optimizers.schedules.PiecewiseConstantDecay([0], [1.0, 0.1])
    w = _var([1.0])
    opt = optimizers.SGD(schedule, gradient_accumulation_steps=2)
    opt.apply([jnp.array([1.0])], [w])
    opt.apply([jnp.array([1.0])], [w])
    np.testing.assert_allclose(w.value, [0.9], rtol=1e-6)


def test_stateless_apply_under_jit_equals_apply():
    grads = [1.0, 3.0, 2.0, -4.0]
    eager_w = _var([1.0])
    eager = optimizers.SGD(0.1, momentum=0.5, gradient_accumulation_steps=2)
    for g in grads:
        eager.apply([jnp.array([g])], [eager_w])
    opt = optimizers.SGD(0.1, momentum=0.5, gradient_accumulation_steps=2)
    w = _var([1.0])
    opt.build([w])
    step = jax.jit(opt.stateless_apply)
    train, values = [w.value], [v.value for v in opt.variables]
    for g in grads:
        train, values = step(values, [jnp.array([g])], train)
    np.testing.assert_allclose(train[0], eager_w.value, rtol=1e-6)
    for got, want in zip(values, eager.variables, strict=True):
        np.testing.assert_allclose(got, want.value, rtol=1e-6)


def test_fit_updates_once_per_two_batches():
    # loss = (w x)**2 with y = 0: gradient 2 w x**2 = 2 (x = 1), then 8
    # (x = 2, w unchanged); one update with the mean 5: w = 1 - 0.5.
    model = ember.Sequential(
        [
            ember.Input((1,)),
            ember.layers.Dense(1, use_bias=False, kernel_initializer="ones"),
        ]
    )
    model.compile(
        optimizer=optimizers.SGD(0.1, gradient_accumulation_steps=2),
        loss="mse",
    )
    x = np.array([[1.0], [2.0]], "float32")
    model.fit(x, np.zeros_like(x), batch_size=1, shuffle=False, verbose=0)
    np.testing.assert_allclose(model.layers[0].kernel.value, [[0.5]])
    assert int(model.optimizer.iterations) == 1


@pytest.mark.parametrize("steps", [1, -2])
def test_steps_must_be_at_least_two(steps):
    with pytest.raises(
        ValueError,
        match="`gradient_accumulation_steps` must be an integer >= 2. "
        f"Received: gradient_accumulation_steps={steps}",
    ):
        optimizers.SGD(gradient_accumulation_steps=steps)


def test_config_round_trip():
    opt = optimizers.Adam(gradient_accumulation_steps=4)
    config = opt.get_config()
    assert config["gradient_accumulation_steps"] == 4
    clone = optimizers.Adam.from_config(config)
    assert clone.get_config() == config
    assert clone.gradient_accumulation_steps == 4


def test_constraint_applies_on_every_call():
    # As Keras: the constraint runs after each call, update step or not.
    w = _var([-1.0, 2.0])
    w.constraint = ember.constraints.NonNeg()
    opt = optimizers.SGD(learning_rate=0.1, gradient_accumulation_steps=2)
    opt.apply([jnp.array([1.0, 1.0])], [w])
    np.testing.assert_allclose(w.value, [0.0, 2.0])
    opt.apply([jnp.array([1.0, 3.0])], [w])
    # mean gradient (1, 2): (0, 2) - 0.1 * (1, 2) = (-0.1, 1.8) -> (0, 1.8)
    np.testing.assert_allclose(w.value, [0.0, 1.8], rtol=1e-6)
