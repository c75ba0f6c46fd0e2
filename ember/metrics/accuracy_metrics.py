"""Accuracy metrics: exact, binary, categorical, sparse and top-k matches."""

from typing import Any

import jax.numpy as jnp

from ember.core import config
from ember.metrics.reduction_metrics import _FunctionMean
from ember.metrics.reduction_metrics import match_ranks


def _as_float(matches: Any) -> Any:
    return jnp.asarray(matches, dtype=config.floatx())


def _in_top_k(targets: Any, predictions: Any, k: int) -> Any:
    # Rank of the target's score: 1 + number of strictly larger scores. A nan
    # score at the target never counts as large.
    at_target = jnp.take_along_axis(
        predictions, jnp.expand_dims(targets, -1), axis=-1
    )
    at_target = jnp.where(jnp.isnan(at_target), -jnp.inf, at_target)
    rank = 1 + jnp.sum(predictions > at_target, axis=-1)
    return rank <= k


def accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where `y_true == y_pred` elementwise, else 0.0."""
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true, dtype=y_pred.dtype)
    y_true, y_pred = match_ranks(y_true, y_pred)
    return _as_float(y_true == y_pred)


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> Any:
    """1.0 where `y_pred > threshold` equals the binary `y_true`, else 0.0."""
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true)
    y_true, y_pred = match_ranks(y_true, y_pred)
    y_pred = jnp.asarray(y_pred > threshold, dtype=y_true.dtype)
    return _as_float(y_true == y_pred)


def categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the argmax of one-hot `y_true` equals that of `y_pred`."""
    y_pred = jnp.asarray(y_pred)
    labels = jnp.argmax(jnp.asarray(y_true), axis=-1)
    return _as_float(labels == jnp.argmax(y_pred, axis=-1))


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> Any:
    """1.0 where the integer label `y_true` equals the argmax of `y_pred`.

    `y_true` may have shape `(N,)` or `(N, 1)`; the result has shape `(N,)`.
    """
    y_pred = jnp.asarray(y_pred)
    y_true = jnp.asarray(y_true, dtype=y_pred.dtype)
    original_shape = y_true.shape
    squeezed = False
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = jnp.squeeze(y_true, -1)
        squeezed = True
    predicted = jnp.asarray(jnp.argmax(y_pred, axis=-1), dtype=y_true.dtype)
    matches = _as_float(y_true == predicted)
    if squeezed:
        matches = jnp.reshape(matches, original_shape)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = jnp.squeeze(matches, -1)
    return matches


def _top_k(labels: Any, y_pred: Any, k: int) -> Any:
    original_shape = labels.shape
    if y_pred.ndim > 2:
        y_pred = jnp.reshape(y_pred, (-1, y_pred.shape[-1]))
    if labels.ndim > 1:
        labels = jnp.reshape(labels, (-1,))
    matches = _as_float(_in_top_k(labels, y_pred, k))
    return jnp.reshape(matches, original_shape)


def top_k_categorical_accuracy(y_true: Any, y_pred: Any, k: int = 5) -> Any:
    """1.0 where the one-hot target is among the `k` highest predictions."""
    y_pred = jnp.asarray(y_pred)
    labels = jnp.asarray(jnp.argmax(jnp.asarray(y_true), axis=-1), "int32")
    return _top_k(labels, y_pred, k)


def sparse_top_k_categorical_accuracy(
    y_true: Any, y_pred: Any, k: int = 5, from_sorted_ids: bool = False
) -> Any:
    """1.0 where the integer target is among the `k` highest predictions.

    With `from_sorted_ids=True`, `y_pred` holds class ids sorted by score
    (best first) instead of scores.
    """
    y_pred = jnp.asarray(y_pred)
    if not from_sorted_ids:
        return _top_k(jnp.asarray(y_true, "int32"), y_pred, k)
    labels = jnp.asarray(y_true, y_pred.dtype)
    original_shape = labels.shape
    if y_pred.ndim > 2:
        y_pred = jnp.reshape(y_pred, (-1, y_pred.shape[-1]))
    labels = jnp.reshape(labels, (-1,))
    matches = jnp.any(labels[:, None] == y_pred[:, :k], axis=1)
    return jnp.reshape(_as_float(matches), original_shape)


class Accuracy(_FunctionMean):
    """How often predictions equal labels exactly.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = Accuracy()
    >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
    >>> float(m.result())
    0.75
    """

    _direction = "up"

    def __init__(self, name: str = "accuracy", dtype: Any = None):
        super().__init__(accuracy, name, dtype)


class BinaryAccuracy(_FunctionMean):
    """How often thresholded predictions match binary labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        threshold: predictions above it count as 1, others as 0.

    Example:

    >>> m = BinaryAccuracy()
    >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]])
    >>> float(m.result())
    0.75
    """

    _direction = "up"

    def __init__(
        self,
        name: str = "binary_accuracy",
        dtype: Any = None,
        threshold: float = 0.5,
    ):
        super().__init__(binary_accuracy, name, dtype, threshold=threshold)


class CategoricalAccuracy(_FunctionMean):
    """How often the argmax of predictions matches that of one-hot labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = CategoricalAccuracy()
    >>> y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], y_pred)
    >>> float(m.result())
    0.5
    """

    _direction = "up"

    def __init__(self, name: str = "categorical_accuracy", dtype: Any = None):
        super().__init__(categorical_accuracy, name, dtype)


class SparseCategoricalAccuracy(_FunctionMean):
    """How often the argmax of predictions matches integer labels.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = SparseCategoricalAccuracy()
    >>> m.update_state([[2], [1]], [[0.1, 0.6, 0.3], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"

    def __init__(
        self, name: str = "sparse_categorical_accuracy", dtype: Any = None
    ):
        super().__init__(sparse_categorical_accuracy, name, dtype)


class TopKCategoricalAccuracy(_FunctionMean):
    """How often the one-hot target is among the top `k` predictions.

    Args:
        k: how many of the highest predictions count as a match.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = TopKCategoricalAccuracy(k=1)
    >>> y_pred = [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
    >>> m.update_state([[0, 0, 1], [0, 1, 0]], y_pred)
    >>> float(m.result())
    0.5
    """

    _direction = "up"

    def __init__(
        self,
        k: int = 5,
        name: str = "top_k_categorical_accuracy",
        dtype: Any = None,
    ):
        super().__init__(top_k_categorical_accuracy, name, dtype, k=k)


class SparseTopKCategoricalAccuracy(_FunctionMean):
    """How often the integer target is among the top `k` predictions.

    Args:
        k: how many of the highest predictions count as a match.
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        from_sorted_ids: whether `y_pred` holds class ids sorted by score
            instead of the scores themselves.

    Example:

    >>> m = SparseTopKCategoricalAccuracy(k=1)
    >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]])
    >>> float(m.result())
    0.5
    """

    _direction = "up"

    def __init__(
        self,
        k: int = 5,
        name: str = "sparse_top_k_categorical_accuracy",
        dtype: Any = None,
        from_sorted_ids: bool = False,
    ):
        super().__init__(
            sparse_top_k_categorical_accuracy,
            name,
            dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )

    def get_config(self) -> dict:
        """Returns name, dtype, k (and from_sorted_ids when set)."""
        config = super().get_config()
        if not self.from_sorted_ids:
            del config["from_sorted_ids"]
        return config
