"""A `BackupAndRestore` backup moves both ways between Keras and ember:
each resumes at the epoch the other saved, with the other's weights."""

import keras
import numpy as np
import pytest

import ember

RNG = np.random.default_rng(0)
X = RNG.normal(size=(24, 4)).astype("float32")
Y = RNG.normal(size=(24, 2)).astype("float32")


def _model(lib):
    model = lib.Sequential([lib.Input((4,)), lib.layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    return model


def _train(lib, backup, epochs):
    model = _model(lib)
    callback = lib.callbacks.BackupAndRestore(backup, delete_checkpoint=False)
    history = model.fit(
        X, Y, batch_size=8, epochs=epochs, verbose=0, callbacks=[callback]
    )
    return model, history


@pytest.mark.parametrize("writer, reader", [(keras, ember), (ember, keras)])
def test_backup_resumes_in_the_other_library(tmp_path, writer, reader):
    backup = str(tmp_path / "backup")
    saved, _ = _train(writer, backup, epochs=2)
    # With epochs=2 the reader restores the backup and has nothing to run.
    model, history = _train(reader, backup, epochs=2)
    assert history.epoch == []
    for got, want in zip(model.get_weights(), saved.get_weights(), strict=True):
        np.testing.assert_array_equal(np.asarray(got), np.asarray(want))
    assert int(np.asarray(model.optimizer.iterations.value)) == 6
    # And resumes at the next epoch.
    _, history = _train(reader, backup, epochs=3)
    assert history.epoch == [2]
