"""Explicit rank promotion: NumPy broadcasting made visible to JAX.

NumPy (and Keras) broadcast a `(3,)` array against a `(2, 3)` one by
prepending size-1 axes. JAX can be told to refuse that silently implicit
step (`jax_numpy_rank_promotion="raise"`, as ember's tests do), so ember
promotes ranks itself wherever broadcasting across ranks is meant. A
reshape that adds size-1 axes costs nothing in XLA.
"""

from typing import Any


def lift(x: Any, rank: int) -> Any:
    """Prepends size-1 axes to `x` until it has `rank` dimensions.

    Args:
        x: an array (jax or NumPy); scalars and Python numbers are returned
            as they are, since every rank broadcasts against them.
        rank: the rank to reach.

    Returns:
        `x` reshaped to `(1, ..., 1) + x.shape`, or `x` itself.
    """
    ndim = getattr(x, "ndim", 0)
    if ndim == 0 or ndim >= rank:
        return x
    return x.reshape((1,) * (rank - ndim) + tuple(x.shape))


def promote_ranks(*xs: Any) -> tuple:
    """Gives every array among `xs` the rank of the highest-rank one.

    Lower-rank arrays get leading size-1 axes, which is what NumPy
    broadcasting does implicitly; values and dtypes do not change.

    Args:
        *xs: arrays (jax or NumPy) or Python numbers.

    Returns:
        A tuple of the same length as `xs`.

    Example:

    >>> import numpy as np
    >>> a, b = promote_ranks(np.ones((2, 3)), np.ones(3))
    >>> b.shape
    (1, 3)
    """
    rank = max((getattr(x, "ndim", 0) for x in xs), default=0)
    return tuple(lift(x, rank) for x in xs)
