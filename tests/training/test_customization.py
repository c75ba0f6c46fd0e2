"""What a user plugs into fit: metrics, layer losses, learning rates,
optax transformations and their own `train_step`."""

import jax
import jax.numpy as jnp
import numpy as np
import optax

import ember
from ember import layers


def _data(n=24):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def _dense(**kwargs):
    ember.utils.set_random_seed(0)
    inputs = ember.Input(shape=(3,))
    return ember.Model(inputs, layers.Dense(1, **kwargs)(inputs))


class MaxAbsError(ember.metrics.Metric):
    """The largest absolute error seen (a state that is not a mean)."""

    def __init__(self, name="max_abs_error"):
        super().__init__(name=name)
        self.worst = self.add_variable((), "zeros", name="worst")

    def update_state(self, y_true, y_pred, sample_weight=None):
        error = jnp.abs(jnp.asarray(y_true) - jnp.asarray(y_pred))
        if sample_weight is not None:
            error = error * jnp.reshape(sample_weight, (-1, 1))
        self.worst.assign(jnp.maximum(self.worst.value, jnp.max(error)))

    def result(self):
        return self.worst.value

    def reset_state(self):
        self.worst.assign(0.0)


def test_a_users_metric_subclass_runs_inside_the_compiled_step():
    x, y = _data()
    model = _dense()
    model.compile("sgd", loss="mse", metrics=[MaxAbsError()])
    logs = model.evaluate(x, y, batch_size=5, verbose=0, return_dict=True)
    want = np.max(np.abs(np.asarray(model(x)) - y))
    np.testing.assert_allclose(logs["max_abs_error"], want, rtol=1e-6)


def test_kernel_regularizer_adds_to_the_loss_and_its_gradient():
    x, y = _data(8)
    model = _dense(kernel_regularizer=ember.regularizers.L2(0.1))
    model.compile(ember.optimizers.SGD(0.1), loss="mse")
    kernel, bias = (np.array(v.numpy()) for v in model.trainable_variables)

    def loss_fn(kernel, bias):
        error = x @ kernel + bias[None, :] - y
        return jnp.mean(jnp.square(error)) + 0.1 * jnp.sum(jnp.square(kernel))

    loss, (g_kernel, g_bias) = jax.value_and_grad(loss_fn, (0, 1))(kernel, bias)
    logs = model.train_on_batch(x, y, return_dict=True)
    np.testing.assert_allclose(logs["loss"], loss, rtol=1e-5)
    np.testing.assert_allclose(
        model.trainable_variables[0].numpy(), kernel - 0.1 * g_kernel, atol=1e-6
    )
    np.testing.assert_allclose(
        model.trainable_variables[1].numpy(), bias - 0.1 * g_bias, atol=1e-6
    )


class Penalized(layers.Layer):
    """Adds `rate * mean(|x|)` of its input as a loss."""

    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * jnp.mean(jnp.abs(inputs)))
        return inputs


def test_add_loss_in_a_layer_adds_to_the_training_loss():
    x, y = _data(8)
    ember.utils.set_random_seed(0)
    inputs = ember.Input(shape=(3,))
    outputs = Penalized(0.5)(layers.Dense(1)(inputs))
    model = ember.Model(inputs, outputs)
    model.compile("sgd", loss="mse")
    pred = np.asarray(model(x))
    want = np.mean((pred - y) ** 2) + 0.5 * np.mean(np.abs(pred))
    logs = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    np.testing.assert_allclose(logs["loss"], want, rtol=1e-5)


class HalveLearningRate(ember.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        self.model.optimizer.learning_rate = (
            float(self.model.optimizer.learning_rate) / 2
        )


def test_learning_rate_set_during_fit_applies_without_recompiling():
    x, y = _data(8)
    model = _dense()
    model.compile(ember.optimizers.SGD(0.1), loss="mse")
    start = [np.array(v.numpy()) for v in model.trainable_variables]
    model.fit(
        x,
        y,
        batch_size=8,
        epochs=3,
        shuffle=False,
        verbose=0,
        callbacks=[HalveLearningRate()],
    )
    assert np.isclose(float(model.optimizer.learning_rate), 0.1 / 8)
    assert model._compiled.functions["train"]._cache_size() == 1

    params = start
    for rate in (0.1, 0.05, 0.025):

        def loss_fn(p):
            return jnp.mean(jnp.square(x @ p[0] + p[1][None, :] - y))

        grads = jax.grad(loss_fn)(params)
        params = [p - rate * g for p, g in zip(params, grads, strict=True)]
    for variable, want in zip(model.trainable_variables, params, strict=True):
        np.testing.assert_allclose(variable.numpy(), want, atol=1e-6)


def test_an_optax_transformation_trains_the_model():
    x, y = _data(8)
    model = _dense()
    model.compile(optimizer=optax.sgd(0.1), loss="mse")
    kernel, bias = (np.array(v.numpy()) for v in model.trainable_variables)
    g_kernel, g_bias = jax.grad(
        lambda k, b: jnp.mean(jnp.square(x @ k + b[None, :] - y)), (0, 1)
    )(kernel, bias)
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    np.testing.assert_allclose(
        model.trainable_variables[0].numpy(), kernel - 0.1 * g_kernel, atol=1e-6
    )


class GuideModel(ember.Model):
    """The custom `train_step` of Keras' JAX guide, written as it is there."""

    def compute_loss_and_updates(
        self, trainable_variables, non_trainable_variables, x, y, training
    ):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=training
        )
        loss = self.compute_loss(x, y, y_pred)
        return loss, (y_pred, non_trainable_variables)

    def train_step(self, state, data):
        (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            metrics_variables,
        ) = state
        x, y = data
        grad_fn = jax.value_and_grad(
            self.compute_loss_and_updates, has_aux=True
        )
        (loss, (y_pred, non_trainable_variables)), grads = grad_fn(
            trainable_variables, non_trainable_variables, x, y, True
        )
        trainable_variables, optimizer_variables = (
            self.optimizer.stateless_apply(
                optimizer_variables, grads, trainable_variables
            )
        )
        new_metrics_vars, logs = [], {}
        for metric in self.metrics:
            start = len(new_metrics_vars)
            this_metric_vars = metrics_variables[
                start : start + len(metric.variables)
            ]
            if metric.name == "loss":
                this_metric_vars = metric.stateless_update_state(
                    this_metric_vars, loss
                )
            else:
                this_metric_vars = metric.stateless_update_state(
                    this_metric_vars, y, y_pred
                )
            result = metric.stateless_result(this_metric_vars)
            if not isinstance(result, dict):
                result = {metric.name: result}
            logs.update(result)
            new_metrics_vars += this_metric_vars
        state = (
            trainable_variables,
            non_trainable_variables,
            optimizer_variables,
            new_metrics_vars,
        )
        return logs, state


def test_the_keras_jax_guides_train_step_runs_unchanged():
    x, y = _data(16)
    ember.utils.set_random_seed(0)
    inputs = ember.Input(shape=(3,))
    model = GuideModel(inputs, layers.Dense(1)(inputs))
    model.compile(ember.optimizers.SGD(0.1), loss="mse", metrics=["mae"])
    kernel, bias = (np.array(v.numpy()) for v in model.trainable_variables)
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    assert set(history.history) == {"loss", "mae"}
    loss, (g_kernel, g_bias) = jax.value_and_grad(
        lambda k, b: jnp.mean(jnp.square(x @ k + b[None, :] - y)), (0, 1)
    )(kernel, bias)
    np.testing.assert_allclose(history.history["loss"][0], loss, rtol=1e-5)
    np.testing.assert_allclose(
        model.trainable_variables[0].numpy(), kernel - 0.1 * g_kernel, atol=1e-6
    )
