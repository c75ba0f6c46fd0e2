"""ember.optimizers: hand-computed steps, the pure step, clipping, get()."""

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import ember
from ember import optimizers
from ember.core.state_scope import StateScope


def _var(value, name="w"):
    return ember.Variable(np.asarray(value, dtype="float32"), name=name)


def test_sgd_plain_step():
    w = _var([1.0, 2.0])
    opt = optimizers.SGD(learning_rate=0.1)
    opt.apply([jnp.array([1.0, -2.0])], [w])
    np.testing.assert_allclose(w.value, [0.9, 2.2], rtol=1e-6)
    assert int(opt.iterations.value) == 1


def test_sgd_momentum_by_hand():
    w = _var([1.0])
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    opt.apply([jnp.array([1.0])], [w])
    # m = -0.1; w = 0.9
    np.testing.assert_allclose(w.value, [0.9], rtol=1e-6)
    opt.apply([jnp.array([1.0])], [w])
    # m = 0.9 * -0.1 - 0.1 = -0.19; w = 0.71
    np.testing.assert_allclose(w.value, [0.71], rtol=1e-6)
    np.testing.assert_allclose(opt.variables[2].value, [-0.19], rtol=1e-6)


def test_sgd_nesterov_by_hand():
    w = _var([1.0])
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    opt.apply([jnp.array([1.0])], [w])
    # m = -0.1; w += 0.9 * -0.1 - 0.1 = -0.19
    np.testing.assert_allclose(w.value, [0.81], rtol=1e-6)
    opt.apply([jnp.array([1.0])], [w])
    # m = -0.19; w += 0.9 * -0.19 - 0.1 = -0.271
    np.testing.assert_allclose(w.value, [0.539], rtol=1e-6)


def test_adam_first_step_by_hand():
    w = _var([1.0, -1.0])
    g = np.array([0.5, -2.0], dtype="float32")
    opt = optimizers.Adam(learning_rate=0.01, epsilon=1e-7)
    opt.apply([g], [w])
    m = 0.1 * g
    v = 0.001 * g**2
    alpha = 0.01 * np.sqrt(1 - 0.999) / (1 - 0.9)
    expected = np.array([1.0, -1.0]) - alpha * m / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(w.value, expected, rtol=1e-6)
    names = [v.name for v in opt.variables]
    assert names == ["iteration", "learning_rate", "w_momentum", "w_velocity"]


def test_variables_layout_and_paths():
    w, b = _var([1.0, 2.0], "kernel"), _var([0.0], "bias")
    opt = optimizers.RMSprop(momentum=0.5, name="rms")
    opt.build([w, b])
    assert [v.path for v in opt.variables] == [
        "rms/iteration",
        "rms/learning_rate",
        "rms/kernel_velocity",
        "rms/bias_velocity",
        "rms/kernel_momentum",
        "rms/bias_momentum",
    ]
    assert opt.variables[0].dtype == "int32"


def test_stateless_apply_under_jit_equals_apply():
    init = [np.array([1.0, 2.0], "float32"), np.array([[0.5]], "float32")]
    grads = [np.array([0.3, -0.2], "float32"), np.array([[1.0]], "float32")]
    eager_vars = [_var(x) for x in init]
    eager = optimizers.Adam(learning_rate=0.1, clipnorm=1.0)
    pure_vars = [_var(x) for x in init]
    pure = optimizers.Adam(learning_rate=0.1, clipnorm=1.0)
    pure.build(pure_vars)
    step = jax.jit(pure.stateless_apply)
    opt_values = [v.value for v in pure.variables]
    train_values = [v.value for v in pure_vars]
    for _ in range(3):
        eager.apply(grads, eager_vars)
        train_values, opt_values = step(opt_values, grads, train_values)
    for a, b in zip(eager_vars, train_values, strict=True):
        np.testing.assert_allclose(a.value, b, rtol=1e-6)
    for a, b in zip(eager.variables, opt_values, strict=True):
        np.testing.assert_allclose(a.value, b, rtol=1e-6)
    # The pure step left the variables alone.
    np.testing.assert_allclose(pure_vars[0].value, init[0])
    assert int(pure.iterations.value) == 0


def test_learning_rate_change_takes_effect_without_retracing():
    w = _var([0.0])
    opt = optimizers.SGD(learning_rate=0.1)
    opt.build([w])
    traces = []

    @jax.jit
    def step(opt_values, train_values):
        traces.append(1)
        return opt.stateless_apply(opt_values, [jnp.ones(1)], train_values)

    train, _ = step([v.value for v in opt.variables], [w.value])
    np.testing.assert_allclose(train[0], [-0.1], rtol=1e-6)
    opt.learning_rate = 0.5
    assert float(opt.learning_rate) == 0.5
    train, _ = step([v.value for v in opt.variables], [w.value])
    np.testing.assert_allclose(train[0], [-0.5], rtol=1e-6)
    assert len(traces) == 1


def test_apply_inside_state_scope_is_pure():
    w = _var([1.0])
    opt = optimizers.SGD(learning_rate=0.1)
    opt.build([w])
    with StateScope([(w, jnp.array([5.0]))]) as scope:
        opt.apply([jnp.array([1.0])])
    np.testing.assert_allclose(scope.get(w), [4.9], rtol=1e-6)
    np.testing.assert_allclose(w.value, [1.0])
    assert int(scope.get(opt.iterations)) == 1


def test_clipnorm_per_variable():
    w, b = _var([0.0, 0.0]), _var([0.0])
    opt = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    opt.apply([jnp.array([3.0, 4.0]), jnp.array([0.5])], [w, b])
    np.testing.assert_allclose(w.value, [-0.6, -0.8], rtol=1e-6)
    np.testing.assert_allclose(b.value, [-0.5], rtol=1e-6)


def test_global_clipnorm():
    w, b = _var([0.0]), _var([0.0])
    opt = optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0)
    opt.apply([jnp.array([3.0]), jnp.array([4.0])], [w, b])
    np.testing.assert_allclose(w.value, [-0.6], rtol=1e-6)
    np.testing.assert_allclose(b.value, [-0.8], rtol=1e-6)


def test_clipvalue():
    w = _var([0.0, 0.0])
    opt = optimizers.SGD(learning_rate=1.0, clipvalue=0.5)
    opt.apply([jnp.array([3.0, -0.1])], [w])
    np.testing.assert_allclose(w.value, [-0.5, 0.1], rtol=1e-6)


def test_only_one_clip_argument():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


def test_weight_decay_before_update_and_exclusion():
    w, b = _var([1.0], "kernel"), _var([1.0], "bias")
    opt = optimizers.SGD(learning_rate=0.1, weight_decay=0.5)
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply([jnp.array([1.0]), jnp.array([1.0])], [w, b])
    # kernel: 1 - 1 * 0.5 * 0.1 = 0.95, then - 0.1
    np.testing.assert_allclose(w.value, [0.85], rtol=1e-6)
    np.testing.assert_allclose(b.value, [0.9], rtol=1e-6)


def test_missing_gradient_warns_and_skips():
    w, b = _var([1.0]), _var([1.0])
    opt = optimizers.SGD(learning_rate=0.1)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply([jnp.array([1.0]), None], [w, b])
    np.testing.assert_allclose(w.value, [0.9], rtol=1e-6)
    np.testing.assert_allclose(b.value, [1.0])


def test_schedule_learning_rate_not_settable_to_float():
    schedule = optimizers.schedules.ExponentialDecay(0.1, 10, 0.5)
    opt = optimizers.SGD(learning_rate=schedule)
    assert [v.name for v in opt.variables] == ["iteration"]
    np.testing.assert_allclose(opt.learning_rate, 0.1)
    with pytest.raises(TypeError, match="not be set|cannot be set"):
        opt.learning_rate = 0.5


def test_learning_rate_must_be_a_number():
    with pytest.raises(ValueError, match="learning_rate"):
        optimizers.Adam(learning_rate="fast")


def test_adamw_requires_weight_decay():
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)


def test_stateless_apply_checks_lengths():
    w = _var([1.0])
    opt = optimizers.Adam()
    with pytest.raises(ValueError, match="built"):
        opt.stateless_apply([], [jnp.ones(1)], [w.value])
    opt.build([w])
    with pytest.raises(ValueError, match="optimizer_variables"):
        opt.stateless_apply([], [jnp.ones(1)], [w.value])


def test_every_optimizer_runs_under_jit():
    for cls in (
        optimizers.SGD,
        optimizers.Adam,
        optimizers.AdamW,
        optimizers.RMSprop,
        optimizers.Adagrad,
        optimizers.Adamax,
        optimizers.Nadam,
        optimizers.Lion,
        optimizers.Adadelta,
    ):
        w = _var([1.0, -1.0])
        opt = cls()
        opt.build([w])
        new_train, new_opt = jax.jit(opt.stateless_apply)(
            [v.value for v in opt.variables], [jnp.ones(2)], [w.value]
        )
        assert np.all(np.asarray(new_train[0]) < np.array([1.0, -1.0]))
        assert int(new_opt[0]) == 1


@pytest.mark.parametrize("name", ["adam", "Adam", "SGD", "rmsprop", "adamw"])
def test_get_by_name(name):
    opt = optimizers.get(name)
    assert type(opt).__name__.lower() == name.lower()


def test_get_config_dict_and_instance():
    opt = optimizers.Adam(learning_rate=0.5)
    assert optimizers.get(opt) is opt
    clone = optimizers.get(optimizers.serialize(opt))
    assert isinstance(clone, optimizers.Adam)
    assert clone.get_config()["learning_rate"] == 0.5


def test_get_unknown_suggests_closest():
    with pytest.raises(ValueError, match="Did you mean 'adam'"):
        optimizers.get("adm")


def test_get_bad_type():
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get(3)


def test_optax_wrapper_matches_optax():
    w = _var([1.0, 2.0])
    opt = optimizers.get(optax.adam(0.1))
    assert isinstance(opt, optimizers.OptaxOptimizer)
    grads = [jnp.array([0.5, -1.0])]
    tx = optax.adam(0.1)
    params = [w.value]
    state = tx.init(params)
    for _ in range(2):
        opt.apply(grads, [w])
        updates, state = tx.update(grads, state, params)
        params = optax.apply_updates(params, updates)
    np.testing.assert_allclose(w.value, params[0], rtol=1e-6)
    assert int(opt.iterations.value) == 2
    new_train, new_opt = jax.jit(opt.stateless_apply)(
        [v.value for v in opt.variables], grads, [w.value]
    )
    assert len(new_opt) == len(opt.variables)


def test_optax_wrapper_injected_learning_rate():
    w = _var([0.0])
    tx = optax.inject_hyperparams(optax.sgd)(learning_rate=0.1)
    opt = optimizers.OptaxOptimizer(tx)
    opt.apply([jnp.ones(1)], [w])
    np.testing.assert_allclose(w.value, [-0.1], rtol=1e-6)
    opt.learning_rate = 1.0
    opt.apply([jnp.ones(1)], [w])
    np.testing.assert_allclose(w.value, [-1.1], rtol=1e-6)


def test_transform_is_an_optax_transformation():
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)
    tx = opt.transform()
    params = [jnp.ones(2)]
    state = tx.init(params)
    updates, state = tx.update(
        [jnp.ones(2)], state, params, learning_rate=0.1, step=1
    )
    np.testing.assert_allclose(updates[0], [-0.1, -0.1], rtol=1e-6)
    np.testing.assert_allclose(state["slots"]["momentum"][0], [-0.1, -0.1])


def test_optax_wrapper_without_injected_learning_rate():
    opt = optimizers.OptaxOptimizer(optax.sgd(0.1))
    with pytest.raises(AttributeError, match="inject_hyperparams"):
        _ = opt.learning_rate
    with pytest.raises(TypeError, match="GradientTransformation"):
        optimizers.OptaxOptimizer("sgd")


def test_gradient_accumulation_updates_every_k_steps():
    w = _var([1.0])
    opt = optimizers.SGD(learning_rate=0.1, gradient_accumulation_steps=2)
    opt.apply([jnp.array([1.0])], [w])
    np.testing.assert_allclose(w.value, [1.0])
    opt.apply([jnp.array([3.0])], [w])
    # mean gradient 2.0 applied once
    np.testing.assert_allclose(w.value, [0.8], rtol=1e-6)
    assert int(opt.iterations) == 1
