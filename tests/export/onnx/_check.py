"""Exports a model to ONNX and compares onnxruntime with `predict`."""

import jax
import numpy as np
import pytest

from ember.export.onnx import export_onnx


def session(path):
    """An onnxruntime session on one thread (the test machine is shared)."""
    ort = pytest.importorskip("onnxruntime")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    return ort.InferenceSession(
        str(path), options, providers=["CPUExecutionProvider"]
    )


def run(path, inputs) -> list:
    """Runs the ONNX file on a list of arrays (in the file's input order)."""
    sess = session(path)
    names = [i.name for i in sess.get_inputs()]
    return sess.run(None, dict(zip(names, inputs, strict=True)))


def assert_exports(
    model,
    make_inputs,
    tmp_path,
    batches=(1, 5),
    atol: float = 1e-5,
    **export_kwargs,
):
    """Exports `model`, then checks onnxruntime against `model.predict`.

    Args:
        model: the ember model.
        make_inputs: `batch -> list of arrays` (one per model input).
        tmp_path: pytest's folder.
        batches: the batch sizes to run (one file serves them all).
        atol: absolute tolerance.
        **export_kwargs: passed to `export_onnx`.

    Returns:
        The path of the ONNX file.
    """
    pytest.importorskip("onnx")
    path = tmp_path / "model.onnx"
    export_onnx(model, path, verbose=False, **export_kwargs)
    import onnx

    onnx.checker.check_model(onnx.load(str(path)), full_check=True)
    sess = session(path)
    names = [i.name for i in sess.get_inputs()]
    for batch in batches:
        inputs = make_inputs(batch)
        feed = inputs[0] if len(inputs) == 1 else list(inputs)
        expected = jax.tree_util.tree_leaves(model.predict(feed, verbose=0))
        got = sess.run(None, dict(zip(names, inputs, strict=True)))
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            assert g.shape == e.shape, (g.shape, e.shape)
            np.testing.assert_allclose(g, np.asarray(e), atol=atol, rtol=0)
    return path


def floats(*shape, seed: int = 0):
    """`batch -> [random float32 array (batch, *shape)]`."""

    def make(batch):
        rng = np.random.default_rng(seed + batch)
        return [rng.standard_normal((batch, *shape)).astype("float32")]

    return make


def sequential(layers, input_shape, dtype="float32"):
    """A Functional model: Input(input_shape) through `layers`."""
    import ember as keras

    inputs = keras.Input(shape=input_shape, dtype=dtype)
    x = inputs
    for layer in layers if isinstance(layers, list) else [layers]:
        x = layer(x)
    return keras.Model(inputs, x)
