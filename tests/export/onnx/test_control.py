"""ONNX export of loops and branches: recurrent layers, while, cond."""

import numpy as np
import pytest

from ember import layers
from ember import ops
from tests.export.onnx._check import assert_exports
from tests.export.onnx._check import floats
from tests.export.onnx._check import run
from tests.export.onnx._check import sequential

pytest.importorskip("onnxruntime")

RECURRENT = [
    (lambda: layers.SimpleRNN(3), (4, 2)),
    (
        lambda: layers.SimpleRNN(3, return_sequences=True, go_backwards=True),
        (4, 2),
    ),
    (lambda: layers.LSTM(3), (4, 2)),
    (lambda: layers.LSTM(3, return_sequences=True, return_state=True), (4, 2)),
    (lambda: layers.GRU(3), (4, 2)),
    (lambda: layers.GRU(3, reset_after=False, return_sequences=True), (4, 2)),
    (lambda: layers.Bidirectional(layers.LSTM(3)), (4, 2)),
    (
        lambda: layers.Bidirectional(
            layers.GRU(2, return_sequences=True), merge_mode="sum"
        ),
        (4, 2),
    ),
    (lambda: layers.LSTM(3, unroll=True), (3, 2)),
]


@pytest.mark.parametrize(
    "make_layer,shape", RECURRENT, ids=[str(i) for i in range(len(RECURRENT))]
)
def test_recurrent(make_layer, shape, tmp_path):
    assert_exports(sequential(make_layer(), shape), floats(*shape), tmp_path)


def test_stacked_lstm_on_sequences_of_any_length(tmp_path):
    model = sequential(
        [layers.LSTM(4, return_sequences=True), layers.GRU(3)], (None, 2)
    )
    path = assert_exports(model, floats(5, 2), tmp_path)
    for steps in (1, 7):
        x = floats(steps, 2)(3)[0]
        (got,) = run(path, [x])
        np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-5)


def test_time_distributed_and_conv_lstm(tmp_path):
    model = sequential(
        [
            layers.TimeDistributed(layers.Dense(3)),
            layers.ConvLSTM1D(2, 3, padding="same"),
        ],
        (4, 5, 2),
    )
    assert_exports(model, floats(4, 5, 2), tmp_path)


class _Loops(layers.Layer):
    def call(self, x):
        # Doubles until the row sums exceed 10 (a while loop), a fixed
        # count of steps (fori_loop), and a branch on the data (cond).
        def grow(y, n):
            return y * 2.0, n + 1

        def small(y, n):
            return ops.sum(ops.abs(y)) < 10.0

        grown, count = ops.while_loop(small, grow, (x, 0))
        steps = ops.fori_loop(0, 3, lambda i, y: y + ops.cast(i, "float32"), x)
        branch = ops.cond(
            ops.sum(x) > 0, lambda: ops.exp(x), lambda: ops.sin(x)
        )
        return grown, ops.cast(count, "float32"), steps, branch


def test_while_fori_and_cond(tmp_path):
    assert_exports(sequential(_Loops(), (3,)), floats(3), tmp_path)


class _Switch(layers.Layer):
    def call(self, x):
        index = ops.cast(ops.sum(x > 0), "int32")
        return ops.switch(
            index, [lambda y: y, lambda y: -y, lambda y: y * 10.0], x
        )


def test_switch_of_three_branches(tmp_path):
    assert_exports(
        sequential(_Switch(), (4,)), floats(4), tmp_path, batches=(1, 2, 5)
    )


class _ReverseScan(layers.Layer):
    def call(self, x):
        # A running sum from the end of the sequence, with per-step outputs.
        def step(total, x_t):
            total = total + x_t
            return total, total * 2.0

        steps_first = ops.moveaxis(x, 1, 0)
        total, ys = ops.scan(
            step, ops.zeros_like(steps_first[0]), steps_first, reverse=True
        )
        return total, ops.moveaxis(ys, 0, 1)


@pytest.mark.parametrize("steps", [5, None], ids=["unrolled", "loop"])
def test_reverse_scan(steps, tmp_path):
    model = sequential(_ReverseScan(), (steps, 3))
    path = assert_exports(model, floats(5, 3), tmp_path)
    x = floats(5, 3)(2)[0]
    total, ys = run(path, [x])
    np.testing.assert_allclose(total, x.sum(1), atol=1e-5)
    np.testing.assert_allclose(
        ys, 2 * np.cumsum(x[:, ::-1], 1)[:, ::-1], atol=1e-5
    )
