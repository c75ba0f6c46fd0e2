"""ember.random equals keras.random (JAX backend) bit for bit, with the same
integer seed or the same SeedGenerator seed."""

import keras
import numpy as np
import pytest

import ember

_LOGITS = np.log(np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], "float32"))
_X = np.arange(24, dtype="float32").reshape(4, 6)

CASES = {
    "normal": lambda lib, s: lib.random.normal((3, 4), 1.0, 2.0, seed=s),
    "normal_f16": lambda lib, s: lib.random.normal(
        (5,), dtype="float16", seed=s
    ),
    "uniform": lambda lib, s: lib.random.uniform((3, 4), -1.0, 2.0, seed=s),
    "truncated_normal": lambda lib, s: lib.random.truncated_normal(
        (3, 4), 0.5, 3.0, seed=s
    ),
    "randint": lambda lib, s: lib.random.randint((3, 4), -5, 9, seed=s),
    "categorical": lambda lib, s: lib.random.categorical(_LOGITS, 6, seed=s),
    "dropout": lambda lib, s: lib.random.dropout(_X, 0.4, seed=s),
    "dropout_noise_shape": lambda lib, s: lib.random.dropout(
        _X, 0.5, noise_shape=(None, 1), seed=s
    ),
    "shuffle": lambda lib, s: lib.random.shuffle(_X, seed=s),
    "shuffle_axis1": lambda lib, s: lib.random.shuffle(_X, axis=1, seed=s),
    "gamma": lambda lib, s: lib.random.gamma((6,), 1.5, seed=s),
    "binomial": lambda lib, s: lib.random.binomial((6,), 10, 0.3, seed=s),
    "beta": lambda lib, s: lib.random.beta((6,), 2.0, 0.5, seed=s),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_int_seed_draws_equal_keras(name):
    ours = np.asarray(CASES[name](ember, 1234))
    theirs = np.asarray(CASES[name](keras, 1234))
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("name", sorted(CASES))
def test_seed_generator_draws_equal_keras(name):
    ours_gen = ember.random.SeedGenerator(77)
    theirs_gen = keras.random.SeedGenerator(77)
    for _ in range(3):  # The generators advance in step.
        ours = np.asarray(CASES[name](ember, ours_gen))
        theirs = np.asarray(CASES[name](keras, theirs_gen))
        np.testing.assert_array_equal(ours, theirs)
    np.testing.assert_array_equal(
        np.asarray(ours_gen.state.value), np.asarray(theirs_gen.state.value)
    )


def test_unordered_next_advances_the_state_as_keras():
    ours = ember.random.SeedGenerator(5)
    theirs = keras.random.SeedGenerator(5)
    for _ in range(3):
        ours.next(ordered=False)
        theirs.next(ordered=False)
        np.testing.assert_array_equal(
            np.asarray(ours.state.value), np.asarray(theirs.state.value)
        )
    np.testing.assert_array_equal(
        np.asarray(ember.random.normal((3,), seed=ours)),
        np.asarray(keras.random.normal((3,), seed=theirs)),
    )
