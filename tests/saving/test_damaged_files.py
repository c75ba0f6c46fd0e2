"""Damaged `.keras` files never crash the loader.

Keras saves a few small trained models (an MLP, a CNN with
BatchNormalization, an Embedding model, a nested two-input functional
model); their archives are damaged in a few hundred ways, deterministic
from a seed (`_damage.py`). Each variant is loaded with ember and predicts
one batch in a subprocess under memory and CPU limits, so an abort or a
hang is caught: a variant passes if it loads and predicts, or raises a
ValueError, TypeError or OSError with a message.
"""

import json
import os
import pathlib
import queue
import signal
import subprocess
import sys
import tempfile
import threading

import pytest

from tests.saving import _damage

pytestmark = [pytest.mark.compat, pytest.mark.slow]

_ROOT = pathlib.Path(__file__).resolve().parents[2]
_NAMES = ("mlp", "cnn", "embedding", "nested")
_SEED = 17
_COUNTS = (12, 60, 30)  # bytes, config.json, model.weights.h5 variants
_MEMORY_BYTES = 8 << 30
_CPU_SECONDS = 600
_VARIANT_SECONDS = 120
_ALLOWED = ("ValueError", "TypeError", "OSError")


def _env():
    env = dict(os.environ)
    env.update(
        PYTHONPATH=str(_ROOT),
        KERAS_BACKEND="jax",
        JAX_PLATFORMS="cpu",
        PYTHONWARNINGS="ignore",
        EMBER_DAMAGE_LIMITS=f"{_MEMORY_BYTES},{_CPU_SECONDS}",
    )
    return env


def _python(*args, stderr=subprocess.PIPE):
    return subprocess.Popen(
        [sys.executable, "-m", "tests.saving._damage_subprocess", *args],
        cwd=_ROOT,
        env=_env(),
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
    )


@pytest.fixture(scope="module")
def keras_files(tmp_path_factory):
    pytest.importorskip("keras")
    directory = tmp_path_factory.mktemp("keras_files")
    process = _python("make", str(directory))
    _, stderr = process.communicate(timeout=600)
    assert process.returncode == 0, stderr[-3000:]
    return directory


def _reader(stream, lines):
    for line in stream:
        lines.put(line)
    lines.put(None)


def _crash(process, stderr_tail):
    code = process.returncode
    if code is not None and code < 0:
        what = f"killed by {signal.Signals(-code).name}"
    else:
        what = f"exited with status {code}"
    return {"outcome": "crashed", "type": what, "message": stderr_tail}


def _run_worker(npz, items):
    """Loads every `(index, path)` in `items`, restarting the worker past
    a variant that kills it; returns `{index: result}`."""
    results = {}
    pending = list(items)
    while pending:
        args = [f"{i}={p}" for i, p in pending]
        # A file, not a pipe, so a chatty worker never blocks on stderr.
        errors = tempfile.TemporaryFile("w+")
        process = _python("load", str(npz), *args, stderr=errors)
        lines: queue.Queue = queue.Queue()
        threading.Thread(
            target=_reader, args=(process.stdout, lines), daemon=True
        ).start()
        while pending:
            try:
                line = lines.get(timeout=_VARIANT_SECONDS)
            except queue.Empty:
                process.kill()
                process.wait()
                results[pending.pop(0)[0]] = {
                    "outcome": "timeout",
                    "type": f"no answer in {_VARIANT_SECONDS} s",
                    "message": "",
                }
                break
            if line is None:
                process.wait()
                errors.seek(0)
                stderr = errors.read()[-1500:]
                results[pending.pop(0)[0]] = _crash(process, stderr)
                break
            result = json.loads(line)
            results[result.pop("index")] = result
            pending = [(i, p) for i, p in pending if i not in results]
        process.wait()
        process.stdout.close()
        errors.close()
    return results


def _failed(result):
    if result["outcome"] == "ok":
        return False
    return result["type"] not in _ALLOWED or not result["message"]


def test_damaged_files_load_or_raise_clean_errors(keras_files, tmp_path):
    failures = []
    total = 0
    for name in _NAMES:
        data = (keras_files / f"{name}.keras").read_bytes()
        variants = _damage.variants(data, _SEED, _COUNTS)
        items = []
        for i, (_, damaged) in enumerate(variants):
            path = tmp_path / f"{name}_{i}.keras"
            path.write_bytes(damaged)
            items.append((i, str(path)))
        results = _run_worker(keras_files / f"{name}.npz", items)
        total += len(variants)
        assert results[0]["outcome"] == "ok", (name, results[0])
        for i, (label, _) in enumerate(variants):
            if _failed(results[i]):
                failures.append(f"{name} [{label}]: {results[i]}")
    report = "\n".join(failures)
    dump = os.environ.get("EMBER_DAMAGE_REPORT")
    if dump:
        pathlib.Path(dump).write_text(report + f"\n{total} variants\n")
    assert not failures, f"{len(failures)} of {total} variants:\n{report}"
