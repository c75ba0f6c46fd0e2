"""The `.keras` archive: layout, round trip, atomic writes, hostile files."""

import io
import json
import os
import stat
import subprocess
import sys
import textwrap
import time
import zipfile

import numpy as np
import pytest

import ember
from ember.saving import saving_lib
from ember.saving import weights_h5

CONFIG = {"class_name": "StandIn", "config": {"units": 3}}


def _model():
    model = ember.Sequential(
        [
            ember.Input((4,)),
            ember.layers.Dense(3),
            ember.layers.BatchNormalization(),
        ]
    )
    model.layers[1].moving_mean.assign(np.array([0.1, -0.2, 0.3]))
    return model


def _zip(members: dict, compression=zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as zf:
        for name, data in members.items():
            if isinstance(data, zipfile.ZipInfo):
                zf.writestr(data, b"target")
            else:
                zf.writestr(name, data)
    return buffer.getvalue()


def _members(weights=None) -> dict:
    return {
        "metadata.json": json.dumps({"keras_version": "3.15.1"}),
        "config.json": json.dumps(CONFIG),
        "model.weights.h5": weights or weights_h5.weights_bytes(_model()),
    }


def test_archive_layout_and_round_trip_with_a_given_config(tmp_path):
    model = _model()
    path = tmp_path / "m.keras"
    saving_lib.write_archive(path, CONFIG, weights_h5.weights_bytes(model))
    with zipfile.ZipFile(path) as zf:
        assert zf.namelist() == [
            "metadata.json",
            "config.json",
            "model.weights.h5",
        ]
        assert all(i.compress_type == zipfile.ZIP_STORED for i in zf.filelist)
        metadata = json.loads(zf.read("metadata.json"))
    assert sorted(metadata) == ["date_saved", "keras_version"]
    config, metadata2, weights = saving_lib.read_archive(path)
    assert config == CONFIG
    assert metadata2 == metadata
    other = _model()
    entries, _ = weights_h5.read_weights(weights)
    weights_h5.load_entries(other, entries)
    for a, b in zip(model.weights, other.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_load_weights_reads_a_keras_archive(tmp_path):
    model = _model()
    path = tmp_path / "m.keras"
    saving_lib.write_archive(path, CONFIG, weights_h5.weights_bytes(model))
    other = _model()
    other.load_weights(path)
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(other.predict(x, verbose=0), model(x))


def test_model_save_and_load_model_round_trip(tmp_path):
    pytest.importorskip("ember.saving.serialization_lib")
    model = _model()
    path = tmp_path / "m.keras"
    model.save(path)
    restored = ember.saving.load_model(path)
    assert type(restored) is type(model)
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), model.predict(x, verbose=0)
    )
    restored = ember.models.load_model(str(path), compile=False)
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), model.predict(x, verbose=0)
    )


def test_bad_extensions_are_refused(tmp_path):
    model = _model()
    with pytest.raises(ValueError, match=r"`\.keras` extension"):
        model.save(tmp_path / "m.h5")
    with pytest.raises(ValueError, match=r"`\.keras` extension"):
        ember.saving.load_model(tmp_path / "m.zip")
    with pytest.raises(ValueError, match="File not found"):
        ember.saving.load_model(tmp_path / "missing.keras")


@pytest.mark.parametrize(
    "name", ["/etc/evil.json", "../evil.json", "assets/../../evil", "C:x"]
)
def test_members_outside_the_archive_are_refused(tmp_path, name):
    members = _members()
    members[name] = b"{}"
    path = tmp_path / "m.keras"
    path.write_bytes(_zip(members))
    with pytest.raises(ValueError, match="absolute path|'\\.\\.'"):
        saving_lib.read_archive(path)


def test_links_are_refused(tmp_path):
    members = _members()
    link = zipfile.ZipInfo("assets/link")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    members["assets/link"] = link
    path = tmp_path / "m.keras"
    path.write_bytes(_zip(members))
    with pytest.raises(ValueError, match="is a link"):
        saving_lib.read_archive(path)


def test_zip_bomb_is_refused_before_reading(tmp_path, monkeypatch):
    members = _members(weights=bytes(64 << 20))
    path = tmp_path / "m.keras"
    path.write_bytes(_zip(members, compression=zipfile.ZIP_DEFLATED))
    assert path.stat().st_size < 1 << 20

    def no_reading(*args, **kwargs):
        raise AssertionError("a bomb member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    with pytest.raises(ValueError, match="zip bomb"):
        saving_lib.read_archive(path)


def test_missing_members_and_bad_json_name_the_member(tmp_path):
    path = tmp_path / "m.keras"
    for missing in ["config.json", "metadata.json", "model.weights.h5"]:
        members = _members()
        del members[missing]
        path.write_bytes(_zip(members))
        with pytest.raises(ValueError, match=f"'{missing}' is missing"):
            saving_lib.read_archive(path)
    for bad in ["{not json", "[1, 2]", b"\xff\xfe"]:
        members = _members()
        members["config.json"] = bad
        path.write_bytes(_zip(members))
        with pytest.raises(ValueError, match="'config.json'"):
            saving_lib.read_archive(path)


def test_duplicates_garbage_and_bad_weights_are_value_errors(tmp_path):
    path = tmp_path / "m.keras"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in _members().items():
            zf.writestr(name, data)
        with pytest.warns(UserWarning, match="Duplicate name"):
            zf.writestr("config.json", "{}")
    path.write_bytes(buffer.getvalue())
    with pytest.raises(ValueError, match="duplicate member"):
        saving_lib.read_archive(path)
    path.write_bytes(b"PK but not really a zip")
    with pytest.raises(ValueError, match="not a zip file"):
        saving_lib.read_archive(path)
    path.write_bytes(_zip(_members(weights=b"not hdf5")))
    with pytest.raises(ValueError, match="not an HDF5 file"):
        _model().load_weights(path)


def test_failed_save_keeps_the_previous_archive(tmp_path):
    model = _model()
    path = tmp_path / "m.keras"
    saving_lib.write_archive(path, CONFIG, weights_h5.weights_bytes(model))
    before = path.read_bytes()

    class Interrupted:
        def __len__(self):
            raise RuntimeError("interrupted")

    # The metadata and config are written, then the weights fail.
    with pytest.raises(RuntimeError, match="interrupted"):
        saving_lib.write_archive(path, CONFIG, Interrupted())
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.keras"]


_CHILD = textwrap.dedent(
    """
    import sys
    import numpy as np
    import ember
    from ember.saving import saving_lib
    from ember.saving import weights_h5

    layers = [ember.Input((1024,))]
    layers += [ember.layers.Dense(1024) for _ in range(12)]
    model = ember.Sequential(layers)
    config = {"class_name": "StandIn", "config": {}}
    print("saving", flush=True)
    while True:
        saving_lib.write_archive(
            sys.argv[1], config, weights_h5.weights_bytes(model)
        )
        model.save_weights(sys.argv[2])
    """
)


@pytest.mark.slow
def test_killed_save_leaves_a_loadable_file(tmp_path):
    archive = tmp_path / "m.keras"
    weights = tmp_path / "m.weights.h5"
    small = ember.Sequential([ember.Input((1024,)), ember.layers.Dense(1)])
    saving_lib.write_archive(archive, CONFIG, weights_h5.weights_bytes(small))
    small.save_weights(weights)
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(archive), str(weights)],
        stdout=subprocess.PIPE,
        env={**os.environ, "JAX_PLATFORMS": "cpu"},
    )
    try:
        assert child.stdout.readline().strip() == b"saving"
        time.sleep(2.0)
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    # Either the old file or a complete new one: never a torn one.
    config, _, data = saving_lib.read_archive(archive)
    assert config["class_name"] == "StandIn"
    entries, _ = weights_h5.read_weights(data)
    assert entries
    entries, _ = weights_h5.read_weights(weights)
    assert entries
    # The next saves remove what the killed writer left behind.
    saving_lib.write_archive(archive, CONFIG, weights_h5.weights_bytes(small))
    small.save_weights(weights)
    assert sorted(os.listdir(tmp_path)) == ["m.keras", "m.weights.h5"]


def test_saving_an_unbuilt_model_warns(tmp_path):
    pytest.importorskip("ember.saving.serialization_lib")
    model = ember.Sequential([ember.layers.Dense(3)])
    with pytest.warns(UserWarning, match="before it was built"):
        model.save(tmp_path / "m.keras")


def test_save_to_and_load_from_a_file_object():
    pytest.importorskip("ember.saving.serialization_lib")
    model = _model()
    buffer = io.BytesIO()
    model.save(buffer)
    restored = ember.saving.load_model(io.BytesIO(buffer.getvalue()))
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(
        restored.predict(x, verbose=0), model.predict(x, verbose=0)
    )


def test_training_resumes_exactly_after_load_model(tmp_path):
    pytest.importorskip("ember.saving.serialization_lib")
    rng = np.random.default_rng(5)
    x = rng.normal(size=(8, 4)).astype("float32")
    y = rng.normal(size=(8, 3)).astype("float32")
    model = _model()
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, y, batch_size=4, shuffle=False, verbose=0)
    path = tmp_path / "m.keras"
    model.save(path)
    restored = ember.saving.load_model(path)
    assert int(restored.optimizer.iterations.numpy()) == 2
    for m in (model, restored):
        m.fit(x, y, batch_size=4, shuffle=False, verbose=0)
    for a, b in zip(model.weights, restored.weights, strict=True):
        np.testing.assert_allclose(b.numpy(), a.numpy(), rtol=1e-6)
