"""ONNX export of elementwise math: activations, preprocessing, ops."""

import numpy as np
import pytest

from ember import layers
from ember import ops
from tests.export.onnx._check import assert_exports
from tests.export.onnx._check import floats
from tests.export.onnx._check import sequential

pytest.importorskip("onnxruntime")

ACTIVATIONS = [
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "softplus",
    "softsign",
    "selu",
    "elu",
    "exponential",
    "leaky_relu",
    "relu6",
    "gelu",
    "silu",
    "hard_sigmoid",
    "hard_silu",
    "mish",
    "linear",
    "log_softmax",
    "celu",
    "hard_tanh",
    "log_sigmoid",
    "tanh_shrink",
    "hard_shrink",
    "soft_shrink",
    "squareplus",
    "sparse_plus",
    "sparsemax",
]


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_dense_activation(activation, tmp_path):
    model = sequential(layers.Dense(6, activation=activation), (4,))
    assert_exports(model, floats(4), tmp_path)


@pytest.mark.parametrize(
    "make_layer",
    [
        lambda: layers.ReLU(max_value=1.0, negative_slope=0.1, threshold=0.2),
        lambda: layers.LeakyReLU(0.2),
        lambda: layers.PReLU(),
        lambda: layers.ELU(0.5),
        lambda: layers.Softmax(axis=1),
        lambda: layers.Activation("gelu"),
    ],
    ids=["relu", "leaky", "prelu", "elu", "softmax", "activation"],
)
def test_activation_layers(make_layer, tmp_path):
    assert_exports(sequential(make_layer(), (3, 4)), floats(3, 4), tmp_path)


def test_preprocessing_arithmetic(tmp_path):
    model = sequential(
        [
            layers.Rescaling(1 / 255.0, offset=-0.5),
            layers.Normalization(mean=[1.0, 2.0, 3.0], variance=[1, 4, 9]),
        ],
        (5, 3),
    )
    assert_exports(model, floats(5, 3), tmp_path)


def test_dropout_and_noise_are_identities_in_inference(tmp_path):
    model = sequential(
        [
            layers.Dropout(0.5),
            layers.GaussianNoise(1.0),
            layers.GaussianDropout(0.3),
            layers.AlphaDropout(0.2),
            layers.SpatialDropout1D(0.5),
            layers.Dense(2),
        ],
        (3, 4),
    )
    assert_exports(model, floats(3, 4), tmp_path)


class _Math(layers.Layer):
    def call(self, x):
        y = ops.abs(x) + 0.5
        return [
            ops.sign(x) * ops.floor(x) + ops.ceil(x),
            ops.round(x * 3.0),
            ops.sqrt(y) + ops.rsqrt(y) + ops.log(y) + ops.log1p(y),
            ops.expm1(x) + ops.exp(x) + ops.square(x) + x**3 + y**-2,
            ops.sin(x) + ops.cos(x) + ops.tan(x * 0.5) + ops.arctan(x),
            ops.sinh(x)
            + ops.cosh(x)
            + ops.arcsin(x * 0.5)
            + ops.arctan2(x, y - 1),
            ops.power(y, x) + ops.maximum(x, 0.1) + ops.minimum(x, -0.1),
            ops.clip(x, -0.5, 0.5) + ops.mod(x, 0.7) + ops.erf(x),
            ops.where(ops.logical_and(x > 0, ops.logical_not(x > 1)), x, -x),
            ops.cast(ops.logical_or(x >= 0.5, x <= -0.5), "float32"),
            ops.cast(ops.not_equal(ops.cast(x * 4, "int32"), 0), "int32"),
            ops.cast(x * 10, "int32") // 3 + ops.cast(x * 10, "int32") % 4,
            ops.isfinite(x / (x - x[:, :1])),
        ]


def test_math_ops(tmp_path):
    assert_exports(sequential(_Math(), (6,)), floats(6), tmp_path, atol=2e-5)


def test_rounding_halfway_cases_match(tmp_path):
    values = np.array([[-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]], "float32")
    model = sequential(layers.Lambda(lambda x: ops.round(x)), (6,))
    assert_exports(model, lambda batch: [np.repeat(values, batch, 0)], tmp_path)


class _MoreMath(layers.Layer):
    def call(self, x):
        import jax
        import jax.numpy as jnp

        unit = jnp.tanh(x) * 0.9
        big = jnp.abs(x) + 1.5
        rounded = jax.lax.reduce_precision(x, exponent_bits=8, mantissa_bits=23)
        mixed = jnp.logical_xor(x > 0, unit > 0.3).astype("float32")
        parts = jax.lax.unstack(x, axis=1)
        return [
            jnp.arccos(unit) + jnp.arcsinh(x) + jnp.arctanh(unit),
            jnp.arccosh(big) + jnp.cbrt(x) + jnp.exp2(x),
            jax.checkpoint(lambda y: jnp.sin(y) * 2.0)(rounded) + mixed,
            parts[0] - parts[-1],
        ]


def test_more_math_written_in_jax(tmp_path):
    model = sequential(_MoreMath(), (4,))
    assert_exports(model, floats(4), tmp_path)
