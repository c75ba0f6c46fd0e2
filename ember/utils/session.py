"""`clear_session`: forget the global state ember keeps between models."""

import gc

from ember.core import naming
from ember.core import seed
from ember.dtype_policies.dtype_policy import reset_dtype_policy


def clear_session(free_memory: bool = True) -> None:
    """Resets the global state: names, the generator, the dtype policy.

    After it, automatic layer names start again (`dense`, `dense_1`, ...),
    unseeded random draws use a fresh global generator and the global dtype
    policy is `config.floatx()`'s again, as after Keras' `clear_session`.
    Models and layers that still exist keep working; only the bookkeeping
    is forgotten. Registered custom objects
    stay registered (Keras keeps them too).

    Args:
        free_memory: whether to run Python's garbage collector.

    Example:

    >>> _ = ember.layers.Dense(1)
    >>> ember.utils.clear_session()
    >>> ember.layers.Dense(1).name
    'dense'
    """
    naming.reset_uids()
    seed.reset_global_seed_generator()
    reset_dtype_policy()
    if free_memory:
        gc.collect()
