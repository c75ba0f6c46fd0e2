"""LossScaleOptimizer: dynamic loss scaling, skipped steps, configs."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import optimizers
from ember.optimizers import LossScaleOptimizer


def _variable(values, name="w"):
    return ember.Variable(np.asarray(values, "float32"), name=name)


def _values(variables):
    return [np.asarray(v.value).copy() for v in variables]


def test_variables_are_keras_own_four_then_the_inner_ones():
    opt = LossScaleOptimizer(
        optimizers.Adam(0.1, name="adam"),
        initial_scale=4.0,
        name="lso",
    )
    opt.build([_variable([1.0, 2.0])])
    assert [v.path for v in opt.variables] == [
        "lso/iteration",
        "lso/learning_rate",
        "lso/step_counter",
        "lso/dynamic_scale",
        "adam/iteration",
        "adam/learning_rate",
        "adam/w_momentum",
        "adam/w_velocity",
    ]
    assert opt.dynamic_scale.dtype == "float32"
    assert opt.step_counter.dtype == "int32"
    assert float(opt.dynamic_scale.value) == 4.0
    assert opt.iterations is opt.inner_optimizer.iterations


def test_an_inf_gradient_skips_the_step_and_halves_the_scale():
    w = _variable([1.0, 2.0])
    opt = LossScaleOptimizer(
        optimizers.Adam(0.1), initial_scale=8.0, dynamic_growth_steps=3
    )
    opt.apply([jnp.array([1.0, 1.0])], [w])  # one finite step first
    weights, slots = _values([w]), _values(opt.inner_optimizer.variables)
    for bad in (np.inf, -np.inf, np.nan):
        opt.apply([jnp.array([bad, 1.0])], [w])
        for before, after in zip(weights, _values([w]), strict=True):
            np.testing.assert_array_equal(after, before)
        for before, after in zip(
            slots, _values(opt.inner_optimizer.variables), strict=True
        ):
            np.testing.assert_array_equal(after, before)
        assert int(opt.iterations.value) == 1
        assert int(opt.step_counter.value) == 0
    # 8 -> three halvings -> 1
    assert float(opt.dynamic_scale.value) == 1.0


def test_the_scale_doubles_after_growth_steps_finite_steps():
    w = _variable([1.0])
    opt = LossScaleOptimizer(
        optimizers.SGD(0.0), initial_scale=2.0, dynamic_growth_steps=3
    )
    scales, counters = [], []
    for _ in range(7):
        opt.apply([jnp.array([1.0])], [w])
        scales.append(float(opt.dynamic_scale.value))
        counters.append(int(opt.step_counter.value))
    assert scales == [2.0, 2.0, 4.0, 4.0, 4.0, 8.0, 8.0]
    assert counters == [1, 2, 0, 1, 2, 0, 1]
    # An overflow resets the run of finite steps.
    opt.apply([jnp.array([np.inf])], [w])
    assert (float(opt.dynamic_scale.value), int(opt.step_counter.value)) == (
        4.0,
        0,
    )


def test_finite_steps_equal_the_inner_optimizer_on_unscaled_grads():
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 2)).astype("float32") for _ in range(5)]
    scaled_w = _variable(np.ones((3, 2)))
    plain_w = _variable(np.ones((3, 2)), name="v")
    opt = LossScaleOptimizer(
        optimizers.Adam(0.05), initial_scale=16.0, dynamic_growth_steps=2
    )
    plain = optimizers.Adam(0.05)
    scale = 16.0
    for g in grads:
        # The gradients of the scaled loss: the scale times the real ones.
        opt.apply([jnp.asarray(g * scale)], [scaled_w])
        plain.apply([jnp.asarray(g)], [plain_w])
        scale = float(opt.dynamic_scale.value)
    assert scale == 16.0 * 2**2
    np.testing.assert_array_equal(
        np.asarray(scaled_w.value), np.asarray(plain_w.value)
    )
    for a, b in zip(
        opt.inner_optimizer.variables[2:], plain.variables[2:], strict=True
    ):
        np.testing.assert_array_equal(np.asarray(a.value), np.asarray(b.value))


def test_stateless_apply_skips_inside_jit():
    w = _variable([1.0, 2.0])
    opt = LossScaleOptimizer(optimizers.SGD(0.5), initial_scale=2.0)
    opt.build([w])
    step = jax.jit(opt.stateless_apply)
    opt_values = [v.value for v in opt.variables]
    (new_w,), opt_values = step(opt_values, [jnp.array([np.nan, 0.0])], [w.value])
    np.testing.assert_array_equal(np.asarray(new_w), [1.0, 2.0])
    assert float(opt_values[3]) == 1.0
    (new_w,), opt_values = step(opt_values, [jnp.array([2.0, 4.0])], [new_w])
    # Unscaled by 1.0: w - 0.5 * g
    np.testing.assert_allclose(np.asarray(new_w), [0.0, 0.0])
    assert int(opt_values[4]) == 1  # the inner iteration


def test_scale_loss_uses_the_current_scale():
    opt = LossScaleOptimizer(optimizers.SGD(0.1), initial_scale=8.0)
    assert float(opt.scale_loss(2.0)) == 16.0  # before build
    w = _variable([1.0])
    opt.apply([jnp.array([np.inf])], [w])
    assert float(opt.scale_loss(2.0)) == 8.0


def test_learning_rate_and_iterations_forward_to_the_inner_optimizer():
    inner = optimizers.SGD(0.5, loss_scale_factor=4.0)
    opt = LossScaleOptimizer(inner)
    assert inner.loss_scale_factor is None  # no second unscaling
    assert float(opt.learning_rate) == 0.5
    opt.learning_rate = 0.25
    assert float(inner.learning_rate) == 0.25
    w = _variable([1.0])
    opt.apply([jnp.array([1.0])], [w])
    assert int(opt.iterations.value) == 1
    assert int(inner.iterations.value) == 1


def test_config_round_trip_with_the_nested_inner_optimizer():
    opt = LossScaleOptimizer(
        optimizers.Adam(0.01, beta_1=0.8, name="inner"),
        initial_scale=256.0,
        dynamic_growth_steps=10,
        name="scaled",
    )
    config = opt.get_config()
    assert config == {
        "name": "scaled",
        "inner_optimizer": optimizers.serialize(opt.inner_optimizer),
        "initial_scale": 256.0,
        "dynamic_growth_steps": 10,
    }
    assert config["inner_optimizer"]["class_name"] == "Adam"
    restored = LossScaleOptimizer.from_config(config)
    assert restored.get_config() == config
    via_registry = optimizers.deserialize(optimizers.serialize(opt))
    assert isinstance(via_registry, LossScaleOptimizer)
    assert isinstance(via_registry.inner_optimizer, optimizers.Adam)
    assert via_registry.get_config() == config
    assert optimizers.get(optimizers.serialize(opt)).get_config() == config


def test_old_configs_with_base_defaults_still_load():
    config = LossScaleOptimizer(optimizers.SGD()).get_config()
    config.update(clipnorm=None, use_ema=False, ema_momentum=0.99)
    restored = LossScaleOptimizer.from_config(config)
    assert isinstance(restored.inner_optimizer, optimizers.SGD)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"inner_optimizer": "adam"}, "Received: inner_optimizer='adam'"),
        ({"inner_optimizer": None}, "Received: inner_optimizer=None"),
        ({"initial_scale": 0.0}, "Received: initial_scale=0.0"),
        ({"initial_scale": -2.0}, "Received: initial_scale=-2.0"),
        ({"dynamic_growth_steps": 0}, "Received: dynamic_growth_steps=0"),
        ({"dynamic": False}, "`dynamic=False` is not supported"),
        ({"clipnorm": 1.0}, "Received: clipnorm=1.0"),
        ({"momentum": 0.9}, "unknown argument"),
    ],
)
def test_bad_arguments_are_refused(kwargs, message):
    kwargs = {"inner_optimizer": optimizers.SGD(), **kwargs}
    error = TypeError if "inner_optimizer=" in message else ValueError
    with pytest.raises(error, match=message):
        LossScaleOptimizer(**kwargs)


def test_a_refused_argument_leaves_the_inner_optimizer_alone():
    inner = optimizers.SGD(loss_scale_factor=2.0)
    with pytest.raises(ValueError, match="initial_scale"):
        LossScaleOptimizer(inner, initial_scale=0.0)
    assert inner.loss_scale_factor == 2.0


def test_a_gradient_of_none_is_ignored_by_the_finite_check():
    a, b = _variable([1.0], "a"), _variable([1.0], "b")
    opt = LossScaleOptimizer(optimizers.SGD(1.0), initial_scale=1.0)
    opt.build([a, b])
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply([jnp.array([1.0]), None], [a, b])
    np.testing.assert_array_equal(np.asarray(a.value), [0.0])
    np.testing.assert_array_equal(np.asarray(b.value), [1.0])
