"""ONNX export of contractions: Dense, EinsumDense, Dot, convolutions."""

import pytest

import ember as keras
from ember import layers
from ember import ops
from tests.export.onnx._check import assert_exports
from tests.export.onnx._check import floats
from tests.export.onnx._check import sequential

pytest.importorskip("onnxruntime")


def test_dense_on_a_sequence(tmp_path):
    model = sequential(layers.Dense(3), (4, 6))
    assert_exports(model, floats(4, 6), tmp_path)


def test_einsum_dense(tmp_path):
    model = sequential(
        layers.EinsumDense("abc,cd->abd", output_shape=(4, 3), bias_axes="d"),
        (4, 6),
    )
    assert_exports(model, floats(4, 6), tmp_path)


def test_dot_merge_with_a_fixed_batch(tmp_path):
    # Dot checks its input shapes with ints, so it is traced on a fixed
    # batch here (input_signature), not on the symbolic one.
    a = keras.Input(shape=(4, 3))
    b = keras.Input(shape=(4, 3))
    model = keras.Model([a, b], layers.Dot(axes=(2, 2))([a, b]))

    def make(batch):
        return floats(4, 3)(batch) + floats(4, 3, seed=9)(batch)

    signature = [[keras.InputSpec(shape=(2, 4, 3))] * 2]
    assert_exports(
        model, make, tmp_path, batches=(2,), input_signature=signature
    )


class _Products(layers.Layer):
    def call(self, x):
        gram = ops.matmul(x, ops.transpose(x, (0, 2, 1)))
        mixed = ops.einsum("bij,bkj->bik", x, x * 2.0)
        outer = ops.einsum("bi,bj->bij", x[:, 0], x[:, 1])
        return gram + mixed, outer


def test_batched_products_and_einsum(tmp_path):
    model = sequential(_Products(), (4, 3))
    assert_exports(model, floats(4, 3), tmp_path)


CONVOLUTIONS = [
    (lambda: layers.Conv1D(3, 3), (9, 2)),
    (lambda: layers.Conv1D(3, 3, strides=2, padding="same"), (9, 2)),
    (lambda: layers.Conv1D(3, 3, dilation_rate=2, padding="causal"), (9, 2)),
    (lambda: layers.Conv2D(4, 3, padding="same", activation="relu"), (7, 6, 2)),
    (lambda: layers.Conv2D(4, (3, 2), strides=(2, 1)), (7, 6, 2)),
    (lambda: layers.Conv2D(4, 3, dilation_rate=2), (9, 9, 2)),
    (lambda: layers.Conv2D(4, 3, groups=2), (7, 7, 4)),
    (lambda: layers.Conv3D(3, 2, padding="same"), (5, 4, 3, 2)),
    (lambda: layers.Conv3D(3, 2, strides=2), (5, 5, 5, 2)),
    (lambda: layers.SeparableConv1D(4, 3, depth_multiplier=2), (9, 2)),
    (lambda: layers.SeparableConv2D(4, 3, padding="same"), (7, 7, 2)),
    (lambda: layers.DepthwiseConv1D(3, depth_multiplier=2), (9, 2)),
    (lambda: layers.DepthwiseConv2D(3, strides=2), (7, 7, 3)),
    (lambda: layers.Conv1DTranspose(3, 3), (5, 2)),
    (lambda: layers.Conv1DTranspose(3, 3, strides=2, padding="same"), (5, 2)),
    (lambda: layers.Conv1DTranspose(3, 4, strides=3), (5, 2)),
    (lambda: layers.Conv1DTranspose(3, 3, strides=2, output_padding=1), (5, 2)),
    (
        lambda: layers.Conv2DTranspose(3, 3, strides=2, padding="same"),
        (5, 4, 2),
    ),
    (lambda: layers.Conv2DTranspose(3, 2, strides=2), (5, 4, 2)),
    (lambda: layers.Conv2DTranspose(3, 3, dilation_rate=2), (5, 5, 2)),
    (
        lambda: layers.Conv3DTranspose(2, 2, strides=2, padding="same"),
        (3, 3, 3, 2),
    ),
    (lambda: layers.Conv3DTranspose(2, 3), (3, 3, 2, 2)),
]


@pytest.mark.parametrize(
    "make_layer,shape",
    CONVOLUTIONS,
    ids=[str(i) for i in range(len(CONVOLUTIONS))],
)
def test_convolution(make_layer, shape, tmp_path):
    model = sequential(make_layer(), shape)
    assert_exports(model, floats(*shape), tmp_path)


def test_resizing_bilinear(tmp_path):
    model = sequential(layers.Resizing(4, 5), (6, 7, 2))
    assert_exports(model, floats(6, 7, 2), tmp_path)
