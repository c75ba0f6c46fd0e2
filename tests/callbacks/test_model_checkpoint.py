import os

import numpy as np
import pytest

import ember
from ember.callbacks import Callback
from ember.callbacks import ModelCheckpoint
from ember.callbacks import overrides_batch_hooks

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 4)).astype("float32")
Y = (X @ np.array([1.0, -2.0, 0.5, 3.0], "float32"))[:, None]
X_VAL, Y_VAL = X[:8] + 0.1, Y[:8]


def make_model(metrics=None, steps_per_execution=1):
    model = ember.Sequential([ember.Input((4,)), ember.layers.Dense(1)])
    model.compile(
        optimizer=ember.optimizers.SGD(0.05),
        loss="mse",
        metrics=metrics,
        steps_per_execution=steps_per_execution,
    )
    return model


class WeightsAtEpochEnd(Callback):
    def __init__(self):
        super().__init__()
        self.weights = []

    def on_epoch_end(self, epoch, logs=None):
        self.weights.append([np.array(w) for w in self.model.get_weights()])


def fit(model, callbacks, epochs=3, **kwargs):
    kwargs.setdefault("validation_data", (X_VAL, Y_VAL))
    return model.fit(
        X,
        Y,
        batch_size=4,
        epochs=epochs,
        verbose=0,
        shuffle=False,
        callbacks=callbacks,
        **kwargs,
    )


def assert_weights_equal(actual, expected):
    assert len(actual) == len(expected)
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_allclose(np.asarray(a), e, rtol=1e-6, atol=1e-7)


def test_files_named_from_epoch_and_logs(tmp_path):
    pattern = str(tmp_path / "ckpt" / "model-{epoch:02d}-{val_loss:.3f}.keras")
    history = fit(make_model(), [ModelCheckpoint(pattern)])
    expected = {
        f"model-{i + 1:02d}-{loss:.3f}.keras"
        for i, loss in enumerate(history.history["val_loss"])
    }
    assert set(os.listdir(tmp_path / "ckpt")) == expected


@pytest.mark.parametrize("mode", ["min", "max"])
def test_save_best_only_keeps_best_epoch(tmp_path, mode):
    path = str(tmp_path / "best.keras")
    recorder = WeightsAtEpochEnd()
    checkpoint = ModelCheckpoint(path, save_best_only=True, mode=mode)
    history = fit(make_model(), [checkpoint, recorder], epochs=4)
    losses = history.history["val_loss"]
    best = int(np.argmin(losses) if mode == "min" else np.argmax(losses))
    assert checkpoint.best == pytest.approx(losses[best])
    loaded = ember.saving.load_model(path)
    assert_weights_equal(loaded.get_weights(), recorder.weights[best])


def test_save_best_only_auto_mode_maximizes_accuracy(tmp_path):
    checkpoint = ModelCheckpoint(
        str(tmp_path / "m.keras"), monitor="val_accuracy"
    )
    checkpoint.set_model(make_model(metrics=["accuracy"]))
    assert checkpoint._direction() is True
    checkpoint = ModelCheckpoint(str(tmp_path / "m.keras"), monitor="val_auc")
    checkpoint.set_model(make_model())
    assert checkpoint._direction() is True
    checkpoint = ModelCheckpoint(str(tmp_path / "m.keras"))
    checkpoint.set_model(make_model())
    assert checkpoint._direction() is False
    checkpoint = ModelCheckpoint(
        str(tmp_path / "m.keras"), monitor="mystery", save_best_only=True
    )
    checkpoint.set_model(make_model())
    with pytest.raises(ValueError, match="mode='max'"):
        checkpoint._direction()


def test_save_best_only_auto_on_loss_skips_worse_epochs(tmp_path):
    path = str(tmp_path / "best.weights.h5")
    checkpoint = ModelCheckpoint(
        path, monitor="loss", save_best_only=True, save_weights_only=True
    )
    recorder = WeightsAtEpochEnd()
    history = fit(make_model(), [checkpoint, recorder], epochs=3)
    best = int(np.argmin(history.history["loss"]))
    model = make_model()
    model.load_weights(path)
    assert_weights_equal(model.get_weights(), recorder.weights[best])


def test_initial_value_threshold_blocks_saving(tmp_path):
    path = tmp_path / "best.keras"
    checkpoint = ModelCheckpoint(
        str(path), save_best_only=True, initial_value_threshold=0.0
    )
    fit(make_model(), [checkpoint])
    assert not path.exists()
    assert checkpoint.best == 0.0


def test_missing_monitor_warns_and_skips(tmp_path):
    path = tmp_path / "best.keras"
    checkpoint = ModelCheckpoint(str(path), save_best_only=True)
    with pytest.warns(UserWarning, match="val_loss"):
        fit(make_model(), [checkpoint], epochs=1, validation_data=None)
    assert not path.exists()


def test_save_weights_only_round_trip(tmp_path):
    path = str(tmp_path / "w-{epoch}.weights.h5")
    model = make_model()
    fit(model, [ModelCheckpoint(path, save_weights_only=True)], epochs=2)
    assert sorted(os.listdir(tmp_path)) == ["w-1.weights.h5", "w-2.weights.h5"]
    other = make_model()
    other.load_weights(str(tmp_path / "w-2.weights.h5"))
    assert_weights_equal(other.get_weights(), model.get_weights())


@pytest.mark.parametrize(
    "filepath, weights_only, match",
    [
        ("model.h5", False, r"\.keras"),
        ("model.weights.h5", False, r"\.keras"),
        ("model", False, r"\.keras"),
        ("model.keras", True, r"\.weights\.h5"),
    ],
)
def test_wrong_suffix_raises(tmp_path, filepath, weights_only, match):
    with pytest.raises(ValueError, match=match):
        ModelCheckpoint(
            str(tmp_path / filepath), save_weights_only=weights_only
        )


@pytest.mark.parametrize("save_freq", ["batch", 0, 1.5])
def test_bad_save_freq_raises(tmp_path, save_freq):
    with pytest.raises(ValueError, match="save_freq"):
        ModelCheckpoint(str(tmp_path / "m.keras"), save_freq=save_freq)


def test_unknown_mode_warns_and_falls_back(tmp_path):
    with pytest.warns(UserWarning, match="unknown"):
        checkpoint = ModelCheckpoint(str(tmp_path / "m.keras"), mode="up")
    assert checkpoint.mode == "auto"


def test_int_save_freq_saves_every_n_batches(tmp_path):
    pattern = str(tmp_path / "e{epoch}-b{batch}.weights.h5")
    checkpoint = ModelCheckpoint(pattern, save_weights_only=True, save_freq=3)
    assert overrides_batch_hooks(checkpoint)
    assert not overrides_batch_hooks(ModelCheckpoint(str(tmp_path / "m.keras")))
    # 10 steps an epoch, 2 epochs: global steps 3, 6, ..., 18 save, even
    # though the model asks for 5 steps per compiled execution.
    fit(make_model(steps_per_execution=5), [checkpoint], epochs=2)
    expected = {
        f"e{(step - 1) // 10 + 1}-b{(step - 1) % 10 + 1}.weights.h5"
        for step in range(3, 21, 3)
    }
    assert set(os.listdir(tmp_path)) == expected


def test_int_save_freq_weights_match_that_batch(tmp_path):
    class WeightsAtBatchEnd(Callback):
        def __init__(self):
            super().__init__()
            self.weights = []

        def on_train_batch_end(self, batch, logs=None):
            self.weights.append([np.array(w) for w in self.model.get_weights()])

    recorder = WeightsAtBatchEnd()
    path = str(tmp_path / "b{batch}.keras")
    fit(make_model(), [recorder, ModelCheckpoint(path, save_freq=4)], epochs=1)
    assert sorted(os.listdir(tmp_path)) == ["b4.keras", "b8.keras"]
    loaded = ember.saving.load_model(str(tmp_path / "b8.keras"))
    assert_weights_equal(loaded.get_weights(), recorder.weights[7])


def test_verbose_prints_a_line_per_save(tmp_path, capsys):
    path = str(tmp_path / "best.keras")
    checkpoint = ModelCheckpoint(
        path, save_best_only=True, mode="max", verbose=1
    )
    fit(make_model(), [checkpoint], epochs=2)
    out = capsys.readouterr().out
    assert "Epoch 1: val_loss improved from None to" in out
    assert f"saving model to {path}" in out
    assert "Epoch 2: val_loss did not improve from" in out
    plain = ModelCheckpoint(str(tmp_path / "m{epoch}.keras"), verbose=1)
    fit(make_model(), [plain], epochs=1)
    out = capsys.readouterr().out
    assert f"Epoch 1: saving model to {tmp_path / 'm1.keras'}" in out


class FakeValLoss(Callback):
    """Overwrites `val_loss` in the epoch logs with chosen values."""

    def __init__(self, values):
        super().__init__()
        self.values = values

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]


@pytest.mark.parametrize("mode, best", [("min", 1), ("max", 3), ("auto", 1)])
def test_save_best_only_picks_middle_epoch(tmp_path, mode, best):
    path = str(tmp_path / "best.keras")
    recorder = WeightsAtEpochEnd()
    checkpoint = ModelCheckpoint(path, save_best_only=True, mode=mode)
    values = [3.0, 1.0, 2.0, 5.0, 1.5]
    fit(make_model(), [FakeValLoss(values), checkpoint, recorder], epochs=5)
    assert checkpoint.best == values[best]
    loaded = ember.saving.load_model(path)
    assert_weights_equal(loaded.get_weights(), recorder.weights[best])
