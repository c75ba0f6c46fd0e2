"""The device data path: plans, gathering, execution kinds, sizing."""

import itertools

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import layers
from ember.training import compiled as chunk_lib
from ember.training import loop as loop_lib
from ember.training import state as state_lib
from ember.training.data import ArrayIterator
from ember.training.data import DeviceFeed
from ember.training.data import adapt
from ember.training.data import source as source_lib


def _mlp(optimizer="sgd", seed=0, **compile_kwargs):
    ember.utils.set_random_seed(seed)
    model = ember.Sequential(
        [
            ember.Input(shape=(3,)),
            layers.Dense(4, activation="tanh"),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer=optimizer, loss="mse", **compile_kwargs)
    return model


def _conv(seed=0, **compile_kwargs):
    ember.utils.set_random_seed(seed)
    model = ember.Sequential(
        [
            ember.Input(shape=(6, 6, 1)),
            layers.Conv2D(2, (3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse", **compile_kwargs)
    return model


def _data(n=50, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = (x @ np.array([[1.0], [-2.0], [0.5]], "float32")).astype("float32")
    return x, y


def _weights(model):
    return [np.array(w.numpy()) for w in model.weights]


def test_epoch_plan_gathers_the_host_iterators_batches():
    # The device plan must give exactly the host path's batches, padding
    # included, for every shuffle mode and across passes.
    x = np.arange(22, dtype="float32")
    data = adapt(x, x * 2, np.arange(22, dtype="float32") + 1)
    for shuffle, steps in itertools.product((True, False, "batch"), (None, 7)):
        it = ArrayIterator(data, 4, shuffle, seed=3, steps_per_epoch=steps)
        for epoch in range(3):
            index, mask = it.epoch_plan(epoch)
            for step, batch in enumerate(it.batches(epoch)):
                np.testing.assert_array_equal(x[index[step]], batch.x)
                np.testing.assert_array_equal(mask[step], batch.mask)
                weight = data.sample_weight[index[step]] * mask[step]
                np.testing.assert_array_equal(weight, batch.sample_weight)
    assert np.any(mask == 0)  # a padded batch was checked


def test_shuffled_weighted_fit_equals_a_hand_written_jax_loop():
    # steps_per_epoch=4 over 3 batches per pass (the last one padded):
    # the epochs stream across passes, each pass shuffled by its own seed.
    x, y = _data(21)
    weight = np.linspace(0.5, 2.0, 21).astype("float32")
    model = _mlp(ember.optimizers.SGD(learning_rate=0.05))
    params = [v.value for v in model.trainable_variables]

    def loss_fn(params, xb, yb, wb):
        out, _ = model.stateless_call(params, [], xb)
        return jnp.sum(wb[:, None] * jnp.square(out - yb)) / len(xb)

    grad = jax.jit(jax.grad(loss_fn))
    seed = 1234
    reference = ArrayIterator(adapt(x), 8, True, seed, steps_per_epoch=4)
    for epoch in range(2):
        for rows in reference.step_indices(epoch):
            g = grad(params, x[rows], y[rows], weight[rows])
            params = [p - 0.05 * gi for p, gi in zip(params, g, strict=True)]

    feeds = []

    class Feed(DeviceFeed):
        def __init__(self, *args, **kwargs):
            kwargs["seed"] = seed
            super().__init__(*args, **kwargs)
            feeds.append(self)

    original, source_lib.DeviceFeed = source_lib.DeviceFeed, Feed
    try:
        model.fit(
            x,
            y,
            sample_weight=weight,
            batch_size=8,
            epochs=2,
            steps_per_epoch=4,
            verbose=0,
        )
    finally:
        source_lib.DeviceFeed = original
    assert len(feeds) == 1
    for variable, expected in zip(
        model.trainable_variables, params, strict=True
    ):
        np.testing.assert_allclose(variable.numpy(), expected, atol=1e-5)


def test_data_goes_to_the_device_once_per_fit(monkeypatch):
    x, y = _data(40)
    puts = []
    original = DeviceFeed.__init__

    def counting(self, data, *args, **kwargs):
        puts.append(data.num_samples)
        original(self, data, *args, **kwargs)

    monkeypatch.setattr(DeviceFeed, "__init__", counting)
    model = _mlp("adam")
    history = model.fit(
        x, y, batch_size=8, epochs=3, validation_split=0.25, verbose=0
    )
    assert puts == [30, 10]  # train and validation, not once per epoch
    assert len(history.history["val_loss"]) == 3


@pytest.mark.parametrize("steps_per_execution", [1, 3, "auto"])
def test_both_execution_kinds_give_the_same_weights(steps_per_execution):
    # 7 steps per epoch: with K=3 the last execution holds masked steps,
    # which must leave the state (and the iteration count) untouched.
    x, y = _data(52)
    results = []
    for straight in (False, True):
        model = _mlp("adam", seed=4, steps_per_execution=steps_per_execution)
        function = loop_lib.chunk_function(model, "train")
        chunk_lib._LEARNED[function] = {"straight": straight}
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        assert int(model.optimizer.iterations.numpy()) == 14
        results.append(_weights(model))
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _wide_conv():
    model = ember.Sequential(
        [
            ember.Input(shape=(6, 6, 4)),
            layers.Conv2D(2, (3, 3), activation="relu"),
            layers.Flatten(),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def test_convolutions_on_cpu_run_straight_and_never_recompile():
    # Patches of 36 values: XLA's convolution, run in straight-line steps.
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 6, 6, 4)).astype("float32")
    y = rng.normal(size=(40, 1)).astype("float32")
    model = _wide_conv()
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    function = model._compiled.functions["train"]
    learned = chunk_lib._LEARNED[function]
    assert learned["straight"] is (jax.default_backend() == "cpu")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    assert function._cache_size() == 1
    assert int(model.optimizer.iterations.numpy()) == 20


def test_small_patch_convolutions_train_as_matrix_products_in_a_loop():
    # One input channel: the train step runs the patch form (matrix
    # products, no convolution), which runs rolled like a dense model.
    x = np.random.default_rng(0).normal(size=(40, 6, 6, 1)).astype("float32")
    model = _conv()
    model.fit(x, x.sum(axis=(1, 2)), batch_size=8, epochs=1, verbose=0)
    learned = chunk_lib._LEARNED[model._compiled.functions["train"]]
    assert learned["straight"] is False


class _PerBatch(ember.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.ends = []

    def on_train_batch_end(self, batch, logs=None):
        self.ends.append(batch)


class _Chunked(_PerBatch):
    chunked_batch_hooks = True


def test_auto_runs_every_step_alone_only_for_per_batch_hooks():
    x, y = _data(64)
    per_batch, chunked = _PerBatch(), _Chunked()
    _mlp("adam").fit(
        x, y, batch_size=4, epochs=1, callbacks=[per_batch], verbose=0
    )
    assert per_batch.ends == list(range(16))
    model = _mlp("adam")
    model.fit(x, y, batch_size=4, epochs=1, callbacks=[chunked], verbose=0)
    assert len(chunked.ends) < 16 and chunked.ends[-1] == 15
    # A second fit starts from the learned step time: whole epochs.
    model.fit(x, y, batch_size=4, epochs=1, callbacks=[chunked], verbose=0)
    assert chunked.ends[-1] == 15
    assert model._compiled.functions["train"]._cache_size() == 1


def test_straight_k_is_capped_by_the_epoch_length():
    x, y = _data(12)
    model = _mlp("adam")
    function = loop_lib.chunk_function(model, "train")
    chunk_lib._LEARNED[function] = {"straight": True, ("k", 4): 16}
    model.fit(x, y, batch_size=4, epochs=1, verbose=0)
    feed = DeviceFeed(adapt(x, y), 4)
    state = state_lib.fresh_state(state_lib.variable_groups(model), model)
    unroll, sizer = chunk_lib.plan_executions(
        model, function, model.train_step, [], state, feed
    )
    assert unroll == sizer.fixed == 3
    unroll, sizer = chunk_lib.plan_executions(
        model, function, model.train_step, [_PerBatch()], state, feed
    )
    assert unroll == sizer.fixed == 1


def test_the_sizer_targets_the_execution_time():
    learned = {"seconds": chunk_lib.TARGET_SECONDS / 100, "steps": 50}
    sizer = chunk_lib.StepSizer(None, learned)
    assert sizer(10_000) == 100
    assert sizer(30) == 30  # at most what is left of the epoch
    sizer.record(100, chunk_lib.TARGET_SECONDS * 2)  # twice too slow
    assert sizer(10_000) == 50
    fresh = chunk_lib.StepSizer(None, {})
    assert fresh(500) == 1  # the first execution compiles: time one step
    fresh.record(1, 1e-6)
    assert fresh(10_000) == chunk_lib._MAX_GROWTH


def test_data_too_big_for_the_device_is_batched_on_the_host(monkeypatch):
    x, y = _data(44)
    results = []
    for fits in (True, False):
        monkeypatch.setattr(
            source_lib, "fits_on_device", lambda data, f=fits: f
        )
        model = _mlp("adam", seed=2)
        history = model.fit(
            x,
            y,
            batch_size=8,
            epochs=2,
            validation_split=0.25,
            shuffle=False,
            verbose=0,
        )
        results.append((history.history, _weights(model)))
    (device_logs, device_weights), (host_logs, host_weights) = results
    for key in device_logs:
        np.testing.assert_allclose(host_logs[key], device_logs[key], rtol=1e-5)
    for a, b in zip(host_weights, device_weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_straight_k_divides_the_epoch_so_no_step_is_masked():
    x, y = _data(56)  # 7 steps of 8
    model = _mlp("adam", steps_per_execution=3)
    function = loop_lib.chunk_function(model, "train")
    chunk_lib._LEARNED[function] = {"straight": True, ("k", 8): 8}
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    state = state_lib.fresh_state(state_lib.variable_groups(model), model)
    feed = DeviceFeed(adapt(x, y), 8)
    plan = chunk_lib.plan_executions
    assert plan(model, function, model.train_step, [], state, feed)[0] == 1
    model.compile("adam", "mse", steps_per_execution="auto")
    function = loop_lib.chunk_function(model, "train")
    chunk_lib._LEARNED[function] = {"straight": True, ("k", 8): 8}
    assert plan(model, function, model.train_step, [], state, feed)[0] == 7
    feed = DeviceFeed(adapt(x[:48], y[:48]), 8)  # 6 steps: K=6
    assert plan(model, function, model.train_step, [], state, feed)[0] == 6


def _batches(x, y, batch_size):
    for start in range(0, len(x), batch_size):
        yield x[start : start + batch_size], y[start : start + batch_size]


def test_masked_straight_steps_leave_the_state_untouched():
    # Host chunks of 3 steps over 7 batches: the last one holds 2 masked
    # steps, which straight-line code must skip as the rolled loop does.
    x, y = _data(52)
    results = []
    for straight in (False, True):
        model = _mlp("adam", seed=5, steps_per_execution=3)
        function = loop_lib.chunk_function(model, "train")
        chunk_lib._LEARNED[function] = {"straight": straight}
        with pytest.warns(UserWarning, match="ran out of data"):
            model.fit(_batches(x, y, 8), verbose=0)  # Keras warns too
        assert int(model.optimizer.iterations.numpy()) == 7
        results.append(_weights(model))
    for a, b in zip(*results, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_terminate_on_nan_rolls_back_straight_executions():
    # The loss overflows inside an execution of 4 straight steps; the
    # replay up to the bad step masks the rest.
    x, y = _data(64)
    results = []
    for straight in (False, True):
        model = _mlp(ember.optimizers.SGD(1.0), seed=1, steps_per_execution=4)
        function = loop_lib.chunk_function(model, "train_keeping")
        chunk_lib._LEARNED[function] = {"straight": straight}
        model.fit(
            x,
            y * 1e17,
            batch_size=8,
            epochs=2,
            shuffle=False,
            callbacks=[ember.callbacks.TerminateOnNaN()],
            verbose=0,
        )
        results.append(
            (int(model.optimizer.iterations.numpy()), _weights(model))
        )
    (rolled_steps, rolled), (straight_steps, straight) = results
    assert 0 < rolled_steps == straight_steps < 8
    assert rolled_steps % 4  # inside an execution: the replay masks steps
    for a, b in zip(rolled, straight, strict=True):
        assert np.all(np.isfinite(b))
        np.testing.assert_allclose(a, b, rtol=1e-5)
