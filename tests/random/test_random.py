"""ember.random: seeds, shapes, dtypes, errors, and values worked out by
hand from jax.random with Keras' seed convention (key `[seed, 0]`)."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import ember
from ember import random
from ember.core.state_scope import StateScope


def _key(seed):
    return jnp.array([seed, 0], dtype="uint32")


def test_int_seed_is_the_key_seed_zero():
    expected = jax.random.normal(_key(5), (3,)) * 2.0 + 1.0
    np.testing.assert_array_equal(
        random.normal((3,), 1.0, 2.0, seed=5), expected
    )
    np.testing.assert_array_equal(
        random.normal((3,), 1.0, 2.0, seed=5),
        random.normal((3,), 1.0, 2.0, seed=5),
    )


def test_seed_generator_hands_out_its_state_then_advances():
    gen = random.SeedGenerator(9)
    first = random.uniform((2,), seed=gen)
    second = random.uniform((2,), seed=gen)
    np.testing.assert_array_equal(first, jax.random.uniform(_key(9), (2,)))
    np.testing.assert_array_equal(
        second, jax.random.uniform(jnp.array([9, 1], "uint32"), (2,))
    )
    np.testing.assert_array_equal(np.asarray(gen.state.value), [9, 2])


def test_seed_generator_is_ember_core_seed_generator():
    assert random.SeedGenerator is ember.core.seed.SeedGenerator


def test_uniform_bounds_and_dtype():
    values = np.asarray(random.uniform((1000,), -3.0, -1.0, "float16", seed=1))
    assert values.dtype == np.float16
    assert values.min() >= -3.0 and values.max() < -1.0


def test_truncated_normal_stays_within_two_stddevs():
    values = np.asarray(random.truncated_normal((2000,), 10.0, 0.5, seed=2))
    assert values.min() >= 9.0 and values.max() <= 11.0


def test_randint_range_and_dtype():
    values = np.asarray(random.randint((500,), 3, 6, dtype="int16", seed=3))
    assert set(values.tolist()) == {3, 4, 5}


@pytest.mark.parametrize(
    ("function", "args", "message"),
    [
        (random.uniform, ((2,),), "requires a floating point `dtype`"),
        (random.normal, ((2,),), "requires a floating point `dtype`"),
    ],
)
def test_float_functions_refuse_int_dtype(function, args, message):
    with pytest.raises(ValueError, match=message):
        function(*args, dtype="int32", seed=1)


def test_randint_refuses_float_dtype():
    with pytest.raises(ValueError, match="requires an integer `dtype`"):
        random.randint((2,), 0, 3, dtype="float32", seed=1)


def test_categorical_shape_dtype_and_certain_class():
    logits = np.log(np.array([[1e-9, 1.0, 1e-9], [1.0, 1e-9, 1e-9]]))
    samples = np.asarray(random.categorical(logits, 4, seed=0))
    np.testing.assert_array_equal(samples, [[1, 1, 1, 1], [0, 0, 0, 0]])
    assert samples.dtype == np.int32


def test_categorical_refuses_1d_logits():
    with pytest.raises(ValueError, match="should be a 2-D tensor"):
        random.categorical(np.zeros(3), 2, seed=0)


def test_dropout_keeps_scaled_or_zero():
    x = np.ones((4, 50), "float32")
    out = np.asarray(random.dropout(x, 0.75, seed=4))
    assert set(np.unique(out).tolist()) <= {0.0, 4.0}
    np.testing.assert_array_equal(random.dropout(x, 1.0, seed=4), 0 * x)
    np.testing.assert_array_equal(random.dropout(x, 0.0, seed=4), x)


def test_dropout_noise_shape_broadcasts_the_mask():
    x = np.ones((3, 40), "float32")
    out = np.asarray(random.dropout(x, 0.5, noise_shape=(1, None), seed=4))
    # One mask row for all three rows.
    np.testing.assert_array_equal(out[0], out[1])
    np.testing.assert_array_equal(out[0], out[2])


def test_shuffle_is_a_permutation_along_axis():
    x = np.arange(20).reshape(4, 5)
    out = np.asarray(random.shuffle(x, axis=1, seed=6))
    np.testing.assert_array_equal(np.sort(out, axis=1), x)
    assert not np.array_equal(out, x)


def test_gamma_beta_binomial_ranges():
    assert np.asarray(random.gamma((100,), 2.0, seed=1)).min() > 0
    b = np.asarray(random.beta((100,), 2.0, 3.0, seed=1))
    assert b.min() > 0 and b.max() < 1
    n = np.asarray(random.binomial((100,), 4, 0.5, seed=1))
    assert set(np.unique(n).tolist()) <= {0.0, 1.0, 2.0, 3.0, 4.0}


def test_seed_generator_inside_jit_through_a_state_scope():
    gen = random.SeedGenerator(11)

    @jax.jit
    def draw(state):
        with StateScope([(gen.state, state)]) as scope:
            value = random.normal((2,), seed=gen)
            return value, scope.get(gen.state)

    value, new_state = draw(gen.state.value)
    np.testing.assert_array_equal(value, jax.random.normal(_key(11), (2,)))
    np.testing.assert_array_equal(np.asarray(new_state), [11, 1])


def test_unseeded_draw_inside_jit_is_refused():
    with pytest.raises(ValueError, match="seed=None inside a traced"):
        jax.jit(lambda: random.normal((2,)))()


def test_unseeded_draws_follow_set_random_seed():
    ember.utils.set_random_seed(3)
    a = random.normal((2,))
    ember.utils.set_random_seed(3)
    np.testing.assert_array_equal(random.normal((2,)), a)


def test_seed_generator_from_config_restarts_the_sequence():
    gen = random.SeedGenerator(21)
    first = random.normal((2,), seed=gen)
    again = random.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(random.normal((2,), seed=again), first)
