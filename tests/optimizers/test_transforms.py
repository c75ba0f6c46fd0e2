"""Keras' gradient arithmetic as optax transformations."""

import jax.numpy as jnp
import numpy as np
import optax

from ember import optimizers
from ember.optimizers import transforms


def test_global_norm_clip_scales_jointly_and_keeps_nan_on_overflow():
    tx = transforms.clip_by_global_norm(1.0)
    clipped, _ = tx.update([jnp.array([3.0]), jnp.array([4.0])], tx.init(None))
    np.testing.assert_allclose(
        [float(c[0]) for c in clipped], [0.6, 0.8], rtol=1e-6
    )
    # An overflowing norm gives NaN, as Keras; optax's clip gives zeros.
    huge = [jnp.array([1e30, 1e30], jnp.float32)]
    clipped, _ = tx.update(huge, tx.init(None))
    assert bool(jnp.all(jnp.isnan(clipped[0])))


def test_per_tensor_norm_clip():
    tx = transforms.clip_by_norm(1.0)
    grads = [jnp.array([3.0, 4.0]), jnp.array([0.3, 0.4]), jnp.zeros(2)]
    clipped, _ = tx.update(grads, tx.init(None))
    np.testing.assert_allclose(clipped[0], [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(clipped[1], [0.3, 0.4], rtol=1e-6)
    np.testing.assert_array_equal(clipped[2], [0.0, 0.0])


def test_accumulation_keeps_sums_and_releases_the_mean():
    tx = transforms.accumulate_gradients(3)
    state = tx.init([jnp.zeros(2)])
    seen = []
    for iteration, g in enumerate([[1.0, 2.0], [3.0, 4.0], [5.0, 0.0]]):
        out, state = tx.update([jnp.array(g)], state, iteration=iteration)
        seen.append((np.asarray(out[0]), np.asarray(state[0])))
    # passes the gradient through until the third call, which gets the mean
    np.testing.assert_allclose(seen[0][0], [1.0, 2.0])
    np.testing.assert_allclose(seen[1][1], [4.0, 6.0])
    np.testing.assert_allclose(seen[2][0], [3.0, 2.0])
    np.testing.assert_allclose(seen[2][1], [0.0, 0.0])


def test_pieces_chain_with_optax():
    opt = optimizers.SGD(learning_rate=0.5, loss_scale_factor=2.0)
    tx = optax.chain(
        transforms.unscale_gradients(2.0), optax.clip(0.5), opt.transform()
    )
    params = [jnp.zeros(2)]
    state = tx.init(params)
    updates, _ = tx.update(
        [jnp.array([4.0, -0.5])], state, params, learning_rate=0.5, step=1
    )
    # unscaled to (2, -0.25), clipped to (0.5, -0.25), times -lr
    np.testing.assert_allclose(updates[0], [-0.25, 0.125], rtol=1e-6)
