import os
import subprocess
import sys

import pytest

from ember.core.atomic import atomic_write


def _write(text):
    def write(path):
        with open(path, "w") as f:
            f.write(text)

    return write


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_atomic_write_replaces_the_file(tmp_path):
    target = tmp_path / "m.weights.h5"
    atomic_write(target, _write("one"))
    atomic_write(target, _write("two"))
    assert target.read_text() == "two"
    assert os.listdir(tmp_path) == ["m.weights.h5"]


def test_a_failed_write_keeps_the_previous_file(tmp_path):
    target = tmp_path / "m.keras"
    atomic_write(target, _write("old"))

    def fail(path):
        _write("partial")(path)
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write(target, fail)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["m.keras"]


def test_temporary_files_of_killed_writers_are_removed(tmp_path):
    dead = tmp_path / f".m.keras.{_dead_pid()}.abc123.tmp"
    alive = tmp_path / f".m.keras.{os.getpid()}.def456.tmp"
    other = tmp_path / f".other.keras.{_dead_pid()}.abc123.tmp"
    for path in (dead, alive, other):
        path.write_text("partial")
    atomic_write(tmp_path / "m.keras", _write("new"))
    # Only the dead writer's file of this target goes; a running writer's
    # (here: this process) and another target's stay.
    assert sorted(os.listdir(tmp_path)) == sorted(
        ["m.keras", alive.name, other.name]
    )
