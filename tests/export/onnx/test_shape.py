"""ONNX export of data movement: reshapes, slices, pads, gathers, merges."""

import numpy as np
import pytest

import ember as keras
from ember import layers
from ember import ops
from tests.export.onnx._check import assert_exports
from tests.export.onnx._check import floats
from tests.export.onnx._check import sequential
from tests.export.onnx._check import session

pytest.importorskip("onnxruntime")

RESHAPING = [
    (lambda: layers.Flatten(), (3, 4, 2)),
    (lambda: layers.Reshape((4, 6)), (3, 4, 2)),
    (lambda: layers.Reshape((-1, 3)), (3, 4, 2)),
    (lambda: layers.Permute((3, 1, 2)), (3, 4, 2)),
    (lambda: layers.RepeatVector(3), (4,)),
    (lambda: layers.Cropping1D((1, 2)), (7, 2)),
    (lambda: layers.Cropping2D(((1, 0), (2, 1))), (5, 6, 2)),
    (lambda: layers.Cropping3D(1), (4, 5, 6, 2)),
    (lambda: layers.ZeroPadding1D(2), (4, 2)),
    (lambda: layers.ZeroPadding2D(((1, 0), (0, 2))), (3, 4, 2)),
    (lambda: layers.ZeroPadding3D(1), (2, 3, 2, 2)),
    (lambda: layers.UpSampling1D(3), (4, 2)),
    (lambda: layers.UpSampling2D(2), (3, 4, 2)),
    (lambda: layers.UpSampling2D(2, interpolation="bilinear"), (3, 4, 2)),
    (lambda: layers.UpSampling3D(2), (2, 3, 2, 2)),
    (lambda: layers.CenterCrop(3, 2), (5, 6, 2)),
]


@pytest.mark.parametrize(
    "make_layer,shape", RESHAPING, ids=[str(i) for i in range(len(RESHAPING))]
)
def test_reshaping(make_layer, shape, tmp_path):
    assert_exports(sequential(make_layer(), shape), floats(*shape), tmp_path)


@pytest.mark.parametrize(
    "merge",
    [
        layers.Concatenate,
        layers.Add,
        layers.Subtract,
        layers.Multiply,
        layers.Average,
        layers.Maximum,
        layers.Minimum,
    ],
)
def test_merging_two_inputs(merge, tmp_path):
    a = keras.Input(shape=(3, 4), name="left")
    b = keras.Input(shape=(3, 4), name="right")
    model = keras.Model([a, b], merge()([a, b]))

    def make(batch):
        return floats(3, 4)(batch) + floats(3, 4, seed=7)(batch)

    path = assert_exports(model, make, tmp_path)
    assert [i.name for i in session(path).get_inputs()] == ["left", "right"]


def _tokens(batch):
    rng = np.random.default_rng(batch)
    return [rng.integers(0, 10, (batch, 6)).astype("int32")]


def test_embedding_of_int32_tokens(tmp_path):
    model = sequential(
        [layers.Embedding(10, 4), layers.GlobalAveragePooling1D()],
        (6,),
        dtype="int32",
    )
    assert_exports(model, _tokens, tmp_path)


def test_embedding_out_of_range_index_gives_nan_as_ember(tmp_path):
    model = sequential(layers.Embedding(10, 4), (3,), dtype="int32")
    bad = np.array([[1, 12, -1]], "int32")
    path = assert_exports(
        model, lambda batch: [np.repeat(bad, batch, 0)], tmp_path
    )
    assert path.exists()


def test_masking_then_pooling(tmp_path):
    model = sequential(
        [
            layers.Embedding(10, 4, mask_zero=True),
            layers.LSTM(3),
        ],
        (6,),
        dtype="int32",
    )
    assert_exports(model, _tokens, tmp_path)


class _Indexing(layers.Layer):
    def call(self, x):
        index = ops.cast(ops.argmax(x[:, :, 0], axis=1), "int32")
        return [
            ops.take(x, np.array([2, 0, -1]), axis=1),
            ops.take_along_axis(x, ops.argsort(x, axis=-1), axis=-1),
            x[:, ::-1, 1:3],
            x[:, 1],
            ops.flip(x, axis=2),
            ops.concatenate(ops.split(x, [1, 3], axis=2)[::-1], axis=2),
            ops.stack([x, -x], axis=1),
            ops.tile(x, (1, 2, 1)),
            ops.repeat(x, 2, axis=1),
            ops.pad(x, ((0, 0), (1, 2), (0, 1)), mode="reflect"),
            ops.one_hot(index, 5),
            ops.reshape(x, (-1, 2)),
            ops.expand_dims(ops.squeeze(x[:, :1], axis=1), 0),
            ops.add(ops.arange(4), ops.zeros_like(x[:, :, :1, None])),
            ops.slice(x, (0, 1, 0), (ops.shape(x)[0], 2, 3)),
            ops.moveaxis(x, 0, -1),
        ]


def test_indexing_and_shape_ops(tmp_path):
    assert_exports(sequential(_Indexing(), (4, 3)), floats(4, 3), tmp_path)


class _DynamicSlice(layers.Layer):
    def call(self, x):
        start = ops.cast(ops.sum(x > 0) % 3, "int32")
        return jax_dynamic_slice(x, start)


def jax_dynamic_slice(x, start):
    import jax

    return jax.lax.dynamic_slice_in_dim(x, start, 2, axis=1)


def test_dynamic_slice_with_a_computed_start(tmp_path):
    assert_exports(sequential(_DynamicSlice(), (5,)), floats(5), tmp_path)


class _SliceUpdate(layers.Layer):
    def call(self, x):
        start = ops.cast(ops.sum(x > 0) % 4, "int32")
        fixed = ops.slice_update(x, (0, 1), ops.ones((1, 2)) * 9.0)
        return fixed, jax_dynamic_update(x, -x[:, :2], start)


def jax_dynamic_update(x, update, start):
    import jax

    return jax.lax.dynamic_update_slice_in_dim(x, update, start, axis=1)


def test_slice_updates(tmp_path):
    assert_exports(sequential(_SliceUpdate(), (5,)), floats(5), tmp_path)


def test_image_preprocessing_in_inference(tmp_path):
    model = sequential(
        [
            layers.RandomFlip(),
            layers.RandomRotation(0.1),
            layers.RandomZoom(0.1),
            layers.RandomTranslation(0.1, 0.1),
            layers.RandomContrast(0.2),
            layers.Resizing(5, 4, interpolation="nearest"),
            layers.Resizing(3, 3, crop_to_aspect_ratio=True),
        ],
        (6, 6, 2),
    )
    assert_exports(model, floats(6, 6, 2), tmp_path)
