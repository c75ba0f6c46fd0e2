import types

import numpy as np
import pytest

import ember
from ember.callbacks import Callback
from ember.callbacks import EarlyStopping

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 3)).astype("float32")
Y = X @ np.array([[1.0], [-2.0], [0.5]], "float32")


class Scripted(Callback):
    """Puts `values[epoch]` in the logs as "score" and keeps a copy of the
    weights at each epoch end (it runs before EarlyStopping)."""

    def __init__(self, values):
        super().__init__()
        self.values = values
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        logs["score"] = self.values[epoch]
        self.weights.append([np.array(w) for w in self.model.get_weights()])


def fake_model():
    return types.SimpleNamespace(stop_training=False, metrics=[])


def drive(callback, values):
    """Runs the epoch hooks over `values` until the callback stops;
    returns the number of epochs run."""
    model = fake_model()
    callback.set_model(model)
    callback.on_train_begin()
    for epoch, value in enumerate(values):
        callback.on_epoch_end(epoch, {"loss": value})
        if model.stop_training:
            return epoch + 1
    return len(values)


@pytest.mark.parametrize(
    ("values", "patience", "kwargs", "epochs", "stopped"),
    [
        # Best at epoch 1; two epochs without improvement stop at 3.
        ([1.0, 0.5, 0.6, 0.55, 0.7, 0.1], 2, {}, 4, 3),
        ([1.0, 0.5, 0.4, 0.3, 0.2, 0.1], 1, {}, 6, 0),
        # 0.45 beats 0.5 by less than min_delta: no improvement.
        ([1.0, 0.5, 0.45, 0.1], 1, {"min_delta": 0.1}, 3, 2),
        ([0.1, 0.5, 0.9, 0.2], 0, {"mode": "max"}, 4, 3),
        # Improvements that do not beat the baseline do not reset the
        # count: the first worse epoch after `patience` stops (without the
        # baseline, epoch 3 would).
        ([1.0, 0.9, 0.95, 0.97, 0.99], 2, {"baseline": 0.5}, 3, 2),
        ([1.0, 0.9, 0.95, 0.97, 0.99], 2, {}, 4, 3),
        # The warm-up epochs 0 and 1 are not watched.
        ([0.1, 0.9, 0.8, 0.85, 0.9], 1, {"start_from_epoch": 2}, 4, 3),
    ],
)
def test_stops_at_the_epoch_the_sequence_implies(
    values, patience, kwargs, epochs, stopped
):
    callback = EarlyStopping(monitor="loss", patience=patience, **kwargs)
    assert drive(callback, values) == epochs
    assert callback.stopped_epoch == stopped


def test_restores_the_best_weights_in_fit():
    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(1)])
    model.compile(ember.optimizers.SGD(0.05), loss="mse")
    scripted = Scripted([3.0, 1.0, 2.0, 1.5, 0.5, 0.1])
    stopper = EarlyStopping(
        monitor="score", mode="min", patience=2, restore_best_weights=True
    )
    history = model.fit(
        X, Y, batch_size=4, epochs=6, verbose=0, callbacks=[scripted, stopper]
    )
    assert len(history.history["loss"]) == 4
    assert stopper.stopped_epoch == 3 and stopper.best_epoch == 1
    for actual, best in zip(
        model.get_weights(), scripted.weights[1], strict=True
    ):
        np.testing.assert_array_equal(actual, best)
    assert not np.array_equal(model.get_weights()[0], scripted.weights[3][0])


def test_without_restore_keeps_the_last_weights():
    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(1)])
    model.compile(ember.optimizers.SGD(0.05), loss="mse")
    scripted = Scripted([3.0, 1.0, 2.0, 1.5])
    stopper = EarlyStopping(monitor="score", mode="min", patience=1)
    model.fit(
        X, Y, batch_size=4, epochs=4, verbose=0, callbacks=[scripted, stopper]
    )
    assert stopper.stopped_epoch == 2
    np.testing.assert_array_equal(
        model.get_weights()[0], scripted.weights[2][0]
    )


def test_auto_mode_follows_the_metric_direction():
    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(1)])
    model.compile("sgd", loss="mse", metrics=["accuracy"])
    model.evaluate(X, Y, verbose=0)  # builds the compiled metrics
    callback = EarlyStopping(monitor="val_accuracy", patience=0)
    callback.set_model(model)
    callback.on_train_begin()
    callback.on_epoch_end(0, {"val_accuracy": 0.5})
    callback.on_epoch_end(1, {"val_accuracy": 0.7})  # up is better
    assert not model.stop_training
    callback.on_epoch_end(2, {"val_accuracy": 0.6})
    assert model.stop_training and callback.stopped_epoch == 2


def test_auto_mode_on_an_unknown_quantity_is_an_error():
    callback = EarlyStopping(monitor="score")
    callback.set_model(fake_model())
    with pytest.raises(ValueError, match="monitor=score, but cannot tell"):
        callback.on_epoch_end(0, {"score": 1.0})


def test_missing_monitor_warns_and_continues():
    callback = EarlyStopping(monitor="val_loss")
    callback.set_model(fake_model())
    callback.on_train_begin()
    with pytest.warns(UserWarning, match="Available metrics are: loss"):
        callback.on_epoch_end(0, {"loss": 1.0})
    assert callback.wait == 0


def test_unknown_mode_warns():
    with pytest.warns(UserWarning, match="mode 'down' is unknown"):
        callback = EarlyStopping(mode="down")
    assert callback.mode == "auto"


def test_verbose_messages(capsys):
    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(1)])
    model.compile(ember.optimizers.SGD(0.05), loss="mse")
    scripted = Scripted([1.0, 2.0, 3.0])
    stopper = EarlyStopping(
        monitor="score",
        mode="min",
        verbose=1,
        restore_best_weights=True,
    )
    model.fit(
        X, Y, batch_size=8, epochs=3, verbose=0, callbacks=[scripted, stopper]
    )
    assert capsys.readouterr().out == (
        "Epoch 2: early stopping\n"
        "Restoring model weights from the end of the best epoch: 1.\n"
    )
