"""Confusion-matrix counts at thresholds, shared by the threshold metrics.

A prediction counts as positive at threshold `t` when it is strictly
greater than `t`; a label counts as positive when it is nonzero. Counts are
weighted by the sample weights (0 leaves a row out, which is how the padded
rows of a last batch are masked) and summed per threshold.

Evenly spaced thresholds (`i / (n - 1)`, as AUC and the "at" metrics use)
take a bucketed path in O(thresholds + predictions), as Keras does; other
lists compare every prediction with every threshold.
"""

from collections.abc import Sequence
from typing import Any
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from ember.core import config
from ember.core.ranks import lift
from ember.losses.loss import match_ranks

# The threshold used with `top_k`: every kept prediction is above it, every
# filtered one (set to NEG_INF) is not.
NEG_INF = -1e10


class Counts(NamedTuple):
    """Weighted true/false positive/negative counts, one per threshold."""

    tp: jax.Array
    fp: jax.Array
    tn: jax.Array
    fn: jax.Array


def owner(cls_name: str, name: str | None) -> str:
    """`'Precision "p"'`, or `'Precision'` without a name (for errors)."""
    return cls_name if name is None else f'{cls_name} "{name}"'


def to_list(value: Any) -> list:
    """`value` as a list: a list or tuple is copied, anything else wrapped."""
    return list(value) if isinstance(value, list | tuple) else [value]


def add_zero_variables(metric: Any, names: Sequence[str], shape) -> None:
    """Adds a variable of zeros per name, kept as the metric's attribute."""
    for name in names:
        variable = metric.add_variable(
            shape=shape, initializer="zeros", dtype=metric.dtype, name=name
        )
        setattr(metric, name, variable)


def parse_thresholds(thresholds: Any, default: float, what: str) -> list:
    """The list of thresholds, checked to lie in `[0, 1]`.

    Args:
        thresholds: None, a float, or a list or tuple of floats.
        default: the threshold used when `thresholds` is None.
        what: the metric, named in the error message.
    """
    if thresholds is None:
        return [default]
    thresholds = to_list(thresholds)
    invalid = [t for t in thresholds if t is None or t < 0 or t > 1]
    if invalid:
        raise ValueError(
            f"{what}: threshold values must be in [0, 1]. Received: "
            f"thresholds={thresholds!r} (invalid: {invalid!r})"
        )
    return thresholds


def evenly_spaced(thresholds: Sequence[float]) -> bool:
    """Whether `thresholds` are `[0, 1/(n-1), ..., 1]` with `n >= 3`."""
    count = len(thresholds)
    if count < 3:
        return False
    even = np.arange(count, dtype=np.float32) / (count - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def filter_top_k(x: jax.Array, k: int) -> jax.Array:
    """Keeps the `k` largest values of the last axis; the rest become NEG_INF.

    Ties keep the first occurrences, as `top_k` does.
    """
    _, indices = jax.lax.top_k(x, k)
    mask = jnp.sum(jax.nn.one_hot(indices, x.shape[-1], dtype=x.dtype), -2)
    return x * mask + NEG_INF * (1 - mask)


def prepare(
    y_true: Any,
    y_pred: Any,
    sample_weight: Any,
    dtype: str,
    what: str,
    top_k: int | None = None,
    class_id: int | None = None,
) -> tuple:
    """Aligns labels, predictions and weights; applies `top_k`, `class_id`.

    Labels and predictions whose ranks differ by a trailing axis of 1 are
    aligned; weights of shape `(batch,)` apply to every label of a row.

    Returns:
        `(y_true, y_pred, sample_weight)`: labels and predictions of the
        same shape, and weights broadcastable to it (or None).
    """
    y_pred = jnp.asarray(y_pred, dtype=dtype)
    y_true = jnp.asarray(y_true, dtype=dtype)
    y_pred, y_true = match_ranks(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = jnp.asarray(sample_weight, dtype=dtype)[..., None]
        _, sample_weight = match_ranks(
            y_true, sample_weight, expand_rank_1=False
        )
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{what}: `y_true` and `y_pred` must have the same shape. "
            f"Received: y_true.shape={y_true.shape}, "
            f"y_pred.shape={y_pred.shape}"
        )
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim == 1:
            raise ValueError(
                f"{what}: with `class_id`, `y_pred` must have shape "
                "(num_samples, num_classes). Received: "
                f"y_pred.shape={y_pred.shape}"
            )
        y_true = y_true[..., class_id, None]
        y_pred = y_pred[..., class_id, None]
    if sample_weight is not None:
        sample_weight = jnp.broadcast_to(sample_weight, y_pred.shape)
    return y_true, y_pred, sample_weight


def _weights(y_pred, sample_weight, label_weights, multi_label):
    weights = jnp.ones(y_pred.shape, y_pred.dtype)
    if sample_weight is not None:
        weights = weights * sample_weight
    if label_weights is not None:
        label_weights = jnp.asarray(label_weights, y_pred.dtype)
        weights = weights * lift(label_weights, weights.ndim)
    return weights if multi_label else jnp.reshape(weights, (-1,))


def _reverse_cumsum(x: jax.Array, axis: int) -> jax.Array:
    return jnp.flip(jnp.cumsum(jnp.flip(x, axis), axis=axis), axis)


def _bucketed(y_true, y_pred, weights, thresholds, multi_label):
    """Counts for evenly spaced thresholds through bucket sums.

    A prediction `p` lands in bucket `ceil(p * (n - 1)) - 1`; the positives
    at threshold `i` are the sum of buckets `>= i`. Predictions are clipped
    to `[0, 1]`. When the end thresholds sit an epsilon outside `[0, 1]`
    (AUC), a prediction of 0 is counted at the first one.
    """
    count = len(thresholds)
    with_epsilon = thresholds[0] < 0.0 or thresholds[-1] > 1.0
    y_pred = jnp.clip(y_pred, 0.0, 1.0)
    if not multi_label:
        y_true, y_pred = jnp.reshape(y_true, (-1,)), jnp.reshape(y_pred, (-1,))
    y_true = jnp.asarray(y_true != 0, y_pred.dtype)
    true_weights = y_true * weights
    false_weights = (1.0 - y_true) * weights
    buckets = jnp.ceil(y_pred * (count - 1)) - 1
    if with_epsilon:
        buckets = jnp.maximum(buckets, 0)
    buckets = buckets.astype("int32")

    def bucket_sums(values, ids):
        # Ids out of [0, count) (a prediction of 0 without epsilon) drop out.
        return jax.ops.segment_sum(values, ids, num_segments=count)

    if multi_label:
        per_label = jax.vmap(bucket_sums, in_axes=(1, 1), out_axes=1)
        tp = _reverse_cumsum(per_label(true_weights, buckets), 0)
        fp = _reverse_cumsum(per_label(false_weights, buckets), 0)
    else:
        tp = _reverse_cumsum(bucket_sums(true_weights, buckets), 0)
        fp = _reverse_cumsum(bucket_sums(false_weights, buckets), 0)
    tn = jnp.sum(false_weights, axis=0, keepdims=True) - fp
    fn = jnp.sum(true_weights, axis=0, keepdims=True) - tp
    return Counts(tp, fp, tn, fn)


def _compared(y_true, y_pred, weights, thresholds, multi_label):
    """Counts by comparing every prediction with every threshold."""
    if not multi_label:
        y_true, y_pred = jnp.reshape(y_true, (-1,)), jnp.reshape(y_pred, (-1,))
    thresholds = jnp.asarray(thresholds, y_pred.dtype)
    thresholds = jnp.reshape(thresholds, (-1,) + (1,) * y_pred.ndim)
    predicted = y_pred[None] > thresholds
    actual = (y_true != 0)[None]

    def total(condition):
        return jnp.sum(jnp.where(condition, weights[None], 0.0), axis=1)

    return Counts(
        tp=total(actual & predicted),
        fp=total(~actual & predicted),
        tn=total(~actual & ~predicted),
        fn=total(actual & ~predicted),
    )


def confusion_counts(
    y_true: jax.Array,
    y_pred: jax.Array,
    thresholds: Sequence[float],
    sample_weight: jax.Array | None = None,
    evenly: bool = False,
    multi_label: bool = False,
    label_weights: jax.Array | None = None,
) -> Counts:
    """The weighted confusion counts of one batch at each threshold.

    Args:
        y_true, y_pred, sample_weight: as returned by `prepare`.
        thresholds: the thresholds, a list of floats.
        evenly: whether the thresholds are evenly spaced over `[0, 1]`
            (then the bucketed path is used).
        multi_label: keep the last axis of rank-2 inputs apart (counts of
            shape `(thresholds, labels)`) instead of flattening everything.
        label_weights: weights of the labels (the last axis), multiplied
            into the sample weights.

    Returns:
        `Counts` of shape `(len(thresholds),)`, or `(len(thresholds),
        labels)` with `multi_label`.
    """
    weights = _weights(y_pred, sample_weight, label_weights, multi_label)
    count = _bucketed if evenly else _compared
    return count(y_true, y_pred, weights, list(thresholds), multi_label)


def divide_no_nan(x: jax.Array, y: jax.Array) -> jax.Array:
    """`x / y`, with 0 where `y` is 0."""
    safe = jnp.where(y == 0, jnp.ones_like(y), y)
    return jnp.where(y == 0, jnp.zeros_like(x), x / safe)
