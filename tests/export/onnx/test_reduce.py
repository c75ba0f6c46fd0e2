"""ONNX export of reductions: pooling, global pooling, normalization."""

import numpy as np
import pytest

from ember import layers
from ember import ops
from tests.export.onnx._check import assert_exports
from tests.export.onnx._check import floats
from tests.export.onnx._check import sequential

pytest.importorskip("onnxruntime")

POOLING = [
    (lambda: layers.MaxPooling1D(2), (9, 3)),
    (lambda: layers.MaxPooling1D(3, strides=2, padding="same"), (9, 3)),
    (lambda: layers.MaxPooling2D(2), (7, 6, 3)),
    (lambda: layers.MaxPooling2D((3, 2), strides=1, padding="same"), (7, 6, 3)),
    (lambda: layers.MaxPooling3D(2, padding="same"), (5, 4, 3, 2)),
    (lambda: layers.AveragePooling1D(2), (9, 3)),
    (lambda: layers.AveragePooling1D(3, strides=2, padding="same"), (9, 3)),
    (lambda: layers.AveragePooling2D(2), (7, 6, 3)),
    (lambda: layers.AveragePooling2D(3, strides=2, padding="same"), (7, 6, 3)),
    (lambda: layers.AveragePooling3D(2), (5, 4, 3, 2)),
    (lambda: layers.AveragePooling3D(2, padding="same"), (5, 4, 3, 2)),
    (lambda: layers.GlobalMaxPooling1D(), (9, 3)),
    (lambda: layers.GlobalMaxPooling2D(keepdims=True), (7, 6, 3)),
    (lambda: layers.GlobalMaxPooling3D(), (5, 4, 3, 2)),
    (lambda: layers.GlobalAveragePooling1D(), (9, 3)),
    (lambda: layers.GlobalAveragePooling2D(), (7, 6, 3)),
    (lambda: layers.GlobalAveragePooling3D(keepdims=True), (5, 4, 3, 2)),
]


@pytest.mark.parametrize(
    "make_layer,shape", POOLING, ids=[str(i) for i in range(len(POOLING))]
)
def test_pooling(make_layer, shape, tmp_path):
    assert_exports(sequential(make_layer(), shape), floats(*shape), tmp_path)


def test_channels_first_pooling(tmp_path):
    model = sequential(
        [
            layers.MaxPooling2D(2, data_format="channels_first"),
            layers.AveragePooling2D(2, data_format="channels_first"),
        ],
        (3, 8, 8),
    )
    assert_exports(model, floats(3, 8, 8), tmp_path)


def test_batch_normalization_with_moving_statistics(tmp_path):
    layer = layers.BatchNormalization()
    model = sequential([layers.Dense(4), layer], (3,))
    rng = np.random.default_rng(3)
    layer.moving_mean.assign(rng.standard_normal(4).astype("float32"))
    layer.moving_variance.assign(rng.uniform(0.5, 2, 4).astype("float32"))
    assert_exports(model, floats(3), tmp_path)


NORMALIZATION = [
    (lambda: layers.BatchNormalization(axis=1), (3, 4)),
    (lambda: layers.LayerNormalization(), (5,)),
    (lambda: layers.LayerNormalization(axis=(1, 2), center=False), (3, 4)),
    (lambda: layers.GroupNormalization(2), (5, 4)),
    (lambda: layers.UnitNormalization(), (5,)),
]


@pytest.mark.parametrize(
    "make_layer,shape",
    NORMALIZATION,
    ids=[str(i) for i in range(len(NORMALIZATION))],
)
def test_normalization(make_layer, shape, tmp_path):
    assert_exports(sequential(make_layer(), shape), floats(*shape), tmp_path)


class _Reductions(layers.Layer):
    def call(self, x):
        return (
            ops.argmax(x, axis=-1),
            ops.argmin(x, axis=1),
            ops.cumsum(x, axis=1),
            ops.prod(x, axis=-1),
            ops.min(x, axis=(1, 2)),
            ops.any(x > 1.0, axis=-1),
            ops.all(x > -1.0, axis=1),
            ops.logsumexp(x, axis=-1),
        )


def test_reductions_of_ops(tmp_path):
    assert_exports(sequential(_Reductions(), (4, 3)), floats(4, 3), tmp_path)


class _Sorting(layers.Layer):
    def call(self, x):
        values, indices = ops.top_k(x, 2)
        return ops.sort(x, axis=1), ops.argsort(x, axis=-1), values, indices


def test_sort_argsort_and_top_k(tmp_path):
    assert_exports(sequential(_Sorting(), (4, 5)), floats(4, 5), tmp_path)


class _Windows(layers.Layer):
    def call(self, x):
        import jax

        # (batch, time, height, width, channels): windows over two axes,
        # so three axes pass through (merged into ONNX's channels).
        window, strides = (1, 1, 2, 2, 1), (1, 1, 1, 2, 1)
        padding = ((0, 0), (0, 0), (1, 0), (0, 1), (0, 0))
        low = jax.lax.reduce_window(
            x, float("inf"), jax.lax.min, window, strides, padding
        )
        total = jax.lax.reduce_window(
            x, 0.0, jax.lax.add, window, strides, "SAME"
        )
        summed = jax.lax.reduce(x, 1.0, lambda a, b: a + b, (1, 3))
        return low, total, summed


def test_windows_over_middle_axes_and_generic_reduce(tmp_path):
    model = sequential(_Windows(), (2, 5, 4, 3))
    assert_exports(model, floats(2, 5, 4, 3), tmp_path)
