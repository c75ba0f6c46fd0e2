"""Data through a model's host stage (its leading numpy layers, see
`ember.models.host_stage`) on its way to the compiled step."""

from collections.abc import Callable
from typing import Any

import jax

from ember.core.dtypes import dtype_of
from ember.training.data import ArrayData
from ember.training.data import adapt


def _has_text(x: Any) -> bool:
    return any(dtype_of(a) == "string" for a in jax.tree_util.tree_leaves(x))


def through_host(model, x: Any) -> Any:
    """`x` (numpy) through `model`'s host stage: a `HostBatch` for the rest
    of the model, or `x` unchanged when the model has no host layers.

    An unbuilt model given text, or whose first layer runs on the host, is
    built on its first row first (a `Sequential` without an `Input`).
    """
    run = getattr(model, "_run_host_stage", None)
    if run is None or x is None:
        return x
    if not model.built:
        first = next(iter(model.layers), None)
        if not (_has_text(x) or getattr(first, "runs_on_host", False)):
            return x
        model(jax.tree_util.tree_map(lambda a: a[:1], x))
    return run(x)


def host_function(model) -> Callable[[Any], Any]:
    """`through_host` for `model`, for sources that adapt batch by batch."""
    return lambda x: through_host(model, x)


def adapt_for(
    model, x: Any, y: Any = None, sample_weight: Any = None, class_weight=None
) -> ArrayData:
    """`adapt` (checks and numpy conversion), then the host stage on `x`."""
    data = adapt(x, y, sample_weight, class_weight)
    return data._replace(x=through_host(model, data.x))
