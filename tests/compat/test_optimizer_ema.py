"""`use_ema` and `gradient_accumulation_steps` in fit, against Keras 3.

The same tiny model, starting weights and data (a partial last batch, no
shuffling) in both libraries: the final weights and the optimizer's
variables (paths, order, values) must agree, and a `.keras` file written
by either carries them to the other.
"""

import warnings

import keras
import numpy as np
import pytest

import ember
from ember.core import naming

# Keras' fit on a shared CPU takes seconds per case.
pytestmark = pytest.mark.slow

OPTIMIZERS = {
    "adam_ema": (
        "Adam",
        {"learning_rate": 0.01, "use_ema": True, "ema_overwrite_frequency": 3},
    ),
    "sgd_accumulate": (
        "SGD",
        {"learning_rate": 0.05, "gradient_accumulation_steps": 2},
    ),
    "sgd_momentum_ema_accumulate": (
        "SGD",
        {
            "learning_rate": 0.05,
            "momentum": 0.9,
            "use_ema": True,
            "ema_momentum": 0.8,
            "ema_overwrite_frequency": 2,
            "gradient_accumulation_steps": 2,
        },
    ),
}


def _fresh(lib):
    naming.reset_uids()
    keras.utils.clear_session()
    return lib.Sequential(
        [
            lib.Input(shape=(4,)),
            lib.layers.Dense(3, activation="relu"),
            lib.layers.Dense(2),
        ]
    )


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(10, 4)).astype("float32")
    y = rng.normal(size=(10, 2)).astype("float32")
    return x, y


def _trained(lib, case, weights):
    class_name, kwargs = OPTIMIZERS[case]
    model = _fresh(lib)
    model.set_weights(weights)
    model.compile(
        optimizer=getattr(lib.optimizers, class_name)(**kwargs), loss="mse"
    )
    x, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    return model


def _start():
    return _fresh(ember).get_weights()


def _assert_same_state(ours, theirs):
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    ours_vars, their_vars = ours.optimizer.variables, theirs.optimizer.variables
    assert [v.path for v in ours_vars] == [v.path for v in their_vars]
    for a, b in zip(ours_vars, their_vars, strict=True):
        np.testing.assert_allclose(
            np.asarray(a.value), np.asarray(b.value), rtol=1e-5, atol=1e-6
        )


@pytest.mark.parametrize("case", sorted(OPTIMIZERS))
def test_fit_equals_keras(case):
    weights = _start()
    ours = _trained(ember, case, weights)
    theirs = _trained(keras, case, weights)
    _assert_same_state(ours, theirs)
    names = [v.path.split("/")[-1] for v in ours.optimizer.variables]
    kwargs = OPTIMIZERS[case][1]
    assert ("sequential_dense_kernel_average" in names) == bool(
        kwargs.get("use_ema")
    )
    assert ("sequential_dense_kernel_gradient_accumulator" in names) == bool(
        kwargs.get("gradient_accumulation_steps")
    )
    # fit ended on the averages: Keras' finalize_variable_values
    if kwargs.get("use_ema"):
        averages = ours.optimizer._model_variables_moving_average
        for w, a in zip(ours.trainable_weights, averages, strict=True):
            np.testing.assert_array_equal(np.asarray(w.value), a.value)


def _assert_same_values(ours, theirs):
    pairs = list(zip(ours.get_weights(), theirs.get_weights(), strict=True))
    pairs += zip(
        ours.optimizer.variables, theirs.optimizer.variables, strict=True
    )
    for a, b in pairs:
        np.testing.assert_allclose(
            np.asarray(a), np.asarray(b), rtol=1e-6, atol=1e-7
        )


@pytest.mark.parametrize("case", sorted(OPTIMIZERS))
@pytest.mark.parametrize("writer", [ember, keras], ids=["ember", "keras"])
def test_keras_file_round_trip(tmp_path, case, writer):
    source = _trained(writer, case, _start())
    path = tmp_path / "m.keras"
    source.save(path)
    restored = {}
    for lib in (ember, keras):
        naming.reset_uids()
        keras.utils.clear_session()
        restored[lib] = lib.saving.load_model(path)
        _assert_same_values(restored[lib], source)
        # the learning rate comes back from its float32 variable
        config = restored[lib].optimizer.get_config()
        for key, value in OPTIMIZERS[case][1].items():
            assert config[key] == pytest.approx(value), key
    # both name the loaded optimizer's variables alike (a loaded model's
    # paths lose the `sequential/` prefix, in Keras as in ember)
    assert [v.path for v in restored[ember].optimizer.variables] == [
        v.path for v in restored[keras].optimizer.variables
    ]


def _fit_swapping(lib, swap_on_epoch, weights):
    model = _fresh(lib)
    model.set_weights(weights)
    model.compile(
        optimizer=lib.optimizers.SGD(0.1, use_ema=True, ema_momentum=0.9),
        loss="mse",
    )
    x, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        history = model.fit(
            x,
            y,
            batch_size=4,
            epochs=3,
            shuffle=False,
            verbose=0,
            validation_data=(x, y),
            callbacks=[lib.callbacks.SwapEMAWeights(swap_on_epoch)],
        )
    return history.history, model.get_weights()


@pytest.mark.parametrize("swap_on_epoch", [False, True])
def test_swap_ema_weights_in_fit_equals_keras(swap_on_epoch):
    weights = _start()
    ours, our_weights = _fit_swapping(ember, swap_on_epoch, weights)
    theirs, their_weights = _fit_swapping(keras, swap_on_epoch, weights)
    assert list(ours) == list(theirs)
    for key, values in theirs.items():
        np.testing.assert_allclose(ours[key], values, rtol=1e-5, err_msg=key)
    for a, b in zip(our_weights, their_weights, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def _interrupted(lib, weights):
    """Adam(use_ema=True) fit whose callback raises in `on_epoch_end` of
    the second epoch; returns the model and the hooks that ran."""
    model = _fresh(lib)
    model.set_weights(weights)
    model.compile(
        optimizer=lib.optimizers.Adam(learning_rate=0.05, use_ema=True),
        loss="mse",
    )
    events = []

    class Interrupt(lib.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            events.append(f"epoch_end {epoch}")
            if epoch == 1:
                raise RuntimeError("stop here")

        def on_train_end(self, logs=None):
            events.append("train_end")

    x, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(RuntimeError, match="stop here"):
            model.fit(
                x,
                y,
                batch_size=4,
                epochs=4,
                shuffle=False,
                verbose=0,
                callbacks=[Interrupt()],
            )
    return model, events


def test_an_exception_in_fit_still_writes_the_averages_as_keras():
    weights = _start()
    ours, our_events = _interrupted(ember, weights)
    theirs, their_events = _interrupted(keras, weights)
    _assert_same_state(ours, theirs)
    # Keras' `finally`: the averages went in, but no `on_train_end`.
    assert our_events == their_events == ["epoch_end 0", "epoch_end 1"]
    averages = ours.optimizer._model_variables_moving_average
    for w, a in zip(ours.trainable_weights, averages, strict=True):
        np.testing.assert_array_equal(np.asarray(w.value), a.value)
