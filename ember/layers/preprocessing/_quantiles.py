"""Approximate quantiles of a stream of batches, as Discretization adapts.

A summary is a `(2, k)` float32 array: sorted values in row 0 and the
weight (how many data points each value stands for) in row 1. Each batch
is summarized by evenly spaced order statistics, merged into the running
summary by value, and compressed back to about `1 / epsilon` points by
interpolating the cumulative weight. The bin boundaries are the summary
compressed to `num_bins` points, less the last. These are the steps of
Keras' `Discretization.adapt`, in the same float32 / float64 arithmetic,
so that both give the same boundaries to the last bit.
"""

import numpy as np


def empty_summary() -> np.ndarray:
    """The summary of no data."""
    return np.zeros((2, 0), dtype="float32")


def summarize(values: np.ndarray, epsilon: float) -> np.ndarray:
    """The summary of one batch: every `step`-th sorted value.

    Args:
        values: a float32 array of any shape (flattened).
        epsilon: the target relative error; about `1 / epsilon` points
            are kept.

    Returns:
        A `(2, k)` summary; each kept value weighs `step`.
    """
    ordered = np.sort(np.ravel(values))
    # `size / (1 / epsilon)`, not `size * epsilon`: the two round
    # differently, and the weight is this float itself.
    step = max(ordered.size / (1.0 / epsilon), 1)
    stride = int(step)
    picked = ordered[int(step - 1) :: stride]
    weights = np.full_like(picked, step)
    return np.stack([picked, weights])


def merge(summary: np.ndarray, other: np.ndarray, epsilon: float):
    """Two summaries of disjoint data as one, compressed to `epsilon`."""
    joined = np.concatenate((summary, other), axis=1)
    joined = joined[:, np.argsort(joined[0])]
    return compress(joined, epsilon)


def compress(summary: np.ndarray, epsilon: float) -> np.ndarray:
    """A summary of about `1 / epsilon` points standing for `summary`.

    Summaries already that small are returned as they are. Otherwise the
    new points sit at the cumulative-weight fractions `epsilon, 2 *
    epsilon, ...`, their values and cumulative weights interpolated from
    `summary`; a point's weight is its cumulative weight less the previous
    one's.
    """
    if summary.shape[1] * epsilon < 1:
        return summary
    fractions = np.arange(0.0, 1.0, epsilon) + epsilon
    cumulative = np.cumsum(summary[1])
    positions = cumulative / cumulative[-1]
    values = np.interp(fractions, positions, summary[0])
    new_cumulative = np.interp(fractions, positions, cumulative)
    weights = np.diff(new_cumulative, prepend=0.0)
    return np.stack((values, weights)).astype("float32")


def bin_boundaries(summary: np.ndarray, num_bins: int) -> list[float]:
    """The boundaries between `num_bins` bins of equal weight (fewer when
    the summary has fewer points than `num_bins`)."""
    return compress(summary, 1.0 / num_bins)[0, :-1].tolist()
