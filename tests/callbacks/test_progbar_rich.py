"""The progress bar on a terminal: a live `rich` line per epoch.

`screen` replays the bytes written like a terminal would (carriage
returns, cursor moves, line erases) and returns what stays visible.
"""

import io
import re
import subprocess
import sys

import pytest
from rich.console import Console

from ember.callbacks import CallbackList
from ember.callbacks import ProgbarLogger
from ember.callbacks import _rich_bar
from ember.callbacks import progbar
from ember.callbacks.progbar import Progbar

CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])")


def screen(raw: str) -> list[str]:
    """The visible, non-empty lines after writing `raw` to a terminal."""
    lines, row, col, i = [""], 0, 0, 0
    while i < len(raw):
        match = CSI.match(raw, i)
        if match:
            arg, command = match.groups()
            if command == "A":
                row = max(0, row - int(arg or 1))
            elif command == "K" and arg == "2":
                lines[row] = ""
            i = match.end()
            continue
        char, i = raw[i], i + 1
        if char == "\n":
            row, col = row + 1, 0
            lines += [""] * (row + 1 - len(lines))
        elif char == "\r":
            col = 0
        else:
            line = lines[row].ljust(col)
            lines[row] = line[:col] + char + line[col + 1 :]
            col += 1
    return [line.rstrip() for line in lines if line.strip()]


def plain(raw: str) -> str:
    return CSI.sub("", raw)


class TtyIO(io.StringIO):
    def isatty(self):
        return True


@pytest.fixture
def tty(monkeypatch):
    """Call it to make sys.stdout a 200-column terminal; it returns the
    stream. (Call it in the test: pytest's capture resets sys.stdout
    between a fixture's setup and the test.)"""
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("TERM", raising=False)

    def use_tty():
        stream = TtyIO()
        monkeypatch.setattr(sys, "stdout", stream)
        return stream

    return use_tty


@pytest.fixture
def clock(monkeypatch):
    """A fake `time.perf_counter` for the progress bar, set by hand."""
    now = [100.0]
    monkeypatch.setattr(progbar.time, "perf_counter", lambda: now[0])
    return now


def run_fit(verbose=1, epochs=3, steps=10, chunk=4, clock=None):
    cbs = CallbackList(
        add_progbar=True, verbose=verbose, epochs=epochs, steps=steps
    )
    cbs.on_train_begin()
    for epoch in range(epochs):
        cbs.on_epoch_begin(epoch)
        seen = chunk
        while seen < (steps or 10):
            if clock is not None:
                clock[0] += chunk * 0.02
            cbs.on_train_batch_end(seen - 1, {"loss": 0.5, "accuracy": 0.9})
            seen += chunk
        if clock is not None:
            clock[0] += 1.0
        last = (steps or 10) - 1
        cbs.on_train_batch_end(last, {"loss": 0.25, "accuracy": 0.99})
        cbs.on_test_begin()  # validation inside fit is silent
        cbs.on_test_batch_end(0, {"loss": 9.0})
        cbs.on_test_end({"loss": 0.75})
        logs = {"loss": 0.25, "accuracy": 0.99, "val_loss": 0.75}
        cbs.on_epoch_end(epoch, logs)
    cbs.on_train_end()


def test_fit_draws_one_live_line_per_epoch(tty, clock):
    tty = tty()
    run_fit(clock=clock)
    raw = tty.getvalue()
    lines = screen(raw)
    assert len(lines) == 3  # no separate header lines, no leftovers
    for epoch, line in enumerate(lines, 1):
        assert line.startswith(f"Epoch {epoch}/3 ━")
        assert " 10/10 " in line and "ETA" not in line
        assert line.endswith(
            "loss: 0.2500 - accuracy: 0.9900 - val_loss: 0.7500"
        )
        assert "9.0" not in line  # validation batches are not shown
    # While running: steps done / total, ETA, time per step, metrics; the
    # step count jumps by a chunk of 4 between updates.
    text = plain(raw)
    assert "Epoch 2/3" in text and " 4/10 ETA: " in text
    assert "loss: 0.5000 - accuracy: 0.9000" in text
    assert "\x1b[?25l" in raw and raw.endswith("\x1b[?25h")  # cursor back


def test_live_line_timing(tty, clock):
    tty = tty()
    bar = Progbar(100, verbose=1, interval=0.0, description="Epoch 1/1")
    clock[0] = 101.0
    bar.update(10, {"loss": 1.0})  # the first update holds compilation
    clock[0] = 105.0
    bar.update(50, {"loss": 0.5})
    text = plain(tty.getvalue())
    assert "Epoch 1/1" in text
    assert " 10/100 ETA: 9s 100ms/step loss: 1.0000" in text
    assert " 50/100 ETA: 5s 100ms/step loss: 0.5000" in text
    clock[0] = 110.0
    bar.update(100, {"loss": 0.25, "mae": 1e-5})
    assert screen(tty.getvalue()) == [
        "Epoch 1/1 "
        + "━" * 30
        + " 100/100 10s 100ms/step loss: 0.2500 - mae: 1.0000e-05"
    ]


def test_unknown_total(tty, clock):
    tty = tty()
    run_fit(epochs=1, steps=None, clock=clock)
    raw = tty.getvalue()
    assert "4/Unknown" in plain(raw)
    [line] = screen(raw)
    assert line.startswith("Epoch 1/1 ━") and " 10/10 " in line


def test_evaluate_and_predict_on_terminal(tty, clock):
    tty = tty()
    cbs = CallbackList([ProgbarLogger()], verbose=1, epochs=1, steps=7)
    cbs.on_test_begin()
    clock[0] += 1.0
    cbs.on_test_batch_end(2, {"loss": 3.0})
    clock[0] += 1.0
    cbs.on_test_batch_end(6, {"loss": 2.0})
    cbs.on_test_end({"loss": 2.0, "accuracy": 0.5})
    [line] = screen(tty.getvalue())
    assert line.startswith("Evaluate ━")
    assert " 7/7 " in line and "/step" in line
    assert line.endswith("loss: 2.0000 - accuracy: 0.5000")
    assert "3/7 ETA: " in plain(tty.getvalue())
    tty.truncate(0)
    tty.seek(0)
    cbs.on_predict_begin()
    cbs.on_predict_batch_end(6, {"outputs": [[0.0]]})
    cbs.on_predict_end()
    [line] = screen(tty.getvalue())
    assert line.startswith("Predict ━") and " 7/7 " in line
    assert "outputs" not in line


def test_verbose_2_stays_plain_on_terminal(tty):
    tty = tty()
    run_fit(verbose=2, epochs=2)
    out = tty.getvalue()
    assert "\r" not in out and "\x1b" not in out
    lines = out.splitlines()
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert lines[1].startswith("10/10 - ") and len(lines) == 4


def test_injected_console_and_interrupted_bar():
    first = io.StringIO()
    logger = ProgbarLogger()
    logger._console = Console(file=first, force_terminal=True, width=150)
    cbs = CallbackList([logger], verbose=1, epochs=2, steps=10)
    cbs.on_epoch_begin(0)
    cbs.on_train_batch_end(3, {"loss": 0.5})
    assert "Epoch 1/2" in plain(first.getvalue())
    assert _rich_bar._active is not None
    # The epoch never ends (an exception, say): the next bar closes it and
    # the cursor comes back.
    second = io.StringIO()
    bar = Progbar(5, console=Console(file=second, force_terminal=True))
    bar.update(5, {"loss": 0.1})
    assert first.getvalue().endswith("\x1b[?25h")
    assert _rich_bar._active is None
    assert screen(second.getvalue())[0].endswith("loss: 0.1000")


def test_import_ember_does_not_import_rich():
    code = (
        "import sys, ember\n"
        "from ember.callbacks import CallbackList\n"
        "cbs = CallbackList(add_progbar=True, verbose=1, epochs=1, steps=2)\n"
        "cbs.on_epoch_begin(0)\n"
        "cbs.on_train_batch_end(1, {'loss': 1.0})\n"
        "cbs.on_epoch_end(0, {'loss': 1.0})\n"
        "print('rich' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    ).stdout.splitlines()
    assert out[0].startswith("2/2 - ")  # stdout is a pipe: plain lines
    assert "\r" not in out[0] and "\x1b" not in out[0]
    assert out[-1] == "False"


def test_epoch_header_is_drawn_before_the_first_step_returns(tty, clock):
    tty = tty()
    cbs = CallbackList(add_progbar=True, verbose=1, epochs=2, steps=10)
    cbs.on_train_begin()
    cbs.on_epoch_begin(0)
    # Nothing has run yet (the first execution may take seconds to
    # compile): the header, an empty bar and the step count are shown.
    [line] = screen(tty.getvalue())
    assert line == "Epoch 1/2 " + "━" * 30 + " 0/10"


def test_fit_shows_the_header_before_the_first_batch(tty):
    import numpy as np

    import ember

    seen = []
    stream = tty()

    class Peek(ember.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if batch == 0:
                seen.append(plain(stream.getvalue()))

    model = ember.Sequential([ember.Input((2,)), ember.layers.Dense(1)])
    model.compile("sgd", loss="mse")
    x = np.ones((4, 2), "float32")
    model.fit(x, x[:, :1], epochs=2, batch_size=2, callbacks=[Peek()])
    assert "Epoch 1/2" in seen[0] and "Epoch 2/2" not in seen[0]
    assert "Epoch 2/2" in seen[1]


METRICS = [f"metric_{i}: 0.{i}000" for i in range(12)]


def test_many_metrics_wrap_at_full_width_on_80_columns():
    stream = io.StringIO()
    console = Console(file=stream, width=80, force_terminal=True)
    bar = Progbar(100, verbose=1, description="Epoch 1/10", console=console)
    bar.update(40, dict(m.split(": ") for m in METRICS))
    bar.update(100, finalize=True)
    lines = screen(stream.getvalue())
    assert all(len(line) <= 80 for line in lines)
    assert lines[0].startswith("Epoch 1/10 ━") and " 100/100 " in lines[0]
    # No hanging column: continuation lines start at column 0 and every
    # metric stays whole, in order, joined by " - ".
    assert all(not line.startswith(" ") for line in lines[1:])
    assert len(lines) > 1
    first = lines[0].split("/step", 1)[1].strip()
    text = " - ".join([first, *lines[1:]] if first else lines[1:])
    assert text == " - ".join(METRICS)


def test_pack_metrics():
    pack = _rich_bar.pack_metrics
    assert pack(["a: 1", "b: 2", "c: 3"], 20, 5) == ["a: 1 - b: 2", "c: 3"]
    assert pack(["a: 1", "b: 2"], 80, 5) == ["a: 1 - b: 2"]
    # Not one metric fits after the bar: the first line is empty.
    assert pack(["long_name: 1.0000"], 20, 15) == ["", "long_name: 1.0000"]
    # A metric wider than a line gets a line of its own.
    assert pack(["a: 1", "x" * 30, "b: 2"], 20, 0) == ["a: 1", "x" * 30, "b: 2"]
    assert pack([], 80, 5) == []
