"""Random seeds: `SeedGenerator` (state in a variable) and the global seed."""

import random as python_random

import jax
import jax.numpy as jnp
import numpy as np

from ember.core import naming
from ember.core.variable import Variable

_GLOBAL_GENERATOR = None


class SeedGenerator:
    """Hands out a fresh `jax.random` key on each `next()` call.

    Its state is a non-trainable `Variable`, so layers that draw random
    numbers (Dropout) stay pure under `jax.jit`: the state is passed in with
    the other non-trainable variables and the advanced state comes back.

    Args:
        seed: an int for a reproducible sequence, or None for a random one.

    Example:

    >>> gen = SeedGenerator(42)
    >>> key = gen.next()
    """

    def __init__(self, seed: int | None = None, name: str | None = None):
        if seed is None:
            seed = python_random.randint(1, int(1e9))
        if not isinstance(seed, int | np.integer):
            raise ValueError(
                f"Argument `seed` must be an int or None. Received: seed={seed}"
            )
        self.name = name or naming.uniquify("seed_generator")
        self._initial_seed = int(seed)
        with naming.name_scope(self.name):
            self.state = Variable(
                np.array([int(seed) % (2**32), 0], dtype=np.uint32),
                dtype="uint32",
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered: bool = True) -> jax.Array:
        """Returns a new key and advances the state.

        Args:
            ordered: advance the state by `[0, 1]` (True); or, as Keras'
                `ordered=False`, map it to `(state + 1) * 5387 % 933199`,
                a sequence of near-unique values.
        """
        value = self.state.value
        if ordered:
            self.state.assign(value + jnp.array([0, 1], dtype="uint32"))
        else:
            self.state.assign((value + 1) * 5387 % 933199)
        return jax.random.wrap_key_data(value, impl="threefry2x32")

    def _next_on_host(self) -> jax.Array:
        """Like `next`, but always advances the real state, even inside a
        trace or a state scope: used for initial weights, which are drawn
        eagerly whatever the context."""
        value = self.state._value
        self.state._value = value + np.array([0, 1], dtype=np.uint32)
        return jax.random.wrap_key_data(value, impl="threefry2x32")

    def get_config(self) -> dict:
        """Returns `{"seed": ...}`."""
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config: dict) -> "SeedGenerator":
        """Rebuilds a generator from `get_config()`'s dict."""
        return cls(**config)


def global_seed_generator() -> SeedGenerator:
    """Returns the process-wide generator used when no seed is given."""
    global _GLOBAL_GENERATOR
    if _GLOBAL_GENERATOR is None:
        _GLOBAL_GENERATOR = SeedGenerator(name="global_seed_generator")
    return _GLOBAL_GENERATOR


def reset_global_seed_generator() -> None:
    """Forgets the global generator: the next unseeded draw makes a new
    one with a random seed (Keras' `clear_session`)."""
    global _GLOBAL_GENERATOR
    _GLOBAL_GENERATOR = None


def set_random_seed(seed: int) -> None:
    """Seeds Python's `random`, numpy and ember's global generator.

    After this call, models built and trained by the same program get the
    same initial weights and the same random draws.

    Args:
        seed: a non-negative int.
    """
    global _GLOBAL_GENERATOR
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(
            f"Expected `seed` to be a non-negative int. Received: seed={seed}"
        )
    python_random.seed(int(seed))
    np.random.seed(int(seed))
    _GLOBAL_GENERATOR = SeedGenerator(int(seed), name="global_seed_generator")


def draw_key(seed) -> jax.Array:
    """Returns a key for one random draw.

    Args:
        seed: an int (the same key every time), a `SeedGenerator` (its next
            key), a jax key, or None (the global generator's next key).
    """
    if seed is None:
        with jax.ensure_compile_time_eval():
            return global_seed_generator()._next_on_host()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, int | np.integer):
        # Keras' convention: the raw threefry key [seed, 0].
        data = np.array([int(seed) % (2**32), 0], dtype=np.uint32)
        return jax.random.wrap_key_data(data, impl="threefry2x32")
    if isinstance(seed, jax.Array):
        if jnp.issubdtype(seed.dtype, jax.dtypes.prng_key):
            return seed
        return jax.random.wrap_key_data(
            jnp.asarray(seed, dtype="uint32"), impl="threefry2x32"
        )
    raise ValueError(
        "Expected `seed` to be an int, a SeedGenerator, a key or None. "
        f"Received: seed={seed!r}"
    )
