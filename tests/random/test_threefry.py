"""The written-out threefry hash: jax's bits and masks, without jax's loop."""

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from ember.random import threefry


@pytest.mark.parametrize(
    "shape", [(), (1,), (7, 3), (32, 64, 128), (2, 1, 5, 3)]
)
@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1])
def test_bits_equal_jax_random_bits(shape, seed):
    key = jax.random.key(seed)
    expected = jax.random.bits(key, shape, jnp.uint32)
    np.testing.assert_array_equal(threefry._bits(key, shape), expected)


@pytest.mark.parametrize("p", [0.0, 0.1, 0.5, 0.9, 1.0])
def test_bernoulli_equals_jax_under_jit(p):
    shape = (64, 33)

    @jax.jit
    def both(key):
        return (
            threefry.bernoulli(key, p, shape),
            jax.random.bernoulli(key, p, shape),
        )

    for key in jax.random.split(jax.random.key(7), 4):
        ours, theirs = both(key)
        assert ours.dtype == jnp.bool_
        np.testing.assert_array_equal(ours, theirs)


def test_bernoulli_under_vmap_equals_jax():
    keys = jax.random.split(jax.random.key(3), 5)
    ours = jax.vmap(lambda k: threefry.bernoulli(k, 0.3, (4, 6)))(keys)
    theirs = jax.vmap(lambda k: jax.random.bernoulli(k, 0.3, (4, 6)))(keys)
    np.testing.assert_array_equal(ours, theirs)


def test_written_out_hash_has_no_loop():
    key = jax.random.key(0)
    ours = jax.jit(lambda k: threefry.bernoulli(k, 0.9, (8, 8))).lower(key)
    theirs = jax.jit(lambda k: jax.random.bernoulli(k, 0.9, (8, 8))).lower(key)
    assert "stablehlo.while" not in ours.as_text()
    # jax's own CPU lowering is the rolled loop this module avoids.
    assert "stablehlo.while" in theirs.as_text()


def test_other_keys_and_counters_fall_back_to_jax():
    rbg = jax.random.key(0, impl="rbg")
    np.testing.assert_array_equal(
        threefry.bernoulli(rbg, 0.5, (16,)),
        jax.random.bernoulli(rbg, 0.5, (16,)),
    )
    key = jax.random.key(0)
    assert not threefry._applies(key, (4, 0))  # no values
    assert not threefry._applies(jax.random.split(key, 2), (3,))  # two keys
    with jax.threefry_partitionable(False):
        assert not threefry._applies(key, (3,))
        np.testing.assert_array_equal(
            threefry.bernoulli(key, 0.5, (40,)),
            jax.random.bernoulli(key, 0.5, (40,)),
        )
