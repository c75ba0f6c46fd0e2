"""Arrays to numpy, wherever their shards live."""

from typing import Any

import jax
import numpy as np


def to_numpy(array: Any) -> np.ndarray:
    """`array` as one numpy array on this host.

    An array split over devices of several processes (a `predict` output
    under a multi-process `DataParallel`, a `ModelParallel` kernel) is
    gathered from all of them first; every process must call this
    together, as for any collective.
    """
    if (
        isinstance(array, jax.Array)
        and not array.is_fully_addressable
        and not array.is_fully_replicated
    ):
        from jax.experimental import multihost_utils

        array = multihost_utils.process_allgather(array, tiled=True)
    return np.asarray(array)
