import types

import numpy as np
import pytest

import ember
from ember.callbacks import Callback
from ember.callbacks import ReduceLROnPlateau

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 3)).astype("float32")
Y = X @ np.array([[1.0], [-2.0], [0.5]], "float32")


def f32(values):
    return [float(np.float32(v)) for v in values]


def drive(callback, values, learning_rate=0.1):
    optimizer = ember.optimizers.SGD(learning_rate)
    model = types.SimpleNamespace(
        stop_training=False, metrics=[], optimizer=optimizer
    )
    callback.set_model(model)
    callback.on_train_begin()
    logged = []
    for epoch, value in enumerate(values):
        logs = {"loss": value}
        callback.on_epoch_end(epoch, logs)
        logged.append(logs["learning_rate"])
    return logged, float(optimizer.learning_rate)


def test_learning_rate_sequence_with_cooldown_and_floor():
    callback = ReduceLROnPlateau(
        monitor="loss", factor=0.5, patience=2, cooldown=1, min_lr=0.02
    )
    logged, final = drive(callback, [1.0, 0.9] + [0.9] * 9)
    # Worked by hand: the logs hold the rate the epoch ran with; a
    # reduction after 2 flat epochs, 1 epoch of cooldown, then 2 more;
    # 0.025 * 0.5 is floored at 0.02, which is never reduced again.
    assert logged == f32(
        [0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.025, 0.025, 0.02, 0.02, 0.02]
    )
    assert final == f32([0.02])[0]


def test_improvement_by_less_than_min_delta_does_not_count():
    callback = ReduceLROnPlateau(
        monitor="loss", factor=0.1, patience=1, min_delta=0.05
    )
    logged, final = drive(callback, [1.0, 0.97, 0.5])
    assert logged == f32([0.1, 0.1, 0.01])
    assert np.isclose(final, 0.01)


def test_max_mode():
    callback = ReduceLROnPlateau(monitor="loss", mode="max", patience=1)
    logged, _ = drive(callback, [0.1, 0.5, 0.4, 0.3])
    assert logged == f32([0.1, 0.1, 0.1, 0.01])


def test_factor_of_one_or_more_is_refused():
    with pytest.raises(
        ValueError,
        match=r"does not support a factor >= 1.0. Received factor=1.5",
    ):
        ReduceLROnPlateau(factor=1.5)


def test_missing_monitor_warns():
    callback = ReduceLROnPlateau(monitor="val_loss")
    with pytest.warns(UserWarning, match="Available metrics are: loss,"):
        drive(callback, [1.0])


def test_verbose_message(capsys):
    callback = ReduceLROnPlateau(
        monitor="loss", factor=0.5, patience=1, verbose=1
    )
    drive(callback, [1.0, 1.0])
    assert capsys.readouterr().out == (
        "\nEpoch 2: ReduceLROnPlateau reducing learning rate to "
        f"{float(np.float32(0.1)) * 0.5}.\n"
    )


class Scripted(Callback):
    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["score"] = self.values[epoch]


def test_reductions_apply_in_fit_without_recompiling():
    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(1)])
    model.compile(ember.optimizers.SGD(0.1), loss="mse")
    callback = ReduceLROnPlateau(
        monitor="score", mode="min", factor=0.5, patience=1
    )
    history = model.fit(
        X,
        Y,
        batch_size=16,
        epochs=4,
        verbose=0,
        shuffle=False,
        callbacks=[Scripted([1.0, 1.0, 1.0, 1.0]), callback],
    )
    # Epoch 0 sets the best; each later flat epoch halves the rate after
    # logging the one it ran with.
    assert history.history["learning_rate"] == f32([0.1, 0.1, 0.05, 0.025])
    assert np.isclose(float(model.optimizer.learning_rate), 0.0125)
    assert model._compiled.functions["train"]._cache_size() == 1
