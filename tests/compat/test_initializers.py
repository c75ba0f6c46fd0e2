import keras
import numpy as np
import pytest

from ember import initializers

RANDOM_NAMES = [
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "GlorotUniform",
    "GlorotNormal",
    "HeUniform",
    "HeNormal",
    "LecunUniform",
    "LecunNormal",
    "Orthogonal",
]
CONSTANT_NAMES = ["Zeros", "Ones", "Constant", "Identity"]
# Keras' STFT initializer (for the STFTSpectrogram layer) is not in ember.
NOT_IN_EMBER = {"STFT", "STFTInitializer", "stft"}


def _pair(name, **kwargs):
    ours = getattr(initializers, name)(**kwargs)
    theirs = getattr(keras.initializers, name)(**kwargs)
    return ours, theirs


def test_every_keras_initializer_exists():
    names = [
        name
        for name in dir(keras.initializers)
        if not name.startswith("_") and name not in NOT_IN_EMBER
    ]
    missing = [name for name in names if not hasattr(initializers, name)]
    assert missing == []


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("Zeros", {}),
        ("Ones", {}),
        ("Constant", {}),
        ("Constant", {"value": 3.5}),
        ("Identity", {}),
        ("Identity", {"gain": 0.5}),
    ],
)
@pytest.mark.parametrize("shape", [(3, 4), (5, 5)])
@pytest.mark.parametrize("dtype", [None, "float16", "float32"])
def test_deterministic_values_equal_keras(name, kwargs, shape, dtype):
    ours, theirs = _pair(name, **kwargs)
    a, b = (
        np.asarray(ours(shape, dtype=dtype)),
        np.asarray(theirs(shape, dtype)),
    )
    assert a.dtype == b.dtype
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", CONSTANT_NAMES + RANDOM_NAMES)
def test_serialize_equals_keras_without_seed(name):
    ours, theirs = _pair(name)
    assert initializers.serialize(ours) == keras.initializers.serialize(theirs)


@pytest.mark.parametrize("name", RANDOM_NAMES)
def test_serialize_equals_keras_with_seed(name):
    ours, theirs = _pair(name, seed=42)
    assert initializers.serialize(ours) == keras.initializers.serialize(theirs)


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("Constant", {"value": 2}),
        ("RandomNormal", {"mean": 1.0, "stddev": 0.5, "seed": 3}),
        ("RandomUniform", {"minval": -1.0, "maxval": 2.0}),
        ("TruncatedNormal", {"mean": -1.0, "stddev": 3.0}),
        (
            "VarianceScaling",
            {"scale": 2.0, "mode": "fan_avg", "distribution": "uniform"},
        ),
        ("VarianceScaling", {"distribution": "normal", "seed": 1}),
        ("HeNormal", {"input_axes": [0], "output_axes": [1]}),
        ("Orthogonal", {"gain": 2.0, "seed": 4}),
    ],
)
def test_serialize_with_arguments_equals_keras(name, kwargs):
    ours, theirs = _pair(name, **kwargs)
    assert initializers.serialize(ours) == keras.initializers.serialize(theirs)


@pytest.mark.parametrize("name", CONSTANT_NAMES + RANDOM_NAMES)
def test_ember_reads_keras_configs(name):
    kwargs = {"seed": 7} if name in RANDOM_NAMES else {}
    theirs = getattr(keras.initializers, name)(**kwargs)
    config = keras.initializers.serialize(theirs)
    ours = initializers.deserialize(config)
    assert type(ours).__name__ == name
    assert initializers.serialize(ours) == config


@pytest.mark.parametrize("name", CONSTANT_NAMES + RANDOM_NAMES)
def test_keras_reads_ember_configs(name):
    kwargs = {"seed": 7} if name in RANDOM_NAMES else {}
    config = initializers.serialize(getattr(initializers, name)(**kwargs))
    theirs = keras.initializers.deserialize(config)
    assert type(theirs).__name__ == name
    assert keras.initializers.serialize(theirs) == config


@pytest.mark.parametrize(
    "shape", [(), (5,), (4, 6), (3, 3, 8), (3, 3, 4, 16), (2, 2, 2, 3, 5)]
)
def test_compute_fans_equals_keras(shape):
    from keras.src.initializers.random_initializers import compute_fans

    assert initializers.compute_fans(shape) == compute_fans(shape)


@pytest.mark.parametrize(
    "name",
    [
        "zeros",
        "ones",
        "constant",
        "identity",
        "glorot_uniform",
        "glorot_normal",
        "he_uniform",
        "he_normal",
        "lecun_uniform",
        "lecun_normal",
        "random_normal",
        "random_uniform",
        "truncated_normal",
        "variance_scaling",
        "orthogonal",
        "normal",
        "uniform",
        "one",
        "zero",
    ],
)
def test_names_resolve_to_the_same_class(name):
    ours = initializers.get(name)
    theirs = getattr(keras.initializers, name, None) or keras.initializers.get(
        name
    )
    theirs_name = theirs.__name__ if isinstance(theirs, type) else None
    theirs_name = theirs_name or type(theirs).__name__
    assert type(ours).__name__ == theirs_name


@pytest.mark.parametrize("name", RANDOM_NAMES)
@pytest.mark.parametrize("shape", [(64, 32), (3, 3, 16, 32)])
def test_seeded_values_equal_keras(name, shape):
    # Both build the key [seed, 0] from an int seed: the same numbers.
    ours, theirs = _pair(name, seed=11)
    np.testing.assert_allclose(
        np.asarray(ours(shape)), np.asarray(theirs(shape)), atol=1e-6
    )
