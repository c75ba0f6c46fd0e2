"""export_onnx: whole models, names, the dynamic batch, errors, isolation."""

import os
import sys

import numpy as np
import pytest

import ember as keras
from ember import layers
from ember import ops
from ember.export.onnx import export_onnx
from tests.export._isolated import run_onnx_without_ember
from tests.export.onnx._check import assert_exports
from tests.export.onnx._check import floats
from tests.export.onnx._check import run
from tests.export.onnx._check import sequential
from tests.export.onnx._check import session

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")


def founding_cnn():
    return keras.Sequential(
        [
            layers.Conv2D(32, 3, activation="relu", input_shape=(28, 28, 1)),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(10, activation="softmax"),
        ]
    )


def test_founding_cnn_one_file_for_every_batch_size(tmp_path):
    model = founding_cnn()
    path = assert_exports(model, floats(28, 28, 1), tmp_path, batches=(1, 3, 7))
    sess = session(path)
    (given,) = sess.get_inputs()
    (output,) = sess.get_outputs()
    assert given.shape == ["batch", 28, 28, 1]
    assert output.name == "output_0" and output.shape == ["batch", 10]
    proto = onnx.load(str(path))
    assert proto.opset_import[0].version == 18
    onnx.checker.check_model(proto, full_check=True)
    weights = {i.name: tuple(i.dims) for i in proto.graph.initializer}
    assert weights["sequential/dense/kernel"] == (5408, 128)
    # A Conv node, not the patches and matrix product fit runs on CPU.
    assert "Conv" in {node.op_type for node in proto.graph.node}


def test_functional_two_inputs_two_outputs(tmp_path):
    image = keras.Input(shape=(6, 6, 2), name="image")
    meta = keras.Input(shape=(3,), name="meta")
    x = layers.Conv2D(3, 3)(image)
    x = layers.GlobalAveragePooling2D()(x)
    x = layers.Concatenate()([x, layers.Dense(4, activation="tanh")(meta)])
    score = layers.Dense(1, activation="sigmoid")(x)
    logits = layers.Dense(5)(x)
    model = keras.Model([image, meta], [score, logits])

    def make(batch):
        return floats(6, 6, 2)(batch) + floats(3, seed=4)(batch)

    path = assert_exports(model, make, tmp_path)
    names = [i.name for i in session(path).get_inputs()]
    assert names == ["image", "meta"]


def test_dict_outputs_are_named_by_their_keys(tmp_path):
    inputs = keras.Input(shape=(3,))
    model = keras.Model(
        inputs,
        {"mean": layers.Dense(2)(inputs), "scale": layers.Dense(1)(inputs)},
    )
    path = assert_exports(model, floats(3), tmp_path)
    assert [o.name for o in session(path).get_outputs()] == ["mean", "scale"]


class _Subclassed(keras.Model):
    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(8, activation="relu")
        self.norm = layers.LayerNormalization()
        self.out = layers.Dense(2)

    def call(self, x):
        return self.out(self.norm(self.hidden(x)) + x[:, :1])


def test_subclassed_model_built_on_data(tmp_path):
    model = _Subclassed()
    model(np.zeros((2, 5), "float32"))
    assert_exports(model, floats(5), tmp_path)


class _SineMix(layers.Layer):
    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return ops.multiply(ops.sin(x), self.w) + ops.mean(
            x, axis=-1, keepdims=True
        )


def test_custom_layer_written_with_ops(tmp_path):
    layer = _SineMix()
    model = sequential([layer, layers.Dense(3)], (4,))
    layer.w.assign(np.array([0.5, -1.0, 2.0, 3.0], "float32"))
    path = assert_exports(model, floats(4), tmp_path)
    x = np.array([[0.0, np.pi / 2, 1.0, -1.0]], "float32")
    (got,) = run(path, [x])
    hidden = np.sin(x) * layer.w.numpy() + x.mean(-1, keepdims=True)
    kernel, bias = model.layers[-1].get_weights()
    np.testing.assert_allclose(got, hidden @ kernel + bias, atol=1e-5)


def test_fixed_batch_from_input_signature(tmp_path):
    model = sequential(layers.Dense(2), (3,))
    signature = [keras.InputSpec(shape=(4, 3), dtype="float32")]
    path = assert_exports(
        model, floats(3), tmp_path, batches=(4,), input_signature=signature
    )
    assert session(path).get_inputs()[0].shape == [4, 3]


def test_prints_where_it_saved(tmp_path, capsys):
    path = tmp_path / "m.onnx"
    export_onnx(sequential(layers.Dense(2), (3,)), path)
    assert capsys.readouterr().out == f"Saved artifact at '{path}'.\n"
    export_onnx(sequential(layers.Dense(2), (3,)), path, verbose=False)
    assert capsys.readouterr().out == ""


class _InverseErf(layers.Layer):
    def call(self, x):
        return ops.erfinv(ops.tanh(x))


def test_unsupported_primitive_names_it_and_the_layer(tmp_path):
    path = tmp_path / "m.onnx"
    path.write_bytes(b"previous")
    model = sequential([layers.Dense(2), _InverseErf(name="probit")], (3,))
    with pytest.raises(ValueError) as info:
        export_onnx(model, path, verbose=False)
    message = str(info.value)
    assert '"erf_inv"' in message and 'layer "probit"' in message
    assert "no inverse error function" in message
    assert path.read_bytes() == b"previous"
    assert os.listdir(tmp_path) == ["m.onnx"]


def test_missing_onnx_package_names_the_extra(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    model = sequential(layers.Dense(2), (3,))
    with pytest.raises(ImportError, match=r'pip install "ember\[onnx\]"'):
        export_onnx(model, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_unbuilt_model_is_refused(tmp_path):
    model = keras.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="must be built"):
        export_onnx(model, tmp_path / "m.onnx")
    assert not os.listdir(tmp_path)


def test_input_signature_of_the_wrong_rank_is_refused(tmp_path):
    model = sequential(layers.Dense(2), (3,))
    signature = [keras.InputSpec(shape=(None, 3, 1))]
    with pytest.raises(ValueError, match=r"expects an input of shape"):
        export_onnx(model, tmp_path / "m.onnx", input_signature=signature)
    assert not os.listdir(tmp_path)


def test_exported_file_runs_without_ember(tmp_path):
    model = founding_cnn()
    path = tmp_path / "cnn.onnx"
    export_onnx(model, path, verbose=False)
    x = floats(28, 28, 1)(3)[0]
    expected = [model.predict(x, verbose=0)]
    out = run_onnx_without_ember(
        str(path), {"input_layer": x}, expected, str(tmp_path), atol=1e-5
    )
    assert out.splitlines() == ["False False", "ok"]


def test_mixed_float16_model(tmp_path):
    inputs = keras.Input(shape=(8, 8, 1))
    x = layers.Conv2D(4, 3, activation="relu", dtype="mixed_float16")(inputs)
    x = layers.Flatten()(x)
    x = layers.Dense(3, dtype="mixed_float16")(x)
    outputs = layers.Activation("softmax", dtype="float32")(x)
    model = keras.Model(inputs, outputs)
    assert_exports(model, floats(8, 8, 1), tmp_path, atol=1e-3)
