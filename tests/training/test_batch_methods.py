"""`train_on_batch`, `test_on_batch`, `predict_on_batch`; sparse label
checks; `TerminateOnNaN` rollback; compile-time name errors."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers


def _mlp(optimizer=None, loss="mse", metrics=None, outputs=1, seed=0):
    ember.utils.set_random_seed(seed)
    model = ember.Sequential(
        [
            ember.Input(shape=(3,)),
            layers.Dense(4, activation="tanh"),
            layers.Dense(outputs),
        ]
    )
    model.compile(
        optimizer=optimizer or ember.optimizers.SGD(learning_rate=0.1),
        loss=loss,
        metrics=metrics,
    )
    return model


def _data(n=10):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def _weights(model):
    return [np.array(v.numpy()) for v in model.trainable_variables]


def _mse(model, params, x, y):
    out, _ = model.stateless_call(params, [], x)
    return jnp.mean(jnp.square(out - y))


# -- train_on_batch / test_on_batch / predict_on_batch ---------------------


def test_train_on_batch_is_one_sgd_step_on_that_batch():
    x, y = _data(10)
    model = _mlp()
    params = [v.value for v in model.trainable_variables]
    loss, grads = jax.value_and_grad(lambda p: _mse(model, p, x, y))(params)
    expected = [p - 0.1 * g for p, g in zip(params, grads, strict=True)]

    result = model.train_on_batch(x, y)
    assert isinstance(result, float)
    np.testing.assert_allclose(result, float(loss), rtol=1e-5)
    for got, want in zip(_weights(model), expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-6)
    assert int(model.optimizer.iterations.numpy()) == 1


def test_train_on_batch_resets_metrics_each_call_as_keras_does():
    x, y = _data(10)
    model = _mlp(metrics=["mae"])
    model.train_on_batch(x[:5], y[:5])
    params = [v.value for v in model.trainable_variables]
    out, _ = model.stateless_call(params, [], x[5:])
    want_loss = float(jnp.mean(jnp.square(out - y[5:])))
    want_mae = float(jnp.mean(jnp.abs(out - y[5:])))
    logs = model.train_on_batch(x[5:], y[5:], return_dict=True)
    assert set(logs) == {"loss", "mae"}
    np.testing.assert_allclose(logs["loss"], want_loss, rtol=1e-5)
    np.testing.assert_allclose(logs["mae"], want_mae, rtol=1e-5)


def test_train_on_batch_sample_and_class_weight():
    x, y = _data(4)
    weights = np.array([1.0, 0.0, 2.0, 0.0], "float32")
    model = _mlp()
    params = [v.value for v in model.trainable_variables]

    def weighted(p):
        out, _ = model.stateless_call(p, [], x)
        per_sample = jnp.mean(jnp.square(out - y), axis=-1)
        return jnp.sum(per_sample * weights) / 4

    want = float(weighted(params))  # before the step donates `params`
    loss = model.train_on_batch(x, y, sample_weight=weights)
    np.testing.assert_allclose(loss, want, rtol=1e-5)

    clf = _mlp(loss="sparse_categorical_crossentropy", outputs=3)
    labels = np.array([0, 1, 2, 1])
    with pytest.raises(ValueError, match="sample_weight"):
        clf.train_on_batch(
            x, labels, sample_weight=weights, class_weight={0: 1.0}
        )
    out = clf.train_on_batch(x, labels, class_weight={1: 0.0})
    assert np.isfinite(out)


def test_test_on_batch_does_not_update_and_matches_evaluate():
    x, y = _data(10)
    model = _mlp(metrics=["mae"])
    before = _weights(model)
    loss, mae = model.test_on_batch(x, y)
    for got, want in zip(_weights(model), before, strict=True):
        np.testing.assert_array_equal(got, want)
    pred = np.asarray(model(x))
    np.testing.assert_allclose(loss, np.mean((pred - y) ** 2), rtol=1e-5)
    np.testing.assert_allclose(mae, np.mean(np.abs(pred - y)), rtol=1e-5)
    logs = model.test_on_batch(x, y, return_dict=True)
    np.testing.assert_allclose(logs["loss"], loss, rtol=1e-6)


def test_predict_on_batch_returns_numpy_outputs():
    x, _ = _data(7)
    model = _mlp()
    out = model.predict_on_batch(x)
    assert isinstance(out, np.ndarray)
    assert out.shape == (7, 1)
    np.testing.assert_allclose(out, np.asarray(model(x)), atol=1e-6)


def test_on_batch_methods_need_compile():
    model = ember.Sequential([ember.Input(shape=(3,)), layers.Dense(1)])
    x, y = _data(4)
    with pytest.raises(ValueError, match="compile"):
        model.train_on_batch(x, y)
    with pytest.raises(ValueError, match="compile"):
        model.test_on_batch(x, y)
    assert model.predict_on_batch(x).shape == (4, 1)


# -- sparse labels out of range -------------------------------------------


@pytest.mark.parametrize("bad", [3, -1])
def test_sparse_labels_out_of_range_fail_before_any_update(bad):
    x, _ = _data(10)
    labels = np.array([0, 1, 2, 1, 0, 2, 1, 0, 1, bad])
    model = _mlp(loss="sparse_categorical_crossentropy", outputs=3)
    model.predict(x, verbose=0)
    before = _weights(model)
    for call in (
        lambda: model.fit(x, labels, epochs=1, verbose=0),
        lambda: model.evaluate(x, labels, verbose=0),
        lambda: model.train_on_batch(x, labels),
    ):
        with pytest.raises(ValueError, match=r"\[0, 2\]") as info:
            call()
        assert str(bad) in str(info.value)
    for got, want in zip(_weights(model), before, strict=True):
        np.testing.assert_array_equal(got, want)
    assert int(model.optimizer.iterations.numpy()) == 0


def test_sparse_labels_checked_in_validation_data_and_loss_object():
    x, _ = _data(10)
    good = np.arange(10) % 3
    model = _mlp(
        loss=ember.losses.SparseCategoricalCrossentropy(from_logits=True),
        outputs=3,
    )
    with pytest.raises(ValueError, match="validation_data"):
        model.fit(x, good, validation_data=(x, good + 1), verbose=0)
    model.fit(x, good, validation_data=(x, good), verbose=0)


# -- TerminateOnNaN keeps the last finite weights -------------------------


@pytest.mark.parametrize("steps_per_execution", [1, 3, 4, "auto"])
def test_terminate_on_nan_restores_weights_before_the_bad_step(
    steps_per_execution,
):
    # Huge targets and learning rate: the loss overflows after a few steps.
    x, y = _data(64)
    y = y * 1e17
    model = _mlp(ember.optimizers.SGD(learning_rate=1.0))
    model.compile(
        optimizer=ember.optimizers.SGD(learning_rate=1.0),
        loss="mse",
        steps_per_execution=steps_per_execution,
    )
    # The reference: step by step with train_on_batch on the same batches.
    reference = _mlp(ember.optimizers.SGD(learning_rate=1.0))
    last_finite, bad_step = _weights(reference), None
    for step in range(8):
        loss = reference.train_on_batch(
            x[step * 8 : step * 8 + 8], y[step * 8 : step * 8 + 8]
        )
        if not np.isfinite(loss):
            bad_step = step
            break
        last_finite = _weights(reference)
    assert bad_step is not None and bad_step > 0

    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=3,
        shuffle=False,
        verbose=0,
        callbacks=[ember.callbacks.TerminateOnNaN()],
    )
    assert len(history.history["loss"]) == 1
    assert not np.isfinite(history.history["loss"][0])
    assert int(model.optimizer.iterations.numpy()) == bad_step
    for got, want in zip(_weights(model), last_finite, strict=True):
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, want, rtol=1e-5)


def test_terminate_on_nan_raise_error_keeps_finite_weights():
    x, y = _data(32)
    model = _mlp(ember.optimizers.SGD(learning_rate=1.0))
    with pytest.raises(RuntimeError, match="NaN"):
        model.fit(
            x,
            y * 1e17,
            batch_size=8,
            epochs=3,
            shuffle=False,
            verbose=0,
            callbacks=[ember.callbacks.TerminateOnNaN(raise_error=True)],
        )
    assert all(np.all(np.isfinite(w)) for w in _weights(model))


# -- unknown names fail in compile ----------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "suggestion"),
    [
        (
            {"loss": "sparse_categorical_crossentropi"},
            "sparse_categorical_crossentropy",
        ),
        ({"optimizer": "adamm", "loss": "mse"}, "'adam'"),
        ({"loss": "mse", "metrics": ["acuracy"]}, "'accuracy'"),
        ({"loss": "mse", "weighted_metrics": ["mea"]}, "'mae'"),
    ],
)
def test_unknown_names_in_compile_suggest_the_closest(kwargs, suggestion):
    model = ember.Sequential([ember.Input(shape=(3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match=suggestion):
        model.compile(**kwargs)
    assert not getattr(model, "compiled", False)
