"""max_pool's gradient for non-overlapping windows (a custom rule)."""

import jax
import numpy as np
from jax import lax

from ember import ops


def test_max_pool_value_and_gradient_equal_reduce_window():
    x = np.random.default_rng(0).normal(size=(2, 6, 7, 3)).astype("float32")

    def reference(x):
        window = (1, 2, 2, 1)
        return lax.reduce_window(x, -np.inf, lax.max, window, window, "VALID")

    def loss(pool):
        return lambda x: (pool(x) ** 2).sum()

    ours = ops.max_pool(x, 2)
    np.testing.assert_array_equal(ours, reference(x))
    np.testing.assert_allclose(
        jax.grad(loss(lambda t: ops.max_pool(t, 2)))(x),
        jax.grad(loss(reference))(x),
        rtol=1e-6,
    )
    jitted = jax.jit(jax.grad(loss(lambda t: ops.max_pool(t, 2))))
    np.testing.assert_allclose(jitted(x), jax.grad(loss(reference))(x))
