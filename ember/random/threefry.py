"""Threefry-2x32 bits written out in full, for XLA:CPU.

On CPU, jax lowers its threefry hash as a rolled loop over the hash's five
blocks of four rounds (it compiles faster): each block reads and writes the
whole array of counters, and the loop keeps XLA from fusing the hash with
what uses its bits. Written out, the same twenty rounds on the same
counters fuse into one loop with the comparison and the select that use
them: a dropout mask of `(32, 64, 128)` took about 0.5 ms against 1.4 ms.
The bits are jax's, bit for bit, so the masks stay Keras' (both draw them
with `jax.random.bernoulli`); wherever the written-out hash would not give
jax's bits (another key type, the non-partitionable counters, 64-bit
floats), `jax.random` runs instead.
"""

import math
from collections.abc import Sequence

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

# Threefry-2x32's rotation distances, alternating per block of four rounds,
# and its key-schedule parity constant (Salmon et al., "Parallel random
# numbers: as easy as 1, 2, 3", 2011).
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = np.uint32(0x1BD11BDA)


def _rotate_left(x: jax.Array, distance: int) -> jax.Array:
    return (x << np.uint32(distance)) | (x >> np.uint32(32 - distance))


def _hash(key: jax.Array, high: jax.Array, low: jax.Array):
    """Threefry-2x32 (20 rounds) of the counter pairs `(high, low)`."""
    schedule = (key[0], key[1], key[0] ^ key[1] ^ _PARITY)
    x0 = high + schedule[0]
    x1 = low + schedule[1]
    for block in range(5):
        for distance in _ROTATIONS[block % 2]:
            x0 = x0 + x1
            x1 = _rotate_left(x1, distance) ^ x0
        x0 = x0 + schedule[(block + 1) % 3]
        x1 = x1 + schedule[(block + 2) % 3] + np.uint32(block + 1)
    return x0, x1


def _applies(key: jax.Array, shape: tuple) -> bool:
    """Whether the written-out hash gives `jax.random`'s bits and is the
    faster one: one threefry key, jax's partitionable counters (its
    default), 32-bit floats, a static shape of under 2**32 values, CPU."""
    return (
        jax.default_backend() == "cpu"
        and jax.config.jax_threefry_partitionable
        and not jax.config.jax_enable_x64
        and jnp.issubdtype(key.dtype, jax.dtypes.prng_key)
        and key.shape == ()
        and str(jax.random.key_impl(key)) == "threefry2x32"
        and all(isinstance(d, int) for d in shape)
        and 0 < math.prod(shape) < 2**32
    )


def _bits(key: jax.Array, shape: tuple) -> jax.Array:
    """`jax.random.bits(key, shape, uint32)` with partitionable counters:
    value `i` (row-major) hashes the counter pair `(0, i)`."""
    low = lax.iota(np.uint32, math.prod(shape)).reshape(shape)
    x0, x1 = _hash(jax.random.key_data(key), jnp.zeros_like(low), low)
    return x0 ^ x1


def bernoulli(key: jax.Array, p: float, shape: Sequence[int]) -> jax.Array:
    """`jax.random.bernoulli(key, p, shape)`, the same values, with the hash
    written out where that gives jax's bits.

    Args:
        key: a jax key.
        p: the probability of True, a Python float.
        shape: the mask's shape.

    Returns:
        A boolean array of `shape`.

    Example:

    >>> mask = bernoulli(jax.random.key(0), 0.9, (2, 3))
    """
    shape = tuple(shape)
    if not _applies(key, shape):
        return jax.random.bernoulli(key, p, shape)
    # jax's uniform in [0, 1): 23 random mantissa bits under exponent 0.
    mantissa = _bits(key, shape) >> np.uint32(32 - 23)
    one = np.array(1.0, np.float32).view(np.uint32)
    uniform = lax.bitcast_convert_type(mantissa | one, np.float32)
    return uniform - np.float32(1.0) < np.float32(p)
