"""Merging layers against Keras: same inputs, same outputs, shapes,
configs and masks."""

import keras
import numpy as np
import pytest

import ember

CASES = [
    ("Add", {}, [(2, 3), (2, 3)]),
    ("Add", {}, [(2, 3), (2, 4, 3), (2, 1, 3)]),
    ("Subtract", {}, [(2, 3, 4), (2, 3, 4)]),
    ("Subtract", {}, [(2, 4), (2, 3, 1)]),
    ("Multiply", {}, [(2, 3), (2, 3), (2, 1)]),
    ("Average", {}, [(2, 5), (2, 5), (2, 5)]),
    ("Maximum", {}, [(2, 3, 4), (2, 3, 4)]),
    ("Minimum", {}, [(2, 3, 4), (2, 1, 4)]),
    ("Concatenate", {}, [(2, 3), (2, 5)]),
    ("Concatenate", {"axis": 1}, [(2, 3, 4), (2, 2, 4), (2, 1, 4)]),
    ("Concatenate", {"axis": -2}, [(2, 3, 4), (2, 2, 4)]),
    ("Dot", {"axes": 1}, [(2, 4), (2, 4)]),
    ("Dot", {"axes": -1}, [(2, 3, 4), (2, 5, 4)]),
    ("Dot", {"axes": (1, 2)}, [(2, 3, 5), (2, 10, 3)]),
    ("Dot", {"axes": [2, 1], "normalize": True}, [(2, 3, 4), (2, 4, 5)]),
    ("Dot", {"axes": (2, 3)}, [(2, 3, 4), (2, 5, 6, 4)]),
    ("Dot", {"axes": 1, "normalize": True}, [(2, 6), (2, 6)]),
]

FUNCTIONS = ["add", "subtract", "multiply", "average", "maximum", "minimum"]


def _case_id(case):
    name, kwargs, shapes = case
    args = "-".join(f"{k}={v}" for k, v in kwargs.items())
    return f"{name}-{args}-{'x'.join(str(len(s)) for s in shapes)}"


def _inputs(shapes):
    rng = np.random.default_rng(0)
    return [rng.normal(size=s).astype("float32") for s in shapes]


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_outputs_match_keras(case):
    name, kwargs, shapes = case
    xs = _inputs(shapes)
    expected = np.asarray(getattr(keras.layers, name)(**kwargs)(xs))
    ours = getattr(ember.layers, name)(**kwargs)(xs)
    np.testing.assert_allclose(ours, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_symbolic_shapes_match_keras(case):
    name, kwargs, shapes = case
    theirs = getattr(keras.layers, name)(**kwargs)(
        [keras.Input(shape=s[1:]) for s in shapes]
    )
    ours = getattr(ember.layers, name)(**kwargs)(
        [ember.Input(shape=s[1:]) for s in shapes]
    )
    assert ours.shape == theirs.shape
    layer = getattr(ember.layers, name)(**kwargs)
    keras_layer = getattr(keras.layers, name)(**kwargs)
    assert tuple(layer.compute_output_shape(shapes)) == tuple(
        keras_layer.compute_output_shape(shapes)
    )


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_configs_and_params_match_keras(case):
    name, kwargs, shapes = case
    keras_layer = getattr(keras.layers, name)(**kwargs)
    ember_layer = getattr(ember.layers, name)(**kwargs)
    keras_layer(_inputs(shapes))
    ember_layer(_inputs(shapes))
    ours, theirs = ember_layer.get_config(), keras_layer.get_config()
    assert set(ours) == set(theirs)
    ours.pop("name"), theirs.pop("name")
    assert ours == theirs
    assert ember_layer.count_params() == keras_layer.count_params() == 0
    assert ember_layer.supports_masking == keras_layer.supports_masking
    rebuilt = type(ember_layer).from_config(ember_layer.get_config())
    assert rebuilt.get_config() == ember_layer.get_config()


@pytest.mark.parametrize("name", FUNCTIONS)
def test_functional_forms_match_keras(name):
    xs = _inputs([(2, 3), (2, 3)])
    expected = np.asarray(getattr(keras.layers, name)(xs))
    np.testing.assert_allclose(
        getattr(ember.layers, name)(xs), expected, rtol=1e-6
    )


def test_concatenate_and_dot_functional_forms_match_keras():
    xs = _inputs([(2, 3, 4), (2, 3, 4)])
    for axis in (1, -1):
        np.testing.assert_allclose(
            ember.layers.concatenate(xs, axis=axis),
            keras.layers.concatenate(xs, axis=axis),
        )
    np.testing.assert_allclose(
        ember.layers.dot(xs, axes=1),
        keras.layers.dot(xs, axes=1),
        rtol=1e-5,
    )
    np.testing.assert_allclose(
        ember.layers.dot(xs, axes=2, normalize=True),
        keras.layers.dot(xs, axes=2, normalize=True),
        rtol=1e-5,
    )


def _masked_inputs():
    x = _inputs([(2, 4, 3), (2, 4, 3)])
    x[0][0, 1] = 0.0
    x[0][1, 3] = 0.0
    x[1][0, 1] = 0.0
    x[1][1, 0] = 0.0
    return x


@pytest.mark.parametrize(
    "name", ["Add", "Subtract", "Multiply", "Maximum", "Minimum", "Average"]
)
def test_masked_outputs_and_masks_match_keras(name):
    xs = _masked_inputs()
    inputs = [keras.Input(shape=(4, 3)), keras.Input(shape=(4, 3))]
    masked = [keras.layers.Masking()(x) for x in inputs]
    model = keras.Model(inputs, getattr(keras.layers, name)()(masked))
    expected = np.asarray(model(xs))
    masks = [ember.layers.Masking().compute_mask(x) for x in xs]
    layer = getattr(ember.layers, name)()
    ours = layer(xs, mask=masks)
    np.testing.assert_allclose(ours, expected, rtol=1e-6)
    keras_mask = keras.layers.Add().compute_mask(xs, masks)
    np.testing.assert_array_equal(layer.compute_mask(xs, masks), keras_mask)


def test_concatenate_compute_mask_matches_keras():
    mask = np.array([[1, 0, 1, 1], [0, 0, 1, 1]], bool)
    for axis, shapes in ((-1, [(2, 4, 3), (2, 4, 2)]), (1, [(2, 4, 3)] * 2)):
        xs = _inputs(shapes)
        for masks in ([mask, None], [None, mask], [mask, ~mask]):
            layer = keras.layers.Concatenate(axis=axis)
            theirs = layer.compute_mask(xs, masks)
            ours = ember.layers.Concatenate(axis=axis).compute_mask(xs, masks)
            np.testing.assert_array_equal(ours, theirs)
    assert ember.layers.Concatenate().compute_mask(xs, [None, None]) is None
    assert ember.layers.Dot(axes=1).compute_mask(xs, masks) is None
