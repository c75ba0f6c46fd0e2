import io
import json
import sys
import zipfile

import numpy as np
import pytest

import ember
from ember.export import ExportArchive


@pytest.fixture
def exported(tmp_path):
    a = ember.Input((3,), name="a")
    b = ember.Input((2,), name="b")
    model = ember.Model(
        [a, b], ember.layers.Concatenate()([ember.layers.Dense(2)(a), b])
    )
    path = tmp_path / "model.zip"
    model.export(path, verbose=False)
    return path, model


def _rewrite(path, manifest=None, entries=None):
    with zipfile.ZipFile(path) as z:
        contents = {name: z.read(name) for name in z.namelist()}
    if manifest is not None:
        contents["manifest.json"] = json.dumps(manifest).encode()
    contents.update(entries or {})
    with zipfile.ZipFile(path, "w") as z:
        for name, data in contents.items():
            z.writestr(name, data)


def _manifest(path):
    with zipfile.ZipFile(path) as z:
        return json.loads(z.read("manifest.json"))


def test_inputs_are_converted_and_checked(exported):
    path, model = exported
    reloaded = ember.export.load(str(path))
    a = np.arange(6.0).reshape(2, 3)  # float64: converted to float32
    b = np.arange(4).reshape(2, 2)  # int: converted to float32
    expected = model.predict([a.astype("float32"), b.astype("float32")])
    got = reloaded([a, b])
    assert got.dtype == np.float32
    np.testing.assert_allclose(np.asarray(got), expected, atol=1e-5)
    with pytest.raises(ValueError, match=r"input 'b' expects shape \(None, 2"):
        reloaded([a, np.zeros((2, 3))])
    with pytest.raises(ValueError, match="cannot convert an array of complex"):
        reloaded([a, np.zeros((2, 2), complex)])
    with pytest.raises(
        ValueError,
        match=r"takes the arguments \(\['a', 'b'\],\), got arguments of "
        r"shapes \(\(2, 3\), \(2, 2\)\)",
    ):
        reloaded(a, b)


def test_endpoint_attributes(exported):
    path, _ = exported
    reloaded = ember.export.load(path)
    endpoint = reloaded.serve
    assert endpoint is reloaded.endpoints["serve"]
    assert [i["name"] for i in endpoint.inputs] == ["a", "b"]
    assert endpoint.outputs == [
        {"name": "output", "shape": [None, 4], "dtype": "float32"}
    ]
    assert "stablehlo" in endpoint.exported.mlir_module()
    assert repr(reloaded) == (
        "<ExportedArtifact endpoints=['serve'] variable_collections=[]>"
    )


def test_not_an_export_file(tmp_path):
    path = tmp_path / "x.zip"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValueError, match="is not an ember export file"):
        ember.export.load(path)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("other.txt", "hello")
    with pytest.raises(ValueError, match="has no manifest.json"):
        ember.export.load(path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "keras"}, "does not say format='ember.export'"),
        ({"format_version": 99}, "format_version 99; this ember reads"),
        ({"endpoints": "serve"}, "malformed manifest: `endpoints`"),
        ({"endpoints": []}, "has no endpoints"),
        ({"default_endpoint": "other"}, "default_endpoint 'other' is not"),
    ],
)
def test_malformed_manifests(exported, change, message):
    path, _ = exported
    _rewrite(path, manifest={**_manifest(path), **change})
    with pytest.raises(ValueError, match=message):
        ember.export.load(path)


def test_missing_entry(exported):
    path, _ = exported
    manifest = _manifest(path)
    manifest["endpoints"][0]["file"] = "endpoints/gone.jaxexport"
    _rewrite(path, manifest=manifest)
    with pytest.raises(ValueError, match=r"lacks entries \['endpoints/gone"):
        ember.export.load(path)


def test_inputs_disagreeing_with_the_artifact(exported):
    path, _ = exported
    manifest = _manifest(path)
    del manifest["endpoints"][0]["inputs"][1]
    _rewrite(path, manifest=manifest)
    with pytest.raises(
        ValueError, match="lists 1 inputs, its artifact takes 2"
    ):
        ember.export.load(path)


def test_hostile_names_are_refused(exported):
    path, _ = exported
    manifest = _manifest(path)
    manifest["endpoints"][0]["name"] = "__class__"
    manifest["default_endpoint"] = "__class__"
    _rewrite(path, manifest=manifest)
    with pytest.raises(ValueError, match="must be Python identifiers"):
        ember.export.load(path)


def test_pickled_arrays_are_refused(tmp_path):
    archive = ExportArchive()
    archive.add_endpoint("serve", lambda x: x, [ember.InputSpec(shape=(None,))])
    archive.add_variable_collection("v", [ember.Variable(1.0, name="v")])
    path = tmp_path / "a.zip"
    archive.write_out(path, verbose=False)
    buffer = io.BytesIO()
    np.savez(buffer, **{"0": np.array([{"evil": 1}], dtype=object)})
    _rewrite(path, entries={"variables/v.npz": buffer.getvalue()})
    with pytest.raises(ValueError, match="allow_pickle=False"):
        ember.export.load(path)


def test_missing_flatbuffers_on_load(exported, monkeypatch):
    path, _ = exported
    monkeypatch.setitem(sys.modules, "flatbuffers", None)
    with pytest.raises(ImportError, match=r'pip install "ember\[export\]"'):
        ember.export.load(path)
