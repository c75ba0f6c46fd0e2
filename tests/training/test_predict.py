"""`predict` and `predict_on_batch`: outputs, structure, caching, steps,
callbacks and compile counts."""

import jax
import numpy as np
import pytest

import ember
from ember.training import predict as predict_lib

L = ember.layers


def _mlp():
    inputs = ember.Input(shape=(6,))
    x = L.Dense(8, activation="relu", name="hidden")(inputs)
    outputs = L.Dense(3, activation="softmax", name="head")(x)
    return ember.Model(inputs, outputs)


def _x(n, features=6, seed=0):
    return (
        np.random.default_rng(seed).normal(size=(n, features)).astype("float32")
    )


def _cache_size(model) -> int:
    return model._predict_function.function._cache_size()


def test_one_sample_matches_the_call_and_is_writable_numpy():
    model = _mlp()
    x = _x(1)
    out = model.predict(x, verbose=0)
    assert isinstance(out, np.ndarray) and out.shape == (1, 3)
    np.testing.assert_allclose(out, model(x), rtol=1e-6, atol=1e-6)
    out[0, 0] = 5.0  # Keras returns writable arrays.


def test_several_batches_drop_the_padding():
    model = _mlp()
    x = _x(37)
    out = model.predict(x, batch_size=8, verbose=0)
    assert out.shape == (37, 3)
    np.testing.assert_allclose(out, model(x), rtol=1e-5, atol=1e-6)


def test_lists_of_numbers_and_jax_arrays_are_accepted():
    model = _mlp()
    x = _x(5)
    expected = np.asarray(model(x))
    np.testing.assert_allclose(
        model.predict(x.tolist(), verbose=0), expected, atol=1e-6
    )
    np.testing.assert_allclose(
        model.predict(jax.numpy.asarray(x), batch_size=2, verbose=0),
        expected,
        atol=1e-6,
    )


def _two_heads(as_dict: bool):
    inputs = ember.Input(shape=(6,))
    hidden = L.Dense(5, activation="tanh", name="hidden")(inputs)
    a = L.Dense(2, name="a")(hidden)
    b = L.Dense(1, name="b")(hidden)
    outputs = {"score": a, "value": b} if as_dict else [a, b]
    return ember.Model(inputs, outputs)


def test_list_outputs_come_back_as_a_list():
    model = _two_heads(as_dict=False)
    x = _x(11)
    out = model.predict(x, batch_size=4, verbose=0)
    expected = model(x)
    assert isinstance(out, list) and len(out) == 2
    assert out[0].shape == (11, 2) and out[1].shape == (11, 1)
    for got, want in zip(out, expected, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_dict_outputs_come_back_as_a_dict():
    model = _two_heads(as_dict=True)
    x = _x(9)
    out = model.predict(x, batch_size=4, verbose=0)
    expected = model(x)
    assert isinstance(out, dict) and set(out) == {"score", "value"}
    for key in out:
        assert isinstance(out[key], np.ndarray)
        np.testing.assert_allclose(out[key], expected[key], atol=1e-6)
    single = model.predict_on_batch(x[:1])
    assert isinstance(single, dict)
    np.testing.assert_allclose(single["value"], out["value"][:1], atol=1e-6)


def test_several_inputs():
    left = ember.Input(shape=(3,), name="left")
    right = ember.Input(shape=(2,), name="right")
    merged = L.Concatenate()([left, right])
    model = ember.Model([left, right], L.Dense(2, name="out")(merged))
    xs = [_x(10, 3), _x(10, 2, seed=1)]
    out = model.predict(xs, batch_size=4, verbose=0)
    np.testing.assert_allclose(out, model(xs), rtol=1e-5, atol=1e-6)


def test_changed_weights_are_seen_on_the_next_call():
    model = _mlp()
    x = _x(4)
    before = model.predict(x, verbose=0)
    model.set_weights([w * 2.0 for w in model.get_weights()])
    after = model.predict(x, verbose=0)
    assert not np.allclose(before, after)
    np.testing.assert_allclose(after, model(x), rtol=1e-5, atol=1e-6)
    kernel = model.get_layer("head").kernel
    kernel.assign(np.zeros(kernel.shape))
    np.testing.assert_allclose(model.predict(x, verbose=0), 1.0 / 3, atol=1e-6)


def test_a_frozen_layer_is_still_used():
    model = _mlp()
    x = _x(4)
    model.predict(x, verbose=0)
    model.get_layer("hidden").trainable = False
    model.get_layer("hidden").kernel.assign(
        np.ones(model.get_layer("hidden").kernel.shape)
    )
    np.testing.assert_allclose(
        model.predict(x, verbose=0), model(x), rtol=1e-5, atol=1e-6
    )


def test_predict_on_batch_matches_the_call():
    model = _mlp()
    x = _x(50)
    out = model.predict_on_batch(x)
    assert isinstance(out, np.ndarray) and out.shape == (50, 3)
    np.testing.assert_allclose(out, model(x), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model.predict_on_batch(x[:1]), out[:1])


def test_steps_limits_the_batches():
    model = _mlp()
    x = _x(40)
    out = model.predict(x, batch_size=8, steps=2, verbose=0)
    np.testing.assert_allclose(out, model(x[:16]), rtol=1e-5, atol=1e-6)


def test_steps_beyond_the_data_warns_and_stops():
    model = _mlp()
    x = _x(10)
    with pytest.warns(UserWarning, match="ran out of data"):
        out = model.predict(x, batch_size=4, steps=5, verbose=0)
    assert out.shape == (10, 3)


def test_no_recompilation_for_the_same_shape():
    model = _mlp()
    model.predict(_x(1), verbose=0)
    compiled = _cache_size(model)
    model.predict(_x(1, seed=1), verbose=0)
    assert _cache_size(model) == compiled
    # Several batches: every call has `batch_size` rows, whatever the count.
    model.predict(_x(37), batch_size=8, verbose=0)
    compiled = _cache_size(model)
    model.predict(_x(45), batch_size=8, verbose=0)
    model.predict(_x(19), batch_size=8, verbose=0)
    assert _cache_size(model) == compiled


def test_bad_feature_count_names_the_layer():
    model = _mlp()
    model.predict(_x(2), verbose=0)
    with pytest.raises(ValueError, match='"hidden".*last dimension 6'):
        model.predict(_x(2, features=5), verbose=0)
    with pytest.raises(ValueError, match='"hidden"'):
        model.predict(_x(30, features=5), batch_size=8, verbose=0)
    with pytest.raises(ValueError, match='"hidden"'):
        model.predict_on_batch(_x(3, features=7))


def test_an_empty_input_is_refused():
    with pytest.raises(ValueError, match="0 samples"):
        _mlp().predict(np.zeros((0, 6), "float32"), verbose=0)


def test_an_unbuilt_sequential_builds_on_the_data():
    model = ember.Sequential([L.Dense(4, name="d1"), L.Dense(2, name="d2")])
    x = _x(3, features=5)
    np.testing.assert_allclose(
        model.predict(x, verbose=0), model(x), rtol=1e-5, atol=1e-6
    )


class _Recorder(ember.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_predict_begin(self, logs=None):
        self.events.append(("begin",))

    def on_predict_batch_begin(self, batch, logs=None):
        self.events.append(("batch_begin", batch))

    def on_predict_batch_end(self, batch, logs=None):
        self.events.append(("batch_end", batch, logs["outputs"].shape))

    def on_predict_end(self, logs=None):
        self.events.append(("end",))


def test_callbacks_see_every_batch_and_its_outputs():
    recorder = _Recorder()
    _mlp().predict(_x(10), batch_size=4, verbose=0, callbacks=[recorder])
    assert recorder.events == [
        ("begin",),
        ("batch_begin", 0),
        ("batch_end", 0, (4, 3)),
        ("batch_begin", 1),
        ("batch_end", 1, (4, 3)),
        ("batch_begin", 2),
        ("batch_end", 2, (2, 3)),
        ("end",),
    ]


def test_stop_predicting_ends_after_the_batch():
    class Stop(ember.callbacks.Callback):
        def on_predict_batch_end(self, batch, logs=None):
            self.model.stop_predicting = True

    out = _mlp().predict(_x(10), batch_size=4, verbose=0, callbacks=[Stop()])
    assert out.shape == (4, 3)


def test_verbose_shows_a_progress_bar(capsys):
    _mlp().predict(_x(10), batch_size=4, verbose=1)
    assert "3/3" in capsys.readouterr().out
    _mlp().predict(_x(10), batch_size=4, verbose=0)
    assert capsys.readouterr().out == ""


def test_batches_sliced_on_the_device(monkeypatch):
    monkeypatch.setattr(predict_lib, "_on_device", lambda x: True)
    model = _mlp()
    x = _x(21)
    out = model.predict(x, batch_size=8, verbose=0)
    np.testing.assert_allclose(out, model(x), rtol=1e-5, atol=1e-6)
    compiled = predict_lib._gather._cache_size()
    model.predict(x, batch_size=8, verbose=0)
    assert predict_lib._gather._cache_size() == compiled


class _Counter(L.Layer):
    """Counts its calls in a non-trainable variable."""

    def build(self, input_shape):
        self.count = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="count"
        )

    def call(self, x):
        self.count.assign(self.count + 1.0)
        return x


def test_non_trainable_updates_are_threaded_and_written_back():
    inputs = ember.Input(shape=(3,))
    counter = _Counter(name="counter")
    model = ember.Model(inputs, counter(inputs))
    model.predict(np.ones((20, 3), "float32"), batch_size=8, verbose=0)
    assert float(counter.count.value) == 3.0
    model.predict_on_batch(np.ones((2, 3), "float32"))
    assert float(counter.count.value) == 4.0


def test_run_eagerly_gives_the_same_outputs():
    model = _mlp()
    model.compile(optimizer="sgd", loss="mse", run_eagerly=True)
    x = _x(9)
    np.testing.assert_allclose(
        model.predict(x, batch_size=4, verbose=0),
        model(x),
        rtol=1e-5,
        atol=1e-6,
    )


def test_compile_resets_the_compiled_step():
    model = _mlp()
    model.predict(_x(2), verbose=0)
    first = model._predict_function
    model.compile(optimizer="sgd", loss="mse")
    model.predict(_x(2), verbose=0)
    assert model._predict_function is not first


def test_predict_on_a_generator_concatenates_its_batches():
    model = _mlp()
    x = _x(10)

    def batches():
        yield x[:4]
        yield (x[4:7],)
        yield x[7:], np.zeros(3)

    np.testing.assert_allclose(
        model.predict(batches(), verbose=0), np.asarray(model(x)), rtol=1e-6
    )
    first_two = model.predict(batches(), steps=2, verbose=0)
    np.testing.assert_allclose(first_two, np.asarray(model(x[:7])), rtol=1e-6)
