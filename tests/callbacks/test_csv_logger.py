import numpy as np

import ember
from ember.callbacks import CSVLogger


def drive(logger, rows):
    logger.on_train_begin()
    for epoch, logs in enumerate(rows):
        logger.on_epoch_end(epoch, logs)
    logger.on_train_end()


def test_header_and_rows(tmp_path):
    path = tmp_path / "log.csv"
    drive(
        CSVLogger(path),
        [
            {"loss": 0.5, "val_loss": 0.75, "accuracy": 0.25},
            {"loss": 0.125, "val_loss": 0.5, "accuracy": 1.0},
        ],
    )
    assert path.read_bytes() == (
        b"epoch,accuracy,loss,val_loss\r\n"
        b"0,0.25,0.5,0.75\r\n"
        b"1,1.0,0.125,0.5\r\n"
    )


def test_without_validation_val_columns_are_na(tmp_path):
    path = tmp_path / "log.csv"
    drive(CSVLogger(path), [{"loss": 0.5, "mae": 2.0}])
    assert path.read_bytes().decode() == (
        "epoch,loss,mae,val_loss,val_mae\r\n0,0.5,2.0,NA,NA\r\n"
    )


def test_separator_strings_and_arrays(tmp_path):
    path = tmp_path / "log.tsv"
    drive(
        CSVLogger(path, separator="\t"),
        [{"name": "a b", "loss": np.float32(0.5), "v": np.array([1, 2])}],
    )
    lines = path.read_bytes().decode().split("\r\n")
    assert lines[0] == "epoch\tloss\tname\tv\tval_loss\tval_name\tval_v"
    # An array is written '"[1, 2]"', which csv quotes once more.
    assert lines[1] == '0\t0.5\ta b\t"""[1, 2]"""\tNA\tNA\tNA'


def test_append_writes_no_second_header(tmp_path):
    path = tmp_path / "log.csv"
    drive(CSVLogger(path, append=True), [{"loss": 1.0, "val_loss": 2.0}])
    drive(CSVLogger(path, append=True), [{"loss": 3.0, "val_loss": 4.0}])
    assert path.read_bytes().decode() == (
        "epoch,loss,val_loss\r\n0,1.0,2.0\r\n0,3.0,4.0\r\n"
    )
    drive(CSVLogger(path), [{"loss": 5.0, "val_loss": 6.0}])
    assert path.read_bytes().decode() == "epoch,loss,val_loss\r\n0,5.0,6.0\r\n"


def test_fit_writes_the_history(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 2)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = ember.Sequential([ember.Input((2,)), ember.layers.Dense(1)])
    model.compile("sgd", loss="mse")
    path = tmp_path / "log.csv"
    history = model.fit(
        x,
        y,
        epochs=2,
        batch_size=4,
        validation_data=(x, y),
        verbose=0,
        callbacks=[CSVLogger(path)],
    )
    rows = [line.split(",") for line in path.read_text().splitlines()]
    assert rows[0] == ["epoch", "loss", "val_loss"]
    for epoch, row in enumerate(rows[1:]):
        assert row == [
            str(epoch),
            repr(history.history["loss"][epoch]),
            repr(history.history["val_loss"][epoch]),
        ]
