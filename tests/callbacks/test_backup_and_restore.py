import functools
import json
import os
import shutil
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import ember
from ember.callbacks import BackupAndRestore
from ember.callbacks import Callback

RNG = np.random.default_rng(0)
X = RNG.normal(size=(50, 4)).astype("float32")
Y = (X.sum(axis=1) > 0).astype("float32")[:, None]


def make_model(seed=1):
    """Shuffled data and a Dropout layer: a resumed fit only matches an
    uninterrupted one if the shuffle and the dropout state are restored."""
    ember.utils.set_random_seed(seed)
    model = ember.Sequential(
        [
            ember.Input((4,)),
            ember.layers.Dense(8, activation="relu"),
            ember.layers.Dropout(0.3),
            ember.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer="adam", loss="binary_crossentropy")
    return model


def fit(model, callbacks, epochs=4):
    return model.fit(
        X, Y, batch_size=8, epochs=epochs, verbose=0, callbacks=callbacks
    )


class Interrupt(Callback):
    """Raises after `batch` of `epoch` (a stand-in for a crash).

    With `chunked=True` fit keeps running several steps per execution and
    the hooks see the last batch of each."""

    def __init__(self, epoch, batch, chunked=False):
        super().__init__()
        self.at = (epoch, batch)
        self.epoch = None
        self.chunked_batch_hooks = chunked

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) >= self.at:
            raise RuntimeError("interrupted")


@functools.cache
def uninterrupted_weights():
    model = make_model()
    fit(model, [])
    return model.get_weights()


def assert_same_weights(actual, expected):
    for a, e in zip(actual, expected, strict=True):
        np.testing.assert_array_equal(np.asarray(a), np.asarray(e))


@pytest.mark.parametrize("save_freq", ["epoch", 2])
def test_resumed_fit_ends_with_the_uninterrupted_weights(tmp_path, save_freq):
    backup = tmp_path / "backup"
    with pytest.raises(RuntimeError, match="interrupted"):
        fit(
            make_model(), [BackupAndRestore(backup, save_freq), Interrupt(2, 3)]
        )
    metadata = json.loads((backup / "training_metadata.json").read_text())
    if save_freq == "epoch":
        assert (metadata["epoch"], metadata["steps_done"]) == (2, 0)
    else:  # Mid-epoch: 4 of epoch 2's 7 batches were done and saved.
        assert (metadata["epoch"], metadata["steps_done"]) == (2, 4)
        assert metadata["batch"] == 3  # Keras' field: the last batch index.

    # A fresh model (as after a restart), other initial weights.
    resumed = make_model(seed=2)
    history = fit(resumed, [BackupAndRestore(backup, save_freq)])
    assert history.epoch == [2, 3]
    assert_same_weights(resumed.get_weights(), uninterrupted_weights())
    assert not backup.exists()  # Deleted once training completed.


def test_resume_with_several_steps_per_execution(tmp_path):
    backup = tmp_path / "backup"
    callbacks = [BackupAndRestore(backup, save_freq=3), Interrupt(2, 3, True)]
    with pytest.raises(RuntimeError, match="interrupted"):
        fit(make_model(), callbacks)
    resumed = make_model()
    fit(resumed, [BackupAndRestore(backup, save_freq=3)])
    assert_same_weights(resumed.get_weights(), uninterrupted_weights())


def test_resume_continues_the_optimizer_state(tmp_path):
    backup = tmp_path / "backup"
    with pytest.raises(RuntimeError):
        fit(make_model(), [BackupAndRestore(backup), Interrupt(1, 0)])
    resumed = make_model()
    callback = BackupAndRestore(backup, delete_checkpoint=False)
    fit(resumed, [callback], epochs=1)  # Nothing left to run: restore only.
    # One full epoch of 7 steps was done and backed up.
    assert int(resumed.optimizer.iterations.value) == 7
    assert (backup / "latest.weights.h5").exists()


def test_fit_without_a_backup_starts_at_initial_epoch(tmp_path):
    history = fit(make_model(), [BackupAndRestore(tmp_path / "b")], epochs=2)
    assert history.epoch == [0, 1]
    # The restore point applies to one fit only.
    model = make_model()
    model._initial_epoch = 1
    assert fit(model, [], epochs=2).epoch == [1]
    assert fit(model, [], epochs=2).epoch == [0, 1]


def test_a_backup_interrupted_before_the_rename_is_completed(tmp_path):
    backup = tmp_path / "backup"
    callbacks = [BackupAndRestore(backup, delete_checkpoint=False)]
    fit(make_model(), callbacks, epochs=1)
    old = (backup / "latest.weights.h5").read_bytes()
    fit(make_model(), [BackupAndRestore(backup, delete_checkpoint=False)], 2)
    # As if killed after the metadata of epoch 2 was written: the new
    # weights are still under their staging name, the old ones in place.
    shutil.move(backup / "latest.weights.h5", backup / "next.weights.h5")
    (backup / "latest.weights.h5").write_bytes(old)
    resumed = make_model()
    history = fit(resumed, [BackupAndRestore(backup)], epochs=3)
    assert history.epoch == [2]
    expected = make_model()
    fit(expected, [], epochs=3)
    assert_same_weights(resumed.get_weights(), expected.get_weights())


def test_weights_that_do_not_match_the_metadata_are_refused(tmp_path):
    backup = tmp_path / "backup"
    fit(make_model(), [BackupAndRestore(backup, delete_checkpoint=False)], 1)
    other = tmp_path / "other"
    fit(
        make_model(seed=3),
        [BackupAndRestore(other, delete_checkpoint=False)],
        2,
    )
    shutil.copyfile(other / "latest.weights.h5", backup / "latest.weights.h5")
    with pytest.raises(ValueError, match="does not match"):
        fit(make_model(), [BackupAndRestore(backup)])


def test_double_checkpoint_falls_back_to_the_previous_backup(tmp_path):
    backup = tmp_path / "backup"
    callback = BackupAndRestore(
        backup, double_checkpoint=True, delete_checkpoint=False
    )
    fit(make_model(), [callback], epochs=2)
    assert (backup / "latest.weights.h5.bkp").exists()
    (backup / "training_metadata.json").unlink()  # The latest is lost.
    history = fit(
        make_model(), [BackupAndRestore(backup, double_checkpoint=True)]
    )
    assert history.epoch == [1, 2, 3]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "cannot read"),
        ("[" * 100_000, "cannot read"),
        ('{"epoch": -1}', "no valid `epoch`"),
    ],
)
def test_malformed_metadata_is_a_clear_error(tmp_path, content, message):
    backup = tmp_path / "backup"
    backup.mkdir()
    (backup / "training_metadata.json").write_text(content)
    model = make_model()
    before = model.get_weights()
    with pytest.raises(ValueError, match=message):
        fit(model, [BackupAndRestore(backup)])
    assert_same_weights(model.get_weights(), before)


@pytest.mark.parametrize("save_freq", ["batch", 0, True, 1.5])
def test_invalid_save_freq(tmp_path, save_freq):
    with pytest.raises(ValueError, match="save_freq"):
        BackupAndRestore(tmp_path, save_freq=save_freq)


def test_empty_backup_dir_is_refused():
    with pytest.raises(ValueError, match="Empty `backup_dir`"):
        BackupAndRestore("")


_CHILD = textwrap.dedent(
    """
    import os, signal, sys
    import numpy as np
    sys.path.insert(0, os.path.dirname(sys.argv[1]))
    from test_backup_and_restore import X, Y, make_model, fit
    from ember.callbacks import BackupAndRestore, Callback

    class Kill(Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if sys.argv[3] == "kill" and (self.epoch, batch) == (2, 4):
                os.kill(os.getpid(), signal.SIGKILL)

    model = make_model()
    fit(model, [BackupAndRestore(sys.argv[2], save_freq=3), Kill()])
    np.savez(sys.argv[4], *model.get_weights())
    """
)


@pytest.mark.slow
def test_fit_killed_mid_epoch_resumes_to_the_uninterrupted_weights(tmp_path):
    def run(mode, out):
        return subprocess.run(
            [
                sys.executable,
                "-c",
                _CHILD,
                __file__,
                str(tmp_path / "b"),
                mode,
                out,
            ],
            env={**os.environ, "JAX_PLATFORMS": "cpu"},
            capture_output=True,
        )

    killed = run("kill", str(tmp_path / "never.npz"))
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert (tmp_path / "b" / "training_metadata.json").exists()
    resumed = run("resume", str(tmp_path / "resumed.npz"))
    assert resumed.returncode == 0, resumed.stderr.decode()[-2000:]
    assert not (tmp_path / "b").exists()
    reference = run("reference", str(tmp_path / "reference.npz"))
    assert reference.returncode == 0, reference.stderr.decode()[-2000:]
    got = np.load(tmp_path / "resumed.npz")
    want = np.load(tmp_path / "reference.npz")
    assert_same_weights(
        [got[k] for k in sorted(got.files)],
        [want[k] for k in sorted(want.files)],
    )
