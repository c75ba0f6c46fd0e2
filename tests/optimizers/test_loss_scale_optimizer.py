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
    (new_w,), opt_values = step(
        opt_values, [jnp.array([np.nan, 0.0])], [w.value]
    )
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


def test_an_inner_optimizer_built_on_other_variables_is_refused():
    inner = optimizers.SGD()
    inner.build([_variable([1.0], "a")])
    opt = LossScaleOptimizer(inner, name="lso")
    with pytest.raises(ValueError, match="already built on other variables"):
        opt.build([_variable([1.0], "b")])
    assert not opt.built
    # Built on the same variables, it is used as it is.
    same = optimizers.SGD()
    variables = [_variable([1.0], "c")]
    same.build(variables)
    LossScaleOptimizer(same).build(variables)


def test_a_gradient_of_none_is_ignored_by_the_finite_check():
    a, b = _variable([1.0], "a"), _variable([1.0], "b")
    opt = LossScaleOptimizer(optimizers.SGD(1.0), initial_scale=1.0)
    opt.build([a, b])
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply([jnp.array([1.0]), None], [a, b])
    np.testing.assert_array_equal(np.asarray(a.value), [0.0])
    np.testing.assert_array_equal(np.asarray(b.value), [1.0])


# -- through compile and fit ---------------------------------------------------
X = np.random.default_rng(1).normal(size=(8, 3)).astype("float32")
Y = np.random.default_rng(2).normal(size=(8, 1)).astype("float32")
# Targets far from the outputs: gradients near 100, which times 2**126
# overflow float32.
Y_FAR = Y + 100.0


def _model(dtype=None, cls=ember.Model):
    inputs = ember.Input((3,))
    outputs = ember.layers.Dense(1, kernel_initializer="ones")(inputs)
    return cls(inputs, outputs, dtype=dtype)


def _policy_name(model):
    return getattr(model.dtype_policy, "name", model.dtype_policy)


def test_compile_wraps_the_optimizer_for_mixed_float16():
    model = _model("mixed_float16")
    assert _policy_name(model) == "mixed_float16"
    inner = optimizers.SGD(0.1, loss_scale_factor=2.0)
    model.compile(inner, "mse")
    assert isinstance(model.optimizer, LossScaleOptimizer)
    assert model.optimizer.name == "loss_scale_optimizer"
    assert model.optimizer.inner_optimizer is inner
    assert inner.loss_scale_factor is None
    # As Keras, the compile config keeps the optimizer as given.
    assert model.get_compile_config()["optimizer"] is inner


def test_compile_leaves_the_optimizer_alone_otherwise():
    model = _model("mixed_float16")
    model.compile("sgd", "mse", auto_scale_loss=False)
    assert isinstance(model.optimizer, optimizers.SGD)
    for policy in (None, "mixed_bfloat16", "float16"):
        model = _model(policy)
        model.compile("sgd", "mse")
        assert isinstance(model.optimizer, optimizers.SGD)
    given = LossScaleOptimizer(optimizers.SGD(), name="mine")
    model = _model("mixed_float16")
    model.compile(given, "mse")
    assert model.optimizer is given  # not wrapped twice


def test_fit_skips_an_overflowing_step_and_reports_the_unscaled_loss():
    model = _model("mixed_float16")
    model.compile(optimizers.SGD(0.1), "mse")
    model.optimizer.build(model.trainable_variables)
    # The gradients of the scaled loss overflow float32.
    model.optimizer.dynamic_scale.assign(2.0**126)
    before = _values(model.trainable_variables)
    expected_loss = float(np.mean((X.sum(axis=1, keepdims=True) - Y_FAR) ** 2))
    history = model.fit(X, Y_FAR, batch_size=8, epochs=1, verbose=0)
    for old, new in zip(
        before, _values(model.trainable_variables), strict=True
    ):
        np.testing.assert_array_equal(new, old)
    assert float(model.optimizer.dynamic_scale.value) == 2.0**125
    assert int(model.optimizer.iterations.value) == 0
    assert history.history["loss"][0] == pytest.approx(expected_loss, 1e-6)


def test_fit_with_loss_scaling_equals_fit_without():
    # Scales are powers of two: scaling and unscaling are exact in float32.
    scaled, plain = _model("mixed_float16"), _model()
    scaled.compile(optimizers.SGD(0.05), "mse")
    plain.compile(optimizers.SGD(0.05), "mse")
    h1 = scaled.fit(X, Y, batch_size=2, epochs=3, shuffle=False, verbose=0)
    h2 = plain.fit(X, Y, batch_size=2, epochs=3, shuffle=False, verbose=0)
    assert h1.history["loss"] == h2.history["loss"]
    for a, b in zip(
        _values(scaled.trainable_variables),
        _values(plain.trainable_variables),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)
    assert int(scaled.optimizer.iterations.value) == 12


def test_fit_scales_the_loss_for_a_fixed_loss_scale_factor():
    # As Keras' trainer: `scale_loss` multiplies, the optimizer divides.
    scaled, plain = _model(), _model()
    scaled.compile(optimizers.SGD(0.05, loss_scale_factor=8.0), "mse")
    plain.compile(optimizers.SGD(0.05), "mse")
    scaled.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    plain.fit(X, Y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    for a, b in zip(
        _values(scaled.trainable_variables),
        _values(plain.trainable_variables),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)


class ScalingModel(ember.Model):
    """keras.io's custom JAX `train_step`, with `scale_loss`."""

    def train_step(self, state, data):
        trainable, non_trainable, optimizer_values, metric_values = state
        x, y = data

        def loss_fn(values):
            y_pred, new_non_trainable = self.stateless_call(
                values, non_trainable, x, training=True
            )
            loss = self.compute_loss(x, y, y_pred)
            return self.optimizer.scale_loss(loss), (loss, new_non_trainable)

        (_, (loss, non_trainable)), grads = jax.value_and_grad(
            loss_fn, has_aux=True
        )(trainable)
        trainable, optimizer_values = self.optimizer.stateless_apply(
            optimizer_values, grads, trainable
        )
        state = (trainable, non_trainable, optimizer_values, metric_values)
        return {"loss": loss}, state


def test_a_custom_train_step_scales_with_the_current_scale():
    model = _model("mixed_float16", cls=ScalingModel)
    model.compile(optimizers.SGD(0.05), "mse")
    model.optimizer.build(model.trainable_variables)
    model.optimizer.dynamic_scale.assign(2.0**126)
    # Each overflowing step halves the scale; were the scale a constant of
    # the compiled step, every step would overflow.
    model.fit(X, Y_FAR, batch_size=8, epochs=12, verbose=0)
    scale = float(model.optimizer.dynamic_scale.value)
    taken = int(model.optimizer.iterations.value)
    skipped = 12 - taken
    assert 0 < skipped < 12
    assert scale == 2.0 ** (126 - skipped)
