import os
import sys
import zipfile

import jax
import numpy as np
import pytest

import ember
from ember import layers
from ember.export import _archive_file

RNG = np.random.default_rng(0)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


def _sequential():
    return ember.Sequential(
        [
            ember.Input((4,)),
            layers.Dense(8, activation="relu"),
            layers.Dense(3),
        ]
    )


def _export_and_load(model, tmp_path, **kwargs):
    path = tmp_path / "model.zip"
    model.export(path, verbose=False, **kwargs)
    return ember.export.load(path)


def _close(a, b):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), atol=1e-5)


# -- round trips ---------------------------------------------------------------
def test_sequential_round_trip_several_batch_sizes(tmp_path):
    model = _sequential()
    reloaded = _export_and_load(model, tmp_path)
    # One artifact, batch sizes never seen at export time.
    for batch in (1, 3, 17):
        x = _x(batch, 4)
        _close(reloaded(x), model.predict(x, verbose=0))
        _close(reloaded.serve(x), model.predict(x, verbose=0))


def test_functional_two_inputs_dict(tmp_path):
    a = ember.Input((3,), name="a")
    b = ember.Input((2,), name="b")
    merged = layers.Concatenate()([layers.Dense(4)(a), b])
    model = ember.Model({"a": a, "b": b}, layers.Dense(2)(merged))
    reloaded = _export_and_load(model, tmp_path)
    inputs = {"a": _x(5, 3), "b": _x(5, 2)}
    _close(reloaded(inputs), model.predict(inputs, verbose=0))
    names = [s["name"] for s in reloaded.manifest["endpoints"][0]["inputs"]]
    assert names == ["a", "b"]


def test_functional_two_inputs_list_two_outputs(tmp_path):
    a = ember.Input((3,))
    b = ember.Input((2,))
    merged = layers.Concatenate()([a, b])
    model = ember.Model([a, b], [layers.Dense(2)(merged), layers.Dense(1)(b)])
    reloaded = _export_and_load(model, tmp_path)
    inputs = [_x(6, 3), _x(6, 2)]
    got = reloaded(inputs)
    expected = model.predict(inputs, verbose=0)
    assert len(got) == 2
    for g, e in zip(got, expected, strict=True):
        _close(g, e)


def test_two_input_signature_without_the_outer_list(tmp_path):
    # Keras' form is [[spec_a, spec_b]]; [spec_a, spec_b] means the same.
    a, b = ember.Input((3,)), ember.Input((2,))
    model = ember.Model([a, b], layers.Concatenate()([a, b]))
    specs = [ember.InputSpec(shape=(None, 3)), ember.InputSpec(shape=(None, 2))]
    reloaded = _export_and_load(model, tmp_path, input_signature=specs)
    inputs = [_x(2, 3), _x(2, 2)]
    _close(reloaded(inputs), np.concatenate(inputs, axis=-1))


def test_dict_inputs_need_one_structure(tmp_path):
    a, b = ember.Input((3,), name="a"), ember.Input((2,), name="b")
    model = ember.Model({"a": a, "b": b}, layers.Concatenate()([a, b]))
    specs = [ember.InputSpec(shape=(None, 3)), ember.InputSpec(shape=(None, 2))]
    with pytest.raises(ValueError, match="takes its inputs as one dict"):
        model.export(tmp_path / "m.zip", input_signature=specs)
    specs = [{"a": specs[0], "b": specs[1]}]
    reloaded = _export_and_load(model, tmp_path, input_signature=specs)
    inputs = {"a": _x(2, 3), "b": _x(2, 2)}
    _close(reloaded(inputs), np.concatenate([inputs["a"], inputs["b"]], -1))


class _Subclassed(ember.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(5, activation="tanh")
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.hidden(x))


def test_subclassed_model_built_by_a_call(tmp_path):
    model = _Subclassed()
    model(_x(2, 3))
    reloaded = _export_and_load(model, tmp_path)
    x = _x(7, 3)
    _close(reloaded(x), model.predict(x, verbose=0))


class _DictOutputs(ember.Model):
    def __init__(self):
        super().__init__()
        self.dense = layers.Dense(2)

    def call(self, x):
        return {"y": self.dense(x), "z": 2.0 * x}


def test_subclassed_model_built_with_build_and_dict_outputs(tmp_path):
    model = _DictOutputs()
    model.build((None, 3))
    reloaded = _export_and_load(model, tmp_path)
    x = _x(4, 3)
    got, expected = reloaded(x), model.predict(x, verbose=0)
    assert sorted(got) == ["y", "z"]
    for key in ("y", "z"):
        _close(got[key], expected[key])
    outputs = reloaded.manifest["endpoints"][0]["outputs"]
    assert [o["name"] for o in outputs] == ["output['y']", "output['z']"]


def test_batch_normalization_and_dropout_run_in_inference(tmp_path):
    model = ember.Sequential(
        [
            ember.Input((4,)),
            layers.Dense(6),
            layers.BatchNormalization(),
            layers.Dropout(0.5),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="sgd", loss="mse")
    model.fit(_x(32, 4) * 3 + 2, _x(32, 1), epochs=2, verbose=0)
    moving_mean = model.layers[1].moving_mean.numpy()
    assert np.abs(moving_mean).max() > 1e-3  # statistics were learned
    reloaded = _export_and_load(model, tmp_path)
    x = _x(9, 4)
    _close(reloaded(x), model.predict(x, verbose=0))
    # Inference is deterministic: dropout is off, no seed is consumed.
    _close(reloaded(x), reloaded(x))
    np.testing.assert_array_equal(
        model.layers[1].moving_mean.numpy(), moving_mean
    )


def test_lstm_with_open_time_dimension(tmp_path):
    model = ember.Sequential(
        [ember.Input((None, 3)), layers.LSTM(4), layers.Dense(1)]
    )
    reloaded = _export_and_load(model, tmp_path)
    for batch, steps in ((2, 5), (3, 8)):
        x = _x(batch, steps, 3)
        _close(reloaded(x), model.predict(x, verbose=0))
    assert reloaded.manifest["endpoints"][0]["inputs"][0]["shape"] == [
        None,
        None,
        3,
    ]


def test_fixed_input_signature_and_weights_at_export_time(tmp_path):
    model = _sequential()
    spec = ember.InputSpec(shape=(2, 4), dtype="float32")
    reloaded = _export_and_load(model, tmp_path, input_signature=[spec])
    x = _x(2, 4)
    expected = model.predict(x, verbose=0)
    for v in model.weights:
        v.assign(np.zeros(v.shape, "float32"))
    _close(reloaded(x), expected)
    with pytest.raises(ValueError, match=r"expects shape \(2, 4\).*\(3, 4\)"):
        reloaded(_x(3, 4))


def test_standalone_load_without_ember(tmp_path, python_without_ember):
    model = _sequential()
    model.export(tmp_path / "model.zip", verbose=False)
    x = _x(6, 4)
    np.save(tmp_path / "x.npy", x)
    python_without_ember(
        """
        import json, zipfile
        import jax
        import numpy as np
        with zipfile.ZipFile("model.zip") as archive:
            manifest = json.loads(archive.read("manifest.json"))
            blob = archive.read(manifest["endpoints"][0]["file"])
        exported = jax.export.deserialize(bytearray(blob))
        np.save("y.npy", np.asarray(exported.call(np.load("x.npy"))))
        """,
        cwd=tmp_path,
    )
    _close(np.load(tmp_path / "y.npy"), model.predict(x, verbose=0))


def test_the_subprocess_really_lacks_ember(tmp_path, python_without_ember):
    out = python_without_ember(
        """
        try:
            import ember
        except ModuleNotFoundError as error:
            print(type(error).__name__, error.name)
        """,
        cwd=tmp_path,
    )
    assert out.strip() == "ModuleNotFoundError ember"
    assert "ember" in sys.modules  # while this process has it


def test_platforms_are_recorded(tmp_path):
    reloaded = _export_and_load(
        _sequential(), tmp_path, platforms=("cpu", "cuda")
    )
    assert reloaded.manifest["endpoints"][0]["platforms"] == ["cpu", "cuda"]
    x = _x(2, 4)
    assert np.asarray(reloaded(x)).shape == (2, 3)


def test_small_convolutions_are_exported_as_convolutions(tmp_path):
    # On CPU, fit and predict run a one-channel Conv2D as patches times a
    # matrix; the exported program keeps the convolution for any hardware.
    model = ember.Sequential(
        [ember.Input((8, 8, 1)), layers.Conv2D(4, 3), layers.Flatten()]
    )
    reloaded = _export_and_load(model, tmp_path)
    x = _x(2, 8, 8, 1)
    _close(reloaded(x), model.predict(x, verbose=0))
    data = zipfile.ZipFile(tmp_path / "model.zip").read(
        "endpoints/serve.jaxexport"
    )
    text = jax.export.deserialize(bytearray(data)).mlir_module()
    assert "stablehlo.convolution" in text


# -- verbose -------------------------------------------------------------------
def test_verbose_prints_the_endpoint(tmp_path, capsys):
    inputs = ember.Input((4,), name="features")
    model = ember.Model(inputs, layers.Dense(3)(inputs))
    path = tmp_path / "model.zip"
    model.export(path)
    platform = jax.default_backend()
    assert capsys.readouterr().out == (
        f"Saved artifact at '{path}'. The following endpoints are "
        f"available:\n\n* Endpoint 'serve' ({platform})\n  Inputs:\n"
        "    features: shape=(None, 4), dtype=float32\n  Outputs:\n"
        "    output: shape=(None, 3), dtype=float32\n"
    )
    model.export(path, verbose=False)
    assert capsys.readouterr().out == ""


# -- formats -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("format", "needs"),
    [
        ("tf_saved_model", "TensorFlow"),
        ("litert", "TensorFlow"),
        ("openvino", "OpenVINO"),
        ("torch", "PyTorch"),
    ],
)
def test_formats_ember_does_not_build(tmp_path, format, needs):
    with pytest.raises(ValueError, match=needs) as info:
        _sequential().export(tmp_path / "m", format=format)
    assert '"stablehlo"' in str(info.value) and '"onnx"' in str(info.value)
    assert os.listdir(tmp_path) == []


def test_unknown_format(tmp_path):
    with pytest.raises(
        ValueError,
        match=r"Unrecognized format='keras'.*\['stablehlo', 'onnx'\]",
    ):
        _sequential().export(tmp_path / "m", format="keras")


def test_onnx_format_writes_a_file_onnxruntime_runs(tmp_path):
    onnxruntime = pytest.importorskip("onnxruntime")
    model = _sequential()
    path = tmp_path / "m.onnx"
    model.export(path, format="onnx", verbose=False)
    session = onnxruntime.InferenceSession(
        str(path), providers=["CPUExecutionProvider"]
    )
    x = np.arange(12, dtype="float32").reshape(3, 4) / 10
    (got,) = session.run(None, {session.get_inputs()[0].name: x})
    np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)


def test_onnx_format_refuses_other_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"no other arguments.*'platforms'"):
        _sequential().export(
            tmp_path / "m.onnx", format="onnx", platforms=("cpu",)
        )
    assert os.listdir(tmp_path) == []


def test_onnx_without_the_onnx_package_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    with pytest.raises(ImportError, match=r'pip install "ember\[onnx\]"'):
        _sequential().export(tmp_path / "m.onnx", format="onnx")
    assert os.listdir(tmp_path) == []


def test_missing_flatbuffers_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "flatbuffers", None)
    with pytest.raises(ImportError, match=r'pip install "ember\[export\]"'):
        _sequential().export(tmp_path / "model.zip")
    assert os.listdir(tmp_path) == []


# -- errors --------------------------------------------------------------------
def test_unbuilt_model(tmp_path):
    model = ember.Sequential([layers.Dense(2)], name="lazy")
    with pytest.raises(ValueError, match='Model "lazy" must be built'):
        model.export(tmp_path / "model.zip")
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize(
    ("signature", "message"),
    [
        (
            [ember.InputSpec(shape=(None, 4, 1))],
            r"expects an input of shape \(None, 4\).*gives \(None, 4, 1\)",
        ),
        (
            [ember.InputSpec(shape=(None, 5))],
            r"expects an input of shape \(None, 4\).*gives \(None, 5\)",
        ),
        (
            [ember.InputSpec(shape=(None, 4)), ember.InputSpec(shape=(1,))],
            r"takes 1 input\(s\) \[\(None, 4\)\], but input_signature has 2",
        ),
    ],
)
def test_input_signature_errors(tmp_path, signature, message):
    model = _sequential()
    with pytest.raises(ValueError, match=message):
        model.export(tmp_path / "model.zip", input_signature=signature)
    assert os.listdir(tmp_path) == []


class _NeedsBatchSize(layers.Layer):
    def call(self, x):
        if x.shape[0] > 2:
            return x * 2
        return x


class _HostCallback(layers.Layer):
    def call(self, x):
        shape = jax.ShapeDtypeStruct(x.shape, x.dtype)
        return jax.pure_callback(lambda a: a * 2, shape, x)


def test_layer_needing_a_concrete_batch_is_named(tmp_path):
    model = ember.Sequential(
        [ember.Input((3,)), _NeedsBatchSize(name="branchy")], name="seq"
    )
    with pytest.raises(
        ValueError,
        match=r"""endpoint 'serve' of "seq" \(in layer "branchy" of type """
        r"_NeedsBatchSize\): InconclusiveDimensionOperation",
    ):
        model.export(tmp_path / "model.zip")
    assert os.listdir(tmp_path) == []
    # A fixed batch size exports it.
    spec = [ember.InputSpec(shape=(4, 3))]
    reloaded = _export_and_load(model, tmp_path, input_signature=spec)
    _close(reloaded(np.ones((4, 3))), 2 * np.ones((4, 3)))


def test_host_callback_is_refused(tmp_path):
    model = ember.Sequential(
        [ember.Input((3,)), _HostCallback(name="host")], name="seq"
    )
    spec = [ember.InputSpec(shape=(2, 3))]
    with pytest.raises(ValueError, match="Could not export.*host_callbacks"):
        model.export(tmp_path / "model.zip", input_signature=spec)
    assert os.listdir(tmp_path) == []


def test_unknown_and_tensorflow_only_arguments(tmp_path):
    with pytest.raises(ValueError, match=r"Unknown export arguments \['foo'\]"):
        _sequential().export(tmp_path / "model.zip", foo=1)
    with pytest.raises(ValueError, match="jax2tf_kwargs"):
        _sequential().export(tmp_path / "model.zip", jax2tf_kwargs={})
    assert os.listdir(tmp_path) == []


def test_folder_path_is_refused(tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        _sequential().export(tmp_path, verbose=False)


# -- atomicity -----------------------------------------------------------------
def test_failing_export_keeps_the_previous_file(tmp_path):
    path = tmp_path / "model.zip"
    _sequential().export(path, verbose=False)
    before = path.read_bytes()
    bad = ember.Sequential([ember.Input((3,)), _NeedsBatchSize()])
    with pytest.raises(ValueError, match="Could not export"):
        bad.export(path, verbose=False)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.zip"]


def test_crash_while_writing_keeps_the_previous_file(tmp_path, monkeypatch):
    path = tmp_path / "model.zip"
    _sequential().export(path, verbose=False)
    before = path.read_bytes()
    original = zipfile.ZipFile.writestr
    written = []

    def crash_after_the_manifest(self, name, data, *args, **kwargs):
        written.append(name)
        if len(written) > 1:
            raise OSError("disk full")
        return original(self, name, data, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", crash_after_the_manifest)
    with pytest.raises(OSError, match="disk full"):
        _sequential().export(path, verbose=False)
    assert written == [_archive_file.MANIFEST, "endpoints/serve.jaxexport"]
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.zip"]
