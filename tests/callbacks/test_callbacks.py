import math
import types

import numpy as np
import pytest

import ember
from ember.callbacks import Callback
from ember.callbacks import CallbackList
from ember.callbacks import History
from ember.callbacks import ProgbarLogger
from ember.callbacks import ResumePoint
from ember.callbacks import TerminateOnNaN
from ember.callbacks import overrides_batch_hooks
from ember.callbacks.progbar import Progbar

HOOKS_WITH_INDEX = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
)
HOOKS = (
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
)


class Recorder(Callback):
    def __init__(self, name, events):
        super().__init__()
        self.name = name
        self.events = events

    def __getattribute__(self, attr):
        if attr in HOOKS_WITH_INDEX:
            return lambda i, logs=None: self.events.append(
                (self.name, attr, i, logs)
            )
        if attr in HOOKS:
            return lambda logs=None: self.events.append(
                (self.name, attr, None, logs)
            )
        return super().__getattribute__(attr)


def dummy_model():
    return types.SimpleNamespace(stop_training=False)


def test_hook_dispatch_order():
    events = []
    cbs = CallbackList([Recorder("a", events), Recorder("b", events)])
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_begin(0)
    cbs.on_train_batch_end(0, {"loss": np.float32(0.5)})
    cbs.on_test_begin()
    cbs.on_test_batch_begin(0)
    cbs.on_test_batch_end(0)
    cbs.on_test_end({"loss": 1.0})
    cbs.on_epoch_end(0, {"loss": 0.5, "val_loss": 1.0})
    cbs.on_train_end()
    cbs.on_predict_begin()
    cbs.on_predict_batch_begin(3)
    cbs.on_predict_batch_end(3)
    cbs.on_predict_end()
    expected_hooks = [
        "on_train_begin",
        "on_epoch_begin",
        "on_train_batch_begin",
        "on_train_batch_end",
        "on_test_begin",
        "on_test_batch_begin",
        "on_test_batch_end",
        "on_test_end",
        "on_epoch_end",
        "on_train_end",
        "on_predict_begin",
        "on_predict_batch_begin",
        "on_predict_batch_end",
        "on_predict_end",
    ]
    assert [(n, h) for n, h, _, _ in events] == [
        (n, h) for h in expected_hooks for n in ("a", "b")
    ]
    batch_end = events[6]
    assert batch_end[2] == 0
    assert batch_end[3] == {"loss": 0.5}
    assert type(batch_end[3]["loss"]) is float
    assert events[-4][2] == 3


def test_batch_aliases_called_by_train_batch_hooks():
    seen = []

    class Legacy(Callback):
        def on_batch_begin(self, batch, logs=None):
            seen.append(("begin", batch))

        def on_batch_end(self, batch, logs=None):
            seen.append(("end", batch))

    cbs = CallbackList([Legacy()])
    cbs.on_train_batch_begin(2)
    cbs.on_train_batch_end(2)
    cbs.on_batch_end(5)
    assert seen == [("begin", 2), ("end", 2), ("end", 5)]


def test_set_model_and_params_propagate():
    model = dummy_model()
    cb = Callback()
    cbs = CallbackList(
        [cb], add_history=True, model=model, verbose=0, epochs=2, steps=3
    )
    assert cb.model is model
    assert cb.params == {"verbose": 0, "epochs": 2, "steps": 3}
    assert isinstance(model.history, History)
    assert model.history.params == cb.params
    assert cbs.model is model


def test_default_callbacks_added_once():
    cbs = CallbackList(add_history=True, add_progbar=True)
    kinds = [type(cb) for cb in cbs.callbacks]
    assert kinds == [History, ProgbarLogger]
    history = History()
    progbar = ProgbarLogger()
    cbs = CallbackList([[progbar], history], add_history=True, add_progbar=True)
    assert cbs.callbacks == [progbar, history]
    assert CallbackList().callbacks == []


def test_nested_logs_flattened():
    got = {}

    class Grab(Callback):
        def on_epoch_end(self, epoch, logs=None):
            got.update(logs)

    arr = np.ones(3)
    CallbackList([Grab()]).on_epoch_end(
        0, {"loss": np.float64(1.5), "m": {"acc": 1}, "out": arr, "s": "x"}
    )
    assert got["loss"] == 1.5 and got["acc"] == 1.0 and got["s"] == "x"
    assert got["out"] is arr


def test_history_accumulates():
    model = dummy_model()
    history = History()
    cbs = CallbackList([history], model=model, verbose=0, epochs=3, steps=1)
    cbs.on_train_begin()
    for epoch in range(3):
        cbs.on_epoch_begin(epoch)
        cbs.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1), "val_loss": 2.0})
    cbs.on_train_end()
    assert history.epoch == [0, 1, 2]
    assert history.history["loss"] == [1.0, 0.5, 1.0 / 3]
    assert history.history["val_loss"] == [2.0, 2.0, 2.0]
    assert history.params["epochs"] == 3
    assert history.model is model
    assert model.history is history


def test_overrides_batch_hooks():
    class EpochOnly(Callback):
        def on_epoch_end(self, epoch, logs=None):
            pass

    class PerBatch(Callback):
        def on_train_batch_end(self, batch, logs=None):
            pass

    class Legacy(Callback):
        def on_batch_begin(self, batch, logs=None):
            pass

    class PerPredictBatch(EpochOnly):
        def on_predict_batch_begin(self, batch, logs=None):
            pass

    assert not overrides_batch_hooks(Callback())
    assert not overrides_batch_hooks(EpochOnly())
    assert not overrides_batch_hooks(History())
    assert not overrides_batch_hooks(ProgbarLogger())
    assert not overrides_batch_hooks(TerminateOnNaN())
    assert overrides_batch_hooks(PerBatch())
    assert overrides_batch_hooks(Legacy())
    assert overrides_batch_hooks(PerPredictBatch())
    assert not overrides_batch_hooks(None)
    assert not overrides_batch_hooks(
        CallbackList([EpochOnly()], add_history=True, add_progbar=True)
    )
    assert overrides_batch_hooks(CallbackList([EpochOnly(), PerBatch()]))
    assert overrides_batch_hooks([EpochOnly(), PerBatch()])


def run_fit(verbose, epochs=3, steps=10, chunk=4):
    cbs = CallbackList(
        add_history=True,
        add_progbar=True,
        model=dummy_model(),
        verbose=verbose,
        epochs=epochs,
        steps=steps,
    )
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        for step in range(chunk - 1, steps, chunk):
            cbs.on_train_batch_end(step, {"loss": 0.5, "accuracy": 0.98})
        cbs.on_train_batch_end(steps - 1, {"loss": 0.25, "accuracy": 0.99})
        cbs.on_test_begin()
        cbs.on_test_batch_end(0, {"loss": 9.0})
        cbs.on_test_end({"loss": 0.75})
        logs = {"loss": 0.25, "accuracy": 0.99, "val_loss": 0.75}
        cbs.on_epoch_end(epoch, logs)
    cbs.on_train_end()


def test_progbar_plain_output_verbose_1(capsys):
    run_fit(verbose=1)
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert [x for x in lines if x.startswith("Epoch")] == [
        "Epoch 1/3",
        "Epoch 2/3",
        "Epoch 3/3",
    ]
    ends = [x for x in lines if x.startswith("10/10")]
    assert len(ends) == 3
    assert len(lines) <= 3 * 5
    for line in ends:
        assert "loss: 0.2500 - accuracy: 0.9900 - val_loss: 0.7500" in line
        assert "/step" in line


def test_progbar_auto_verbose_is_1(capsys):
    run_fit(verbose="auto", epochs=1)
    out = capsys.readouterr().out
    assert not out.startswith("Epoch")  # no header for a single epoch
    assert out.count("loss: 0.2500") == 1


def test_progbar_verbose_2_one_line_per_epoch(capsys):
    run_fit(verbose=2, epochs=4)
    out = capsys.readouterr().out
    assert "\r" not in out and "\x1b" not in out
    lines = out.splitlines()
    epoch_lines = [x for x in lines if "loss:" in x]
    assert len(epoch_lines) == 4
    assert len(lines) == 8
    for line in epoch_lines:
        assert line.startswith("10/10 - ")
        assert "ms/step" in line or "us/step" in line or "s/step" in line
        assert line.endswith(
            "loss: 0.2500 - accuracy: 0.9900 - val_loss: 0.7500"
        )


def test_progbar_verbose_0_silent(capsys):
    run_fit(verbose=0)
    assert capsys.readouterr().out == ""


def test_progbar_evaluate_and_predict(capsys):
    logger = ProgbarLogger()
    cbs = CallbackList([logger], verbose=2, epochs=1, steps=None)
    cbs.on_test_begin()
    cbs.on_test_batch_end(0, {"loss": 3.0})
    cbs.on_test_batch_end(6, {"loss": 2.0})
    cbs.on_test_end({"loss": 2.0})
    out = capsys.readouterr().out
    assert out.splitlines() == [out.strip()]
    assert out.startswith("7/7 - ") and out.strip().endswith("loss: 2.0000")
    cbs.on_predict_begin()
    cbs.on_predict_batch_end(6, {"outputs": np.zeros((2, 2))})
    cbs.on_predict_end()
    out = capsys.readouterr().out
    assert out.startswith("7/7 - ") and "outputs" not in out


def test_progbar_plain_progress_lines_are_few():
    class Sink:
        def __init__(self):
            self.text = ""

        def write(self, text):
            self.text += text

        def flush(self):
            pass

        def isatty(self):
            return False

    sink = Sink()
    bar = Progbar(100, verbose=1, plain_interval=0.0, stream=sink)
    for step in range(1, 100):
        bar.update(step, {"loss": 1.0})
    bar.update(100, {"loss": 0.5})
    lines = sink.text.splitlines()
    assert len(lines) == 4  # three milestones and the final line
    assert lines[0].startswith(" 25/100 - ETA: ")
    assert lines[-1].startswith("100/100 - ")
    assert lines[-1].endswith("loss: 0.5000")


@pytest.mark.parametrize("bad", [math.nan, math.inf, np.float32("nan")])
def test_terminate_on_nan(bad, capsys):
    model = dummy_model()
    cbs = CallbackList([TerminateOnNaN()], model=model)
    cbs.on_train_batch_end(0, {"loss": 0.5})
    assert model.stop_training is False
    cbs.on_train_batch_end(7, {"loss": bad})
    assert model.stop_training is True
    assert "Batch 7" in capsys.readouterr().out


def test_terminate_on_nan_raise_error():
    cb = TerminateOnNaN(raise_error=True)
    cb.set_model(dummy_model())
    cb.on_train_batch_end(0, {})
    with pytest.raises(RuntimeError, match="NaN or Inf"):
        cb.on_train_batch_end(1, {"loss": np.array(np.nan)})


class MethodRecorder(Callback):
    """Defines every hook as a method (so that `fit` calls batch hooks per
    step) and records `(hook, index, logs)`."""

    def __init__(self, events):
        super().__init__()
        self.events = events


def _recording(hook, indexed):
    if indexed:
        return lambda self, i, logs=None: self.events.append(
            (None, hook, i, logs)
        )
    return lambda self, logs=None: self.events.append((None, hook, None, logs))


for _hook in HOOKS_WITH_INDEX:
    setattr(MethodRecorder, _hook, _recording(_hook, True))
for _hook in HOOKS:
    setattr(MethodRecorder, _hook, _recording(_hook, False))


def test_fit_validation_calls_the_test_hooks():
    import ember

    events = []
    model = ember.Sequential([ember.Input((2,)), ember.layers.Dense(1)])
    model.compile("sgd", loss="mse", steps_per_execution=2)
    x = np.ones((6, 2), "float32")
    model.fit(
        x,
        x[:, :1],
        batch_size=4,
        epochs=1,
        verbose=0,
        validation_data=(x[:5], x[:5, :1]),
        callbacks=[MethodRecorder(events)],
    )
    hooks = [(hook, index) for _, hook, index, _ in events]
    assert hooks == [
        ("on_train_begin", None),
        ("on_epoch_begin", 0),
        ("on_train_batch_begin", 0),
        ("on_train_batch_end", 0),
        ("on_train_batch_begin", 1),
        ("on_train_batch_end", 1),
        ("on_test_begin", None),
        ("on_test_batch_begin", 0),
        ("on_test_batch_end", 0),
        ("on_test_batch_begin", 1),
        ("on_test_batch_end", 1),
        ("on_test_end", None),
        ("on_epoch_end", 0),
        ("on_train_end", None),
    ]
    test_end = [logs for _, hook, _, logs in events if hook == "on_test_end"]
    epoch_end = [logs for _, hook, _, logs in events if hook == "on_epoch_end"]
    assert test_end[0] == {"loss": epoch_end[0]["val_loss"]}


def test_train_batch_hooks_do_not_make_validation_step_by_step():
    import ember

    class EveryTrainBatch(Callback):
        def on_train_batch_end(self, batch, logs=None):
            pass

    class ChunkedTest(Callback):
        chunked_batch_hooks = True

        def __init__(self):
            super().__init__()
            self.batches = []

        def on_test_batch_end(self, batch, logs=None):
            self.batches.append(batch)

    assert overrides_batch_hooks(EveryTrainBatch())
    assert not overrides_batch_hooks(
        EveryTrainBatch(), ("on_test_batch_begin", "on_test_batch_end")
    )
    model = ember.Sequential([ember.Input((2,)), ember.layers.Dense(1)])
    model.compile("sgd", loss="mse", steps_per_execution=2)
    x = np.ones((8, 2), "float32")
    chunked = ChunkedTest()
    model.fit(
        x,
        x[:, :1],
        batch_size=4,
        verbose=0,
        validation_data=(x, x[:, :1]),
        callbacks=[EveryTrainBatch(), chunked],
    )
    assert chunked.batches == [1]  # one execution of the 2 validation steps


class _ResumeOnce(Callback):
    """Sets a resume point in its first `on_train_begin` only."""

    def __init__(self, point):
        super().__init__()
        self.point = point
        self.starts = []

    def on_train_begin(self, logs=None):
        self.resume_point, self.point = self.point, None

    def on_train_batch_begin(self, batch, logs=None):
        self.starts.append(batch)


def test_a_callbacks_resume_point_makes_fit_start_there():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20, 3)).astype("float32")
    y = rng.normal(size=(20, 1)).astype("float32")
    model = ember.Sequential([ember.Input((3,)), ember.layers.Dense(1)])
    model.compile("sgd", "mse")
    callback = _ResumeOnce(ResumePoint(epoch=1, step=3))
    history = model.fit(
        x, y, batch_size=4, epochs=3, verbose=0, callbacks=[callback]
    )
    # Epoch 1 from its fourth step (2 of 5 steps left), then epoch 2.
    assert history.epoch == [1, 2]
    assert int(model.optimizer.iterations.numpy()) == 2 + 5
    assert callback.starts[:2] == [3, 4]
    # It applies to that fit only.
    assert model.fit(x, y, batch_size=4, epochs=1, verbose=0).epoch == [0]
