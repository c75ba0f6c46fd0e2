import keras
import numpy as np
import pytest

from ember import activations

RNG = np.random.default_rng(0)
X = (RNG.standard_normal((4, 6)) * 3.0).astype("float32")

# Names whose results go through exp/erf/log and may differ in the last bits.
LOOSE = {"gelu", "mish", "selu", "elu", "celu", "exponential", "softplus"}
SKIP = {"threshold", "sparsemax"}

KERAS_NAMES = sorted(
    name
    for name in dir(keras.activations)
    if not name.startswith("_")
    and name not in ("get", "serialize", "deserialize")
)


def test_every_keras_activation_exists():
    missing = [name for name in KERAS_NAMES if not hasattr(activations, name)]
    assert missing == []


@pytest.mark.parametrize("name", [n for n in KERAS_NAMES if n not in SKIP])
def test_same_output_as_keras(name):
    ours = np.asarray(getattr(activations, name)(X))
    theirs = np.asarray(getattr(keras.activations, name)(X))
    tolerance = 1e-5 if name in LOOSE else 1e-6
    assert ours.dtype == theirs.dtype
    np.testing.assert_allclose(ours, theirs, rtol=tolerance, atol=tolerance)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("relu", {"negative_slope": 0.1}),
        ("relu", {"max_value": 2.0}),
        ("relu", {"max_value": 6.0}),
        ("relu", {"threshold": 0.5}),
        ("relu", {"negative_slope": 0.3, "max_value": 4.0, "threshold": -1.0}),
        ("leaky_relu", {"negative_slope": 0.05}),
        ("elu", {"alpha": 0.5}),
        ("celu", {"alpha": 2.0}),
        ("gelu", {"approximate": True}),
        ("softmax", {"axis": 0}),
        ("log_softmax", {"axis": 0}),
        ("glu", {"axis": 0}),
        ("hard_shrink", {"threshold": 1.0}),
        ("soft_shrink", {"threshold": 1.0}),
        ("squareplus", {"b": 2}),
        ("threshold", {"threshold": 0.3, "default_value": -2.0}),
    ],
)
def test_same_output_as_keras_with_arguments(name, kwargs):
    ours = np.asarray(getattr(activations, name)(X, **kwargs))
    theirs = np.asarray(getattr(keras.activations, name)(X, **kwargs))
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_sparsemax_with_one_winner_matches_keras():
    # Keras' JAX sparsemax only agrees with the definition when a single
    # value is in the support; ours is checked against the definition in
    # tests/activations.
    x = np.array([[5.0, 0.0, -1.0], [0.0, 4.0, 0.5]], dtype="float32")
    np.testing.assert_allclose(
        activations.sparsemax(x), keras.activations.sparsemax(x), atol=1e-6
    )


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_serialize_matches_keras(name):
    ours = activations.serialize(getattr(activations, name))
    assert ours == keras.activations.serialize(getattr(keras.activations, name))


@pytest.mark.parametrize("name", KERAS_NAMES)
def test_keras_names_resolve_to_the_same_function(name):
    keras_fn = keras.activations.get(name)
    assert activations.get(name).__name__ == keras_fn.__name__
