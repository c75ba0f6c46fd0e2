"""Runtime shapes: dimensions left open besides the batch, and the
arithmetic on them that reshapes and slices need."""

import numpy as np
import pytest

import ember as keras
from ember import layers
from ember import ops
from ember.export.onnx import export_onnx
from tests.export.onnx._check import run
from tests.export.onnx._check import session

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")


class _Folds(layers.Layer):
    def call(self, x):
        batch, steps = ops.shape(x)[0], ops.shape(x)[1]
        merged = ops.reshape(x, (batch, steps * 4))
        pairs = ops.reshape(x, (batch, steps * 2, 2))
        half = x[:, : steps // 2]
        tail = x[:, (steps + 1) // 3 :]
        return (
            merged,
            pairs,
            half,
            ops.sum(tail, axis=1),
            ops.arange(steps)[None] + ops.zeros((batch, 1), "int32"),
        )


def test_two_open_dimensions(tmp_path):
    inputs = keras.Input(shape=(None, 4))
    model = keras.Model(inputs, _Folds()(inputs))
    path = tmp_path / "m.onnx"
    export_onnx(model, path, verbose=False)
    assert session(path).get_inputs()[0].shape == ["batch", "d1", 4]
    for batch, steps in ((1, 1), (2, 5), (3, 6)):
        x = np.random.default_rng(steps).standard_normal((batch, steps, 4))
        x = x.astype("float32")
        expected = model.predict(x, verbose=0)
        got = run(path, [x])
        assert len(got) == len(expected)
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_allclose(g, e, atol=1e-5)


def test_images_of_any_size(tmp_path):
    model = keras.Sequential(
        [
            keras.Input(shape=(None, None, 3)),
            layers.Conv2D(4, 3, strides=2, padding="same"),
            layers.MaxPooling2D(2, padding="same"),
            layers.Conv2DTranspose(2, 3, strides=2, padding="same"),
            layers.GlobalAveragePooling2D(),
        ]
    )
    path = tmp_path / "m.onnx"
    export_onnx(model, path, verbose=False)
    for size in ((9, 9), (12, 7)):
        x = np.random.default_rng(0).standard_normal((2, *size, 3))
        x = x.astype("float32")
        (got,) = run(path, [x])
        np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)
