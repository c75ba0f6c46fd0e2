import jax
import numpy as np

from ember.core.seed import SeedGenerator
from ember.core.seed import draw_key
from ember.core.seed import set_random_seed
from ember.utils import set_random_seed as public_set_random_seed


def test_seed_generator_advances_its_state():
    gen = SeedGenerator(7)
    first = jax.random.normal(gen.next(), (3,))
    second = jax.random.normal(gen.next(), (3,))
    assert not np.allclose(first, second)
    np.testing.assert_array_equal(gen.state.numpy(), [7, 2])
    again = SeedGenerator(7)
    np.testing.assert_allclose(jax.random.normal(again.next(), (3,)), first)


def test_int_seed_gives_the_same_key_every_time():
    a = jax.random.uniform(draw_key(3), (4,))
    b = jax.random.uniform(draw_key(3), (4,))
    np.testing.assert_array_equal(a, b)


def test_set_random_seed_makes_global_draws_reproducible():
    set_random_seed(5)
    a = [jax.random.uniform(draw_key(None), (2,)) for _ in range(2)]
    public_set_random_seed(5)
    b = [jax.random.uniform(draw_key(None), (2,)) for _ in range(2)]
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.allclose(a[0], a[1])
