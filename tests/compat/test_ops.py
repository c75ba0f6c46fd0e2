import functools

import jax
import keras
import numpy as np
import pytest

from ember import ops

RNG = np.random.default_rng(0)


def _normal(*shape):
    return RNG.standard_normal(shape).astype("float32")


X = _normal(4, 6)
Y = _normal(4, 6)
ROW = _normal(6)
POS = np.abs(X) + 0.1
UNIT = np.tanh(X)
INTS = RNG.integers(-5, 6, (4, 6)).astype("int32")
BOOLS = X > 0
LABELS = RNG.integers(0, 6, (4,)).astype("int32")
PROBS = np.asarray(jax.nn.softmax(Y))
TARGET_PROBS = np.asarray(jax.nn.softmax(X))
BINARY = (RNG.random((4, 6)) > 0.5).astype("float32")
SIGMOIDS = np.asarray(jax.nn.sigmoid(Y))
CUBE = _normal(2, 3, 4)

# (name, args, kwargs): ember.ops.<name> and keras.ops.<name> must agree.
CASES = [
    *[
        (name, (X,), {})
        for name in [
            "negative",
            "abs",
            "absolute",
            "sign",
            "square",
            "exp",
            "expm1",
            "sin",
            "cos",
            "tan",
            "arctan",
            "sinh",
            "cosh",
            "tanh",
            "floor",
            "ceil",
            "round",
            "trunc",
            "reciprocal",
            "isnan",
            "isinf",
            "isfinite",
            "logical_not",
            "erf",
            "relu",
            "relu6",
            "sigmoid",
            "softplus",
            "softsign",
            "silu",
            "swish",
            "log_sigmoid",
            "hard_sigmoid",
            "hard_silu",
            "hard_swish",
            "selu",
            "elu",
            "celu",
            "gelu",
            "leaky_relu",
            "softmax",
            "log_softmax",
            "glu",
            "normalize",
            "ravel",
            "transpose",
            "copy",
            "ones_like",
            "zeros_like",
            "size",
        ]
    ],
    *[
        (name, (POS,), {})
        for name in ["sqrt", "log", "log1p", "log2", "log10", "rsqrt"]
    ],
    *[(name, (UNIT,), {}) for name in ["arcsin", "arccos", "erfinv"]],
    *[
        (name, (X, Y), {})
        for name in [
            "add",
            "subtract",
            "multiply",
            "divide",
            "true_divide",
            "maximum",
            "minimum",
            "equal",
            "not_equal",
            "less",
            "less_equal",
            "greater",
            "greater_equal",
            "logical_and",
            "logical_or",
            "logical_xor",
            "arctan2",
            "logaddexp",
            "floor_divide",
            "mod",
            "divide_no_nan",
            "isclose",
        ]
    ],
    ("add", (X, ROW), {}),
    ("add", (X, 2.0), {}),
    ("multiply", (INTS, 1.5), {}),
    ("divide", (INTS, 2), {}),
    ("divide_no_nan", (X, np.where(BOOLS, Y, 0.0)), {}),
    ("power", (POS, Y), {}),
    ("power", (INTS, 2), {}),
    ("clip", (X, -0.5, 0.5), {}),
    ("clip", (INTS, -2, 3), {}),
    ("where", (BOOLS, X, Y), {}),
    ("where", (BOOLS, X, 0.0), {}),
    ("nan_to_num", (np.array([np.nan, np.inf, -np.inf, 1.0], "float32"),), {}),
    ("round", (X * 100,), {"decimals": -1}),
    ("gelu", (X,), {"approximate": False}),
    ("leaky_relu", (X,), {"negative_slope": 0.1}),
    ("elu", (X,), {"alpha": 0.5}),
    ("softmax", (X,), {"axis": 0}),
    ("log_softmax", (CUBE,), {"axis": 1}),
    ("normalize", (X,), {"axis": 0, "order": 1}),
    # reductions
    *[
        (name, (CUBE,), kwargs)
        for name in [
            "sum",
            "mean",
            "max",
            "min",
            "prod",
            "var",
            "std",
            "amax",
            "amin",
            "logsumexp",
        ]
        for kwargs in [{}, {"axis": 1}, {"axis": (0, 2), "keepdims": True}]
    ],
    *[
        (name, (INTS,), {"axis": 0})
        for name in ["sum", "mean", "max", "var", "std", "prod"]
    ],
    ("max", (X,), {"axis": 1, "initial": 0.5}),
    ("min", (X,), {"axis": 0, "initial": -0.5}),
    ("all", (BOOLS,), {"axis": 1}),
    ("any", (BOOLS,), {"axis": 0, "keepdims": True}),
    ("argmax", (X,), {}),
    ("argmax", (CUBE,), {"axis": -1}),
    ("argmin", (CUBE,), {"axis": 1, "keepdims": True}),
    ("cumsum", (X,), {"axis": 1}),
    ("cumsum", (X,), {}),
    ("cumprod", (X,), {"axis": 0}),
    ("sort", (X,), {}),
    ("argsort", (X,), {"axis": 0}),
    ("count_nonzero", (INTS,), {"axis": 1}),
    ("average", (X,), {"axis": 1, "weights": ROW}),
    ("average", (X,), {}),
    # shapes, joins, indexing
    ("transpose", (CUBE,), {"axes": (2, 0, 1)}),
    ("reshape", (CUBE,), {"newshape": (6, -1)}),
    ("expand_dims", (X,), {"axis": 1}),
    ("squeeze", (X[:, :1],), {}),
    ("squeeze", (CUBE[:1],), {"axis": 0}),
    ("concatenate", ([X, Y],), {"axis": 1}),
    ("stack", ([X, Y],), {"axis": -1}),
    ("hstack", ([X, Y],), {}),
    ("vstack", ([X, Y],), {}),
    ("split", (X, 3), {"axis": 1}),
    ("split", (X, [1, 3]), {}),
    ("tile", (X, (2, 1)), {}),
    ("repeat", (X, 2), {"axis": 0}),
    ("repeat", (X, 2), {}),
    ("swapaxes", (CUBE, 0, 2), {}),
    ("moveaxis", (CUBE, 0, -1), {}),
    ("flip", (X,), {"axis": 1}),
    ("roll", (X, 2), {"axis": 1}),
    ("pad", (X, ((1, 2), (0, 1))), {}),
    ("pad", (X, ((1, 1), (2, 2))), {"mode": "reflect"}),
    ("pad", (X, 1), {"constant_values": 3.0}),
    ("tril", (X,), {}),
    ("triu", (X,), {"k": 1}),
    ("diag", (X,), {}),
    ("diag", (ROW,), {}),
    ("broadcast_to", (ROW, (3, 6)), {}),
    ("take", (X, np.array([0, 2, -1])), {"axis": 1}),
    ("take", (X, np.array([[0, 5], [7, 3]])), {}),
    ("take_along_axis", (X, np.argsort(X, axis=1)), {"axis": 1}),
    ("get_item", (CUBE, (slice(None), 1)), {}),
    ("unstack", (CUBE,), {"axis": 1}),
    ("slice", (CUBE, (0, 1, 1), (2, 2, -1)), {}),
    ("slice_update", (CUBE, (0, 1, 1), np.ones((2, 1, 2), "float32")), {}),
    (
        "scatter",
        (np.array([[0, 1], [2, 3]]), np.array([1.0, 2.0], "float32"), (3, 4)),
        {},
    ),
    ("scatter_update", (X, np.array([[0, 1], [2, 3]]), ROW[:2]), {}),
    ("cast", (X, "int32"), {}),
    ("cast", (INTS, "float16"), {}),
    ("stop_gradient", (X,), {}),
    # creation
    ("ones", ((2, 3),), {}),
    ("zeros", ((4,),), {"dtype": "int32"}),
    ("full", ((2, 2), 7.0), {}),
    ("full_like", (X, 3), {}),
    ("zeros_like", (INTS,), {"dtype": "float32"}),
    ("arange", (5,), {}),
    ("arange", (1.0, 4.0, 0.5), {}),
    ("arange", (2, 11, 3), {}),
    ("eye", (3,), {}),
    ("eye", (3, 4), {"k": 1}),
    ("identity", (4,), {}),
    ("linspace", (0.0, 1.0, 7), {}),
    ("linspace", (0.0, 1.0, 4), {"endpoint": False}),
    ("meshgrid", (ROW[:3], ROW), {"indexing": "ij"}),
    # products
    ("matmul", (X, Y.T), {}),
    ("matmul", (CUBE, CUBE.transpose(0, 2, 1)), {}),
    ("dot", (X, ROW), {}),
    ("einsum", ("ij,kj->ik", X, Y), {}),
    ("tensordot", (CUBE, CUBE), {"axes": ((1, 2), (1, 2))}),
    ("outer", (ROW, ROW), {}),
    # nn
    ("one_hot", (LABELS, 6), {}),
    ("one_hot", (LABELS, 6), {"axis": 0, "dtype": "int32"}),
    ("multi_hot", (np.array([[0, 2], [1, 1]]), 4), {}),
    ("moments", (CUBE, (0, 1)), {}),
    ("moments", (CUBE, [2]), {"keepdims": True}),
    ("batch_normalization", (X, ROW, POS[0], -1), {}),
    (
        "batch_normalization",
        (X.T, ROW, POS[0], 0),
        {"offset": Y[0], "scale": Y[1], "epsilon": 1e-2},
    ),
    ("categorical_crossentropy", (TARGET_PROBS, PROBS), {}),
    ("categorical_crossentropy", (TARGET_PROBS, Y), {"from_logits": True}),
    ("sparse_categorical_crossentropy", (LABELS, PROBS), {}),
    (
        "sparse_categorical_crossentropy",
        (LABELS[:, None], Y),
        {"from_logits": True},
    ),
    ("binary_crossentropy", (BINARY, SIGMOIDS), {}),
    ("binary_crossentropy", (BINARY, Y), {"from_logits": True}),
    # math
    ("top_k", (X, 3), {}),
    ("in_top_k", (LABELS, Y, 2), {}),
    ("segment_sum", (X, np.array([0, 0, 2, 1])), {"num_segments": 3}),
    ("segment_max", (X, np.array([0, 0, 2, 2])), {"num_segments": 3}),
]


# Convolutions: (spatial shape, channels, kernel size, filters, kwargs).
CONV_SETUPS = [
    ((9, 9), 4, (3, 3), 6, {}),
    ((9, 9), 4, (3, 3), 6, {"padding": "same"}),
    ((9, 9), 4, (3, 3), 6, {"strides": 2}),
    ((10, 9), 4, (3, 2), 6, {"strides": 2, "padding": "same"}),
    ((9, 9), 4, (3, 3), 6, {"dilation_rate": 2}),
    ((9, 9), 4, (3, 3), 6, {"dilation_rate": 2, "padding": "SAME"}),
    ((11,), 3, (4,), 5, {"strides": 2, "padding": "same"}),
    ((5, 6, 7), 2, (2, 3, 2), 3, {"padding": "same"}),
    ((8, 8), 4, (3, 3), 6, {"data_format": "channels_first"}),
]
GROUPED_SETUPS = [
    ((9, 9), 4, (3, 3), 6, {}),
    ((9, 9), 4, (3, 3), 6, {"padding": "same", "strides": 2}),
    ((8, 8), 4, (3, 3), 6, {"data_format": "channels_first"}),
]


def _image(spatial, channels, kwargs):
    if kwargs.get("data_format") == "channels_first":
        return _normal(2, channels, *spatial)
    return _normal(2, *spatial, channels)


def _conv_cases():
    cases = []
    for groups, setups in ((1, CONV_SETUPS), (2, GROUPED_SETUPS)):
        for spatial, channels, size, filters, kwargs in setups:
            inputs = _image(spatial, channels, kwargs)
            kernel = _normal(*size, channels // groups, filters)
            cases.append(("conv", (inputs, kernel), kwargs))
    for spatial, channels, size, filters, kwargs in CONV_SETUPS:
        inputs = _image(spatial, channels, kwargs)
        depthwise = _normal(*size, channels, 2)
        pointwise = _normal(*(1,) * len(size), channels * 2, filters)
        cases.append(("depthwise_conv", (inputs, depthwise), kwargs))
        cases.append(("separable_conv", (inputs, depthwise, pointwise), kwargs))
    return cases


def _conv_transpose_cases():
    kernel = _normal(3, 2, 3, 4)
    return [
        ("conv_transpose", (_image((5, 6), 4, kwargs), kernel), kwargs)
        for kwargs in [
            {},
            {"padding": "same"},
            {"strides": 2},
            {"strides": 2, "padding": "same"},
            {"strides": 3, "output_padding": 1},
            {"strides": 2, "padding": "same", "output_padding": 1},
            {"dilation_rate": 2},
            {"data_format": "channels_first", "strides": 2},
        ]
    ]


# Pooling: (input shape, pool size, kwargs).
POOL_SETUPS = [
    ((2, 9, 3), 2, {}),
    ((2, 9, 3), 3, {"strides": 2, "padding": "same"}),
    ((2, 7, 8, 3), 2, {}),
    ((2, 7, 8, 3), 2, {"padding": "same"}),
    ((2, 7, 8, 3), 3, {"strides": 1}),
    ((2, 7, 8, 3), 3, {"strides": 1, "padding": "same"}),
    ((2, 7, 8, 3), (3, 2), {"strides": 2, "padding": "same"}),
    ((2, 7, 8, 3), 3, {"strides": (2, 1), "padding": "valid"}),
    ((2, 3, 7, 8), 3, {"strides": 2, "data_format": "channels_first"}),
    ((2, 3, 7, 8), 2, {"padding": "same", "data_format": "channels_first"}),
    ((2, 5, 6, 7, 2), 2, {"padding": "same"}),
    ((2, 5, 6, 7, 2), (2, 3, 2), {"strides": 2}),
]


def _pool_cases():
    return [
        (name, (_normal(*shape), pool_size), kwargs)
        for name in ("max_pool", "average_pool")
        for shape, pool_size, kwargs in POOL_SETUPS
    ]


ALL_CASES = CASES + _conv_cases() + _conv_transpose_cases() + _pool_cases()


def _keras_kwargs(name, args, kwargs):
    if name.endswith("_pool") and "strides" not in kwargs:
        # Keras' JAX backend fails on strides=None; its layers always pass
        # them explicitly.
        return {**kwargs, "strides": args[1]}
    return kwargs


@functools.cache
def _outputs(library):
    """Every case's output, computed in one jit (one compilation in all:
    eager dispatch would compile each primitive of each case on its own).
    """
    module = ops if library == "ember" else keras.ops

    def run_all():
        outputs = []
        for name, args, kwargs in ALL_CASES:
            if library == "keras":
                kwargs = _keras_kwargs(name, args, kwargs)
            outputs.append(getattr(module, name)(*args, **kwargs))
        return outputs

    return jax.jit(run_all)()


def _case_id(case):
    name, args, kwargs = case
    shape = getattr(args[0], "shape", None)
    details = [str(shape)] if name.endswith(("conv", "pool")) else []
    details += [f"{key}={value}" for key, value in kwargs.items()]
    return "-".join([name, *details])


@pytest.mark.parametrize(
    "index", range(len(ALL_CASES)), ids=[_case_id(c) for c in ALL_CASES]
)
def test_same_output_as_keras(index):
    ours = jax.tree_util.tree_leaves(_outputs("ember")[index])
    theirs = jax.tree_util.tree_leaves(_outputs("keras")[index])
    assert len(ours) == len(theirs)
    for mine, expected in zip(ours, theirs, strict=True):
        mine, expected = np.asarray(mine), np.asarray(expected)
        assert mine.dtype == expected.dtype
        np.testing.assert_allclose(mine, expected, rtol=1e-5, atol=1e-5)


def test_ops_agree_with_keras_eagerly_too():
    for name, args, kwargs in [
        ("logsumexp", (X,), {"axis": 1}),
        ("conv", (_image((6, 6), 4, {}), _normal(3, 3, 4, 5)), {}),
        ("average_pool", (_normal(2, 7, 8, 3), 3), {"padding": "same"}),
    ]:
        ours = getattr(ops, name)(*args, **kwargs)
        kwargs = _keras_kwargs(name, args, kwargs)
        theirs = getattr(keras.ops, name)(*args, **kwargs)
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"is_causal": True},
        {"scale": 0.3, "bias": _normal(4, 4)},
        {"mask": np.tril(np.ones((4, 4), bool))[None, None]},
    ],
)
def test_dot_product_attention_equals_keras(kwargs):
    q, k, v = _normal(2, 4, 2, 3), _normal(2, 4, 1, 3), _normal(2, 4, 1, 3)
    np.testing.assert_allclose(
        ops.dot_product_attention(q, k, v, **kwargs),
        keras.ops.dot_product_attention(q, k, v, **kwargs),
        rtol=1e-5,
        atol=1e-6,
    )
