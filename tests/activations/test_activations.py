import math

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember import activations
from ember.core.symbolic import SymbolicTensor

X = np.array([-3.0, -1.0, -0.5, 0.0, 0.5, 1.0, 3.0, 7.0], dtype="float32")


def _sigmoid(v):
    return 1.0 / (1.0 + math.exp(-v))


def _softplus(v):
    return math.log1p(math.exp(v))


SELU_ALPHA = 1.6732632423543772
SELU_SCALE = 1.0507009873554805

# Each activation with a pure-Python reference, evaluated elementwise.
ELEMENTWISE = {
    "relu": lambda v: max(v, 0.0),
    "relu6": lambda v: min(max(v, 0.0), 6.0),
    "leaky_relu": lambda v: v if v >= 0 else 0.2 * v,
    "sigmoid": _sigmoid,
    "tanh": math.tanh,
    "elu": lambda v: v if v > 0 else math.exp(v) - 1.0,
    "selu": lambda v: (
        SELU_SCALE * (v if v > 0 else SELU_ALPHA * (math.exp(v) - 1.0))
    ),
    "gelu": lambda v: 0.5 * v * (1.0 + math.erf(v / math.sqrt(2.0))),
    "silu": lambda v: v * _sigmoid(v),
    "swish": lambda v: v * _sigmoid(v),
    "softplus": _softplus,
    "softsign": lambda v: v / (abs(v) + 1.0),
    "hard_sigmoid": lambda v: min(max(v + 3.0, 0.0), 6.0) / 6.0,
    "hard_silu": lambda v: v * min(max(v + 3.0, 0.0), 6.0) / 6.0,
    "hard_swish": lambda v: v * min(max(v + 3.0, 0.0), 6.0) / 6.0,
    "exponential": math.exp,
    "linear": lambda v: v,
    "mish": lambda v: v * math.tanh(_softplus(v)),
    "celu": lambda v: v if v > 0 else math.exp(v) - 1.0,
    "hard_tanh": lambda v: min(max(v, -1.0), 1.0),
    "hard_shrink": lambda v: v if abs(v) > 0.5 else 0.0,
    "soft_shrink": lambda v: (
        v - 0.5 if v > 0.5 else (v + 0.5 if v < -0.5 else 0.0)
    ),
    "tanh_shrink": lambda v: v - math.tanh(v),
    "squareplus": lambda v: (v + math.sqrt(v * v + 4.0)) / 2.0,
    "sparse_plus": lambda v: (
        0.0 if v <= -1 else (v if v >= 1 else (v + 1) ** 2 / 4)
    ),
    "sparse_sigmoid": lambda v: min(max((v + 1.0) / 2.0, 0.0), 1.0),
    "log_sigmoid": lambda v: -_softplus(-v),
}


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_elementwise_values_match_the_formula(name):
    fn = getattr(activations, name)
    expected = np.array([ELEMENTWISE[name](float(v)) for v in X])
    out = fn(X)
    assert out.shape == X.shape
    assert str(out.dtype) == "float32"
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(ELEMENTWISE))
def test_activation_runs_under_jit(name):
    fn = getattr(activations, name)
    np.testing.assert_allclose(jax.jit(fn)(X), fn(X), rtol=1e-6, atol=1e-7)


def test_relu_options():
    x = np.array([-2.0, 0.0, 0.5, 1.0, 2.0, 10.0], dtype="float32")
    np.testing.assert_allclose(
        activations.relu(x, max_value=1.5), [0, 0, 0.5, 1, 1.5, 1.5]
    )
    np.testing.assert_allclose(
        activations.relu(x, threshold=1.0), [0, 0, 0, 0, 2, 10]
    )
    np.testing.assert_allclose(
        activations.relu(x, negative_slope=0.1), [-0.2, 0, 0.5, 1, 2, 10]
    )
    # Below the threshold the slope is measured from the threshold.
    np.testing.assert_allclose(
        activations.relu(x, negative_slope=0.5, max_value=5.0, threshold=1.0),
        [-1.5, -0.5, -0.25, 0, 2, 5],
    )
    np.testing.assert_allclose(activations.relu(x, max_value=6.0)[-1], 6.0)


def test_defaults_follow_keras():
    x = np.array([-1.0, 2.0], dtype="float32")
    np.testing.assert_allclose(activations.leaky_relu(x), [-0.2, 2.0])
    exact = activations.gelu(x)
    approx = activations.gelu(x, approximate=True)
    assert not np.allclose(exact, approx, rtol=0, atol=1e-6)
    np.testing.assert_allclose(
        activations.elu(x, alpha=2.0), [2.0 * (math.exp(-1) - 1), 2.0]
    )


def test_softmax_and_log_softmax():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]], dtype="float32")
    e = np.exp([1.0, 2.0, 3.0])
    out = activations.softmax(x)
    np.testing.assert_allclose(out[0], e / e.sum(), rtol=1e-6)
    np.testing.assert_allclose(out[1], [1 / 3] * 3, rtol=1e-6)
    np.testing.assert_allclose(
        activations.log_softmax(x), np.log(out), rtol=1e-5, atol=1e-6
    )
    columns = activations.softmax(x, axis=0)
    np.testing.assert_allclose(columns.sum(axis=0), [1, 1, 1], rtol=1e-6)
    both = activations.softmax(x, axis=(0, 1))
    np.testing.assert_allclose(float(both.sum()), 1.0, rtol=1e-6)


def test_glu_threshold_and_sparsemax():
    x = np.array([[1.0, 2.0, 0.0, 3.0]], dtype="float32")
    expected = np.array([[1.0 * _sigmoid(0.0), 2.0 * _sigmoid(3.0)]])
    np.testing.assert_allclose(activations.glu(x), expected, rtol=1e-6)
    np.testing.assert_allclose(
        activations.threshold(x, 1.5, -1.0), [[-1.0, 2.0, -1.0, 3.0]]
    )
    # Projection of [0.5, 0.4, -1] on the simplex: tau = -0.05.
    z = np.array([0.5, 0.4, -1.0], dtype="float32")
    np.testing.assert_allclose(
        activations.sparsemax(z), [0.55, 0.45, 0.0], rtol=1e-6
    )
    rows = activations.sparsemax(np.array([[3.0, 1.0], [0.2, 0.1]]), axis=-1)
    np.testing.assert_allclose(rows, [[1.0, 0.0], [0.55, 0.45]], rtol=1e-6)


def test_accepts_lists_and_jax_arrays():
    np.testing.assert_allclose(activations.relu([-1.0, 2.0]), [0.0, 2.0])
    out = activations.sigmoid(jnp.zeros((2,), dtype="bfloat16"))
    assert out.dtype == jnp.bfloat16


@pytest.mark.parametrize(
    "name", sorted(set(ELEMENTWISE) | {"softmax", "log_softmax", "sparsemax"})
)
def test_symbolic_input_gives_symbolic_output(name):
    x = SymbolicTensor((None, 4), dtype="float32")
    out = getattr(activations, name)(x)
    assert isinstance(out, SymbolicTensor)
    assert out.shape == (None, 4)
    assert out.dtype == "float32"


def test_symbolic_glu_and_relu_options():
    x = SymbolicTensor((2, 6))
    assert activations.glu(x).shape == (2, 3)
    out = activations.relu(x, negative_slope=0.1, max_value=2.0)
    assert isinstance(out, SymbolicTensor)
    assert out.shape == (2, 6)


def test_get_by_name_alias_none_and_callable():
    assert activations.get("relu") is activations.relu
    assert activations.get("swish") is activations.silu
    assert activations.get("hard_swish") is activations.hard_silu
    assert activations.get(None) is activations.linear

    def custom(x):
        return x * 2

    assert activations.get(custom) is custom


def test_get_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match="Unknown activation: 'rleu'") as info:
        activations.get("rleu")
    assert "Did you mean 'relu'" in str(info.value)
    assert "Known activations:" in str(info.value)
    with pytest.raises(ValueError, match="Unknown activation: 'qqqqqqqq'"):
        activations.get("qqqqqqqq")
    with pytest.raises(ValueError, match="Could not interpret"):
        activations.get(42)


@pytest.mark.parametrize(
    "name", sorted(set(ELEMENTWISE) | {"softmax", "log_softmax", "glu"})
)
def test_serialize_round_trip(name):
    fn = activations.get(name)
    config = activations.serialize(fn)
    assert isinstance(config, str)
    assert activations.deserialize(config) is fn
    assert activations.get(config) is fn


def test_serialize_aliases_to_canonical_names():
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"


def test_dict_configs_and_custom_objects():
    config = {
        "module": "builtins",
        "class_name": "function",
        "config": "relu",
        "registered_name": "function",
    }
    assert activations.get(config) is activations.relu
    assert activations.deserialize(config) is activations.relu

    def double(x):
        return x * 2

    custom_config = activations.serialize(double)
    assert custom_config == {**config, "config": "double"}
    restored = activations.deserialize(custom_config, {"double": double})
    assert restored is double
    with pytest.raises(ValueError, match="Unknown activation: 'double'"):
        activations.deserialize(custom_config)


def test_callable_object_serialization():
    class Scale:
        def __init__(self, factor):
            self.factor = factor

        def __call__(self, x):
            return x * self.factor

        def get_config(self):
            return {"factor": self.factor}

    config = activations.serialize(Scale(3.0))
    assert config["class_name"] == "Scale"
    assert config["config"] == {"factor": 3.0}
    restored = activations.deserialize(config, custom_objects={"Scale": Scale})
    np.testing.assert_allclose(restored(np.array([1.0])), [3.0])
