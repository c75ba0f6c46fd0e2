"""Core layers (Embedding, EinsumDense, Masking, Lambda's output_shape)
against Keras: Keras' weights copied in, same outputs, masks, configs."""

import keras
import numpy as np
import pytest

import ember

INDICES = np.array([[0, 3, 9, 1], [2, 0, 0, 5]], "int32")

CASES = [
    ("Embedding", {"input_dim": 10, "output_dim": 3}, INDICES),
    (
        "Embedding",
        {"input_dim": 10, "output_dim": 4, "mask_zero": True},
        INDICES,
    ),
    (
        "Embedding",
        {"input_dim": 10, "output_dim": 2, "embeddings_initializer": "ones"},
        INDICES.astype("float32"),
    ),
    ("EinsumDense", {"equation": "ab,bc->ac", "output_shape": 4}, (2, 3)),
    (
        "EinsumDense",
        {
            "equation": "abc,cd->abd",
            "output_shape": (None, 5),
            "bias_axes": "d",
            "activation": "relu",
        },
        (2, 3, 4),
    ),
    (
        "EinsumDense",
        {
            "equation": "abc,cde->abde",
            "output_shape": (3, 2, 4),
            "bias_axes": "de",
        },
        (2, 3, 5),
    ),
    (
        "EinsumDense",
        {"equation": "...b,bc->...c", "output_shape": 4, "bias_axes": "c"},
        (2, 3, 5, 6),
    ),
    (
        "EinsumDense",
        {"equation": "ab...,bc->ac...", "output_shape": 4, "bias_axes": "c"},
        (2, 6, 5, 3),
    ),
    (
        "EinsumDense",
        {"equation": "abc,bcd->ad", "output_shape": 3, "bias_axes": "d"},
        (2, 4, 5),
    ),
    ("Masking", {}, (2, 4, 3)),
    ("Masking", {"mask_value": 1.5}, (2, 4, 3)),
]


def _case_id(case):
    name, kwargs, _ = case
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _data(spec):
    if isinstance(spec, np.ndarray):
        return spec
    x = np.random.default_rng(0).normal(size=spec).astype("float32")
    # Whole steps equal to the mask values, for Masking.
    x[0, 1] = 0.0
    x[1, 2] = 1.5
    return x


def _pair(name, kwargs, spec):
    x = _data(spec)
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    keras_layer.build(x.shape)
    ember_layer.build(x.shape)
    rng = np.random.default_rng(1)
    for variable in keras_layer.weights:
        variable.assign(rng.normal(size=variable.shape))
    ember_layer.set_weights([np.asarray(v.value) for v in keras_layer.weights])
    return keras_layer, ember_layer, x


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_outputs_match_keras(case):
    keras_layer, ember_layer, x = _pair(*case)
    expected = np.asarray(keras_layer(x))
    np.testing.assert_allclose(ember_layer(x), expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_masks_match_keras(case):
    keras_layer, ember_layer, x = _pair(*case)
    theirs = keras_layer.compute_mask(x, None)
    ours = ember_layer.compute_mask(x, None)
    if theirs is None:
        assert ours is None
    else:
        np.testing.assert_array_equal(ours, np.asarray(theirs))
    assert ember_layer.supports_masking == keras_layer.supports_masking


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_configs_weights_and_params_match_keras(case):
    keras_layer, ember_layer, x = _pair(*case)
    ours, theirs = ember_layer.get_config(), keras_layer.get_config()
    assert set(ours) == set(theirs)
    ours.pop("name"), theirs.pop("name")
    assert ours == theirs
    assert ember_layer.count_params() == keras_layer.count_params()
    assert [(v.name, v.shape) for v in ember_layer.weights] == [
        (v.name, tuple(v.shape)) for v in keras_layer.weights
    ]
    rebuilt = type(ember_layer).from_config(ember_layer.get_config())
    assert rebuilt.get_config() == ember_layer.get_config()


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_symbolic_shapes_match_keras(case):
    """Symbolic shapes equal Keras' where Keras' equal its eager shapes.

    Keras' EinsumDense reports None for sizes taken from the input, and
    reverses the leading axes of `...` equations; ember gives the true
    shape there.
    """
    keras_layer, ember_layer, x = _pair(*case)
    dtype = str(x.dtype)
    theirs = keras_layer(keras.Input(x.shape[1:], dtype=dtype))
    ours = ember_layer(ember.Input(x.shape[1:], dtype=dtype))
    eager = (None, *np.shape(keras_layer(x))[1:])
    assert ours.shape == eager
    if case[0] != "EinsumDense":
        assert ours.shape == theirs.shape
    assert ours.dtype == theirs.dtype


def test_einsum_dense_initial_fans_match_keras():
    """Variance-scaling kernels use the contraction's fans, as in Keras."""
    kwargs = {
        "equation": "abc,cde->abde",
        "output_shape": (3, 8, 16),
        "kernel_initializer": keras.initializers.VarianceScaling(
            scale=2.0, mode="fan_in", distribution="uniform"
        ),
    }
    keras_layer = keras.layers.EinsumDense(**kwargs)
    keras_layer.build((None, 3, 32))
    kwargs["kernel_initializer"] = ember.initializers.VarianceScaling(
        scale=2.0, mode="fan_in", distribution="uniform"
    )
    ember_layer = ember.layers.EinsumDense(**kwargs)
    ember_layer.build((None, 3, 32))
    limit = np.sqrt(3 * 2.0 / 32)  # fan_in is 32, not 32 * 8
    for layer in (keras_layer, ember_layer):
        kernel = np.asarray(layer.weights[0].value)
        assert kernel.shape == (32, 8, 16)
        assert np.abs(kernel).max() <= limit
        assert np.abs(kernel).max() > 0.9 * limit


def test_embedding_weights_argument_matches_keras():
    matrix = np.arange(12, dtype="float32").reshape(4, 3)
    keras_layer = keras.layers.Embedding(4, 3, weights=matrix)
    ember_layer = ember.layers.Embedding(4, 3, weights=matrix)
    assert ember_layer.built
    x = np.array([[3, 1]])
    np.testing.assert_array_equal(ember_layer(x), np.asarray(keras_layer(x)))


@pytest.mark.parametrize(
    "output_shape",
    [(5,), lambda shape: (shape[0], 7), [(3,), (3,)]],
    ids=["tuple", "function", "list"],
)
def test_lambda_output_shape_matches_keras(output_shape):
    def fn(x):
        return [x, x] if isinstance(output_shape, list) else x

    theirs = keras.layers.Lambda(fn, output_shape=output_shape)(
        keras.Input((3,))
    )
    ours = ember.layers.Lambda(fn, output_shape=output_shape)(ember.Input((3,)))
    if isinstance(theirs, list):
        assert [t.shape for t in ours] == [t.shape for t in theirs]
    else:
        assert ours.shape == theirs.shape
