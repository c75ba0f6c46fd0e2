"""Python generators in `fit` and `evaluate`: the host data path."""

import numpy as np
import pytest

import ember
from ember import layers


def _model(seed=0, metrics=None):
    ember.utils.set_random_seed(seed)
    model = ember.Sequential(
        [
            ember.Input(shape=(3,)),
            layers.Dense(4, activation="tanh"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse", metrics=metrics)
    return model


def _data(n=30):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def _batches(x, y, batch_size, weight=None):
    for start in range(0, len(x), batch_size):
        part = slice(start, start + batch_size)
        if weight is None:
            yield x[part], y[part]
        else:
            yield x[part], y[part], weight[part]


def _weights(model):
    return [np.array(w.numpy()) for w in model.weights]


def test_generator_fit_equals_array_fit_on_the_same_batches():
    x, y = _data(30)  # 3 batches of 8 and a padded batch of 6
    weight = np.linspace(0.1, 1.0, 30).astype("float32")
    by_array = _model(metrics=["mae"])
    expected = by_array.fit(
        x, y, sample_weight=weight, batch_size=8, shuffle=False, verbose=0
    )
    by_generator = _model(metrics=["mae"])
    # Keras warns whenever a generator ends an epoch by running out.
    with pytest.warns(UserWarning, match="ran out of data"):
        history = by_generator.fit(_batches(x, y, 8, weight), verbose=0)
    for key in ("loss", "mae"):
        np.testing.assert_allclose(
            history.history[key], expected.history[key], rtol=1e-5
        )
    for a, b in zip(_weights(by_generator), _weights(by_array), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_steps_per_epoch_continues_the_generator_across_epochs():
    x, y = _data(32)
    by_array = _model()
    by_array.fit(x, y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    model = _model()
    seen = []

    class Steps(ember.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(self.params["steps"])

    history = model.fit(
        _batches(x, y, 8),
        epochs=2,
        steps_per_epoch=2,
        callbacks=[Steps()],
        verbose=0,
    )
    assert seen == [2] and len(history.history["loss"]) == 2
    assert int(model.optimizer.iterations.numpy()) == 4
    for a, b in zip(_weights(model), _weights(by_array), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_unknown_length_and_running_out_of_data():
    x, y = _data(16)
    model = _model()
    seen = []

    class Steps(ember.callbacks.Callback):
        def on_train_begin(self, logs=None):
            seen.append(self.params["steps"])

    with pytest.warns(UserWarning, match="ran out of data") as record:
        history = model.fit(
            _batches(x, y, 4), epochs=3, callbacks=[Steps()], verbose=0
        )
    assert seen == [None]
    # As in Keras: every epoch warns, training goes on, and each pass after
    # the generator is used up replays the two batches read ahead.
    assert len([w for w in record if "ran out" in str(w.message)]) == 3
    assert len(history.history["loss"]) == 3
    assert int(model.optimizer.iterations.numpy()) == 4 + 2 + 2


def test_generator_validation_and_evaluate_match_arrays():
    x, y = _data(30)
    model = _model(metrics=["mae"])
    expected = model.evaluate(x, y, batch_size=8, verbose=0, return_dict=True)
    # Keras warns whenever a generator runs out, in evaluate too.
    with pytest.warns(UserWarning, match="ran out of data"):
        got = model.evaluate(_batches(x, y, 8), verbose=0, return_dict=True)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5)
    with pytest.warns(UserWarning, match="ran out of data"):
        model.fit(
            x,
            y,
            epochs=1,
            validation_data=_batches(x, y, 8),
            batch_size=8,
            verbose=0,
        )
    history = model.history.history
    np.testing.assert_allclose(
        history["val_loss"][0],
        model.evaluate(x, y, batch_size=8, verbose=0)[0],
        rtol=1e-5,
    )


def test_dict_inputs_from_a_generator():
    x, y = _data(12)
    inputs = {"a": ember.Input(shape=(2,), name="a")}
    inputs["b"] = ember.Input(shape=(1,), name="b")
    merged = layers.Concatenate()([inputs["a"], inputs["b"]])
    model = ember.Model(inputs, layers.Dense(1)(merged))
    model.compile("sgd", "mse")

    def batches():
        for start in range(0, 12, 4):
            part = slice(start, start + 4)
            yield {"a": x[part, :2], "b": x[part, 2:]}, y[part]

    with pytest.warns(UserWarning, match="ran out of data"):
        history = model.fit(batches(), verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_generator_arguments_are_checked_before_training():
    x, y = _data(8)
    model = _model()
    before = _weights(model)
    with pytest.raises(ValueError, match="`y` must not be given"):
        model.fit(_batches(x, y, 4), y, verbose=0)
    with pytest.raises(ValueError, match="`validation_split` is only"):
        model.fit(_batches(x, y, 4), validation_split=0.5, verbose=0)
    with pytest.raises(ValueError, match="`sample_weight` must not"):
        model.evaluate(_batches(x, y, 4), sample_weight=np.ones(8), verbose=0)
    for a, b in zip(_weights(model), before, strict=True):
        np.testing.assert_array_equal(a, b)


def test_a_used_up_validation_generator_replays_its_first_two_batches():
    # Keras reads two batches ahead and puts them back in front of the
    # generator: later validations see only those two.
    x, y = _data(32)
    model = _model()
    with pytest.warns(UserWarning, match="ran out of data") as record:
        history = model.fit(
            x,
            y,
            epochs=2,
            validation_data=_batches(x, y, 8),
            batch_size=32,
            verbose=0,
        )
    assert len([w for w in record if "ran out" in str(w.message)]) == 2
    np.testing.assert_allclose(
        history.history["val_loss"][1],
        model.evaluate(x[:16], y[:16], batch_size=8, verbose=0),
        rtol=1e-5,
    )
