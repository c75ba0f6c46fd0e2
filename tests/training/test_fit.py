import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers


def _mlp(optimizer="sgd", loss="mse", metrics=None, seed=0):
    ember.utils.set_random_seed(seed)
    model = ember.Sequential(
        [
            ember.Input(shape=(3,)),
            layers.Dense(4, activation="tanh"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer=optimizer, loss=loss, metrics=metrics)
    return model


def _data(n=50):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def test_one_sgd_epoch_equals_a_hand_written_jax_loop():
    x, y = _data(50)  # 50 = 3 batches of 16 + a padded batch of 2
    model = _mlp(ember.optimizers.SGD(learning_rate=0.1))
    params = [v.value for v in model.trainable_variables]

    def loss_fn(params, xb, yb):
        out, _ = model.stateless_call(params, [], xb)
        return jnp.mean(jnp.square(out - yb))

    grad = jax.jit(jax.grad(loss_fn))
    for start in range(0, 50, 16):
        g = grad(params, x[start : start + 16], y[start : start + 16])
        params = [p - 0.1 * gi for p, gi in zip(params, g, strict=True)]

    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    for variable, expected in zip(
        model.trainable_variables, params, strict=True
    ):
        np.testing.assert_allclose(variable.numpy(), expected, atol=1e-5)


def test_evaluate_ignores_padding_rows():
    x, y = _data(50)
    model = _mlp(metrics=["mae"])
    loss, mae = model.evaluate(x, y, batch_size=16, verbose=0)
    pred = np.asarray(model(x))
    np.testing.assert_allclose(loss, np.mean((pred - y) ** 2), rtol=1e-5)
    np.testing.assert_allclose(mae, np.mean(np.abs(pred - y)), rtol=1e-5)
    logs = model.evaluate(x, y, batch_size=7, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "mae"}
    np.testing.assert_allclose(logs["loss"], loss, rtol=1e-5)


def test_predict_matches_the_eager_call_and_drops_padding():
    x, _ = _data(37)
    model = _mlp()
    out = model.predict(x, batch_size=8, verbose=0)
    assert out.shape == (37, 1)
    np.testing.assert_allclose(out, model(x), rtol=1e-5, atol=1e-6)


def test_a_second_epoch_does_not_recompile():
    x, y = _data(64)
    model = _mlp("adam")
    model.fit(x, y, batch_size=16, epochs=1, verbose=0)
    size = model._compiled.functions["train"]._cache_size()
    model.fit(x, y, batch_size=16, epochs=3, verbose=0)
    assert model._compiled.functions["train"]._cache_size() == size == 1


def test_history_and_validation_metrics():
    x, y = _data(60)
    model = _mlp("adam", metrics=["mae"])
    history = model.fit(
        x, y, batch_size=16, epochs=3, validation_split=0.25, verbose=0
    )
    assert set(history.history) == {
        "loss",
        "mae",
        "val_loss",
        "val_mae",
    }
    assert len(history.history["loss"]) == 3
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_set_random_seed_makes_two_fits_identical():
    x, y = _data(40)
    weights = []
    for _ in range(2):
        model = _mlp("adam", seed=7)
        model.fit(x, y, batch_size=8, epochs=2, verbose=0)
        weights.append([w.numpy() for w in model.weights])
    for a, b in zip(*weights, strict=True):
        np.testing.assert_array_equal(a, b)


def test_run_eagerly_gives_the_same_weights():
    x, y = _data(32)
    results = []
    for eager in (False, True):
        model = _mlp("sgd", seed=3)
        model.compile(optimizer="sgd", loss="mse", run_eagerly=eager)
        model.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        results.append([w.numpy() for w in model.weights])
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _unchanged(model, before):
    for w, old in zip(model.weights, before, strict=True):
        np.testing.assert_array_equal(w.numpy(), old)


def test_bad_input_is_refused_before_any_weight_changes():
    x, y = _data(20)
    model = _mlp("adam")
    before = [w.numpy() for w in model.weights]
    with pytest.raises(ValueError, match="20 samples but y has 19"):
        model.fit(x, y[:19], verbose=0)
    with pytest.raises(ValueError, match="batch_size"):
        model.fit(x, y, batch_size=0, verbose=0)
    with pytest.raises(ValueError, match="validation_data"):
        model.fit(x, y, validation_data=(x,), verbose=0)
    _unchanged(model, before)


def test_fit_before_compile_is_an_error():
    model = ember.Sequential([ember.Input(shape=(3,)), layers.Dense(1)])
    with pytest.raises(ValueError, match="must be compiled before `fit"):
        model.fit(*_data(4), verbose=0)


def test_accuracy_resolves_from_the_loss():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(30, 4)).astype("float32")
    labels = (x[:, 0] > 0).astype("int32")
    model = ember.Sequential(
        [ember.Input(shape=(4,)), layers.Dense(2, activation="softmax")]
    )
    model.compile(
        "adam", "sparse_categorical_crossentropy", metrics=["accuracy"]
    )
    logs = model.evaluate(x, labels, verbose=0, return_dict=True)
    (accuracy,) = model.metrics[1].metrics
    assert type(accuracy).__name__ == "SparseCategoricalAccuracy"
    expected = np.mean(np.asarray(model(x)).argmax(-1) == labels)
    np.testing.assert_allclose(logs["accuracy"], expected, rtol=1e-6)


def test_evaluate_lists_loss_then_metrics_in_compile_order():
    # Keras: the dict is keyed by name; the list follows compile's order.
    x, y = _data(20)
    model = _mlp(metrics=["mse", "mae"])
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "mse", "mae"}
    values = model.evaluate(x, y, verbose=0)
    assert values == [logs["loss"], logs["mse"], logs["mae"]]


def test_wrong_feature_count_names_the_layer_before_any_change():
    x, y = _data(8)
    model = _mlp()
    model.fit(x, y, verbose=0)
    before = [np.array(v.numpy()) for v in model.variables]
    with pytest.raises(ValueError, match=r"last dimension 3, got \(8, 5\)"):
        model.fit(np.ones((8, 5), "float32"), y, verbose=0)
    for variable, value in zip(model.variables, before, strict=True):
        np.testing.assert_array_equal(variable.numpy(), value)


def test_an_exception_in_fit_still_writes_the_moving_averages():
    # Keras runs finalize_variable_values in a `finally`: the averages go
    # into the model even when a callback raises; on_train_end is skipped.
    momentum = 0.5
    model = _mlp(ember.optimizers.SGD(0.1, use_ema=True, ema_momentum=momentum))
    x, y = _data(12)
    steps, events = [], []

    class Interrupt(ember.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            steps.append([np.array(w) for w in model.get_weights()])

        def on_epoch_end(self, epoch, logs=None):
            events.append(epoch)
            if epoch == 1:
                raise RuntimeError("stop here")

        def on_train_end(self, logs=None):
            events.append("train_end")

    with pytest.raises(RuntimeError, match="stop here"):
        model.fit(
            x, y, batch_size=4, epochs=3, verbose=0, callbacks=[Interrupt()]
        )
    assert events == [0, 1] and len(steps) == 6
    # The first step copies the weights, then avg = m * avg + (1 - m) * w.
    expected = steps[0]
    for weights in steps[1:]:
        expected = [
            momentum * a + (1 - momentum) * w
            for a, w in zip(expected, weights, strict=True)
        ]
    for got, want in zip(model.get_weights(), expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert not np.allclose(model.get_weights()[0], steps[-1][0])
