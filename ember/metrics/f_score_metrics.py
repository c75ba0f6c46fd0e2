"""F-scores: FBetaScore and F1Score, per class or averaged."""

from typing import Any

import jax.numpy as jnp

from ember.core import config
from ember.metrics import _confusion
from ember.metrics.metric import Metric

_AVERAGES = (None, "micro", "macro", "weighted")


def _check_arguments(what, average, beta, threshold) -> None:
    if average not in _AVERAGES:
        raise ValueError(
            f"{what}: invalid `average` argument value. Expected one of: "
            "{None, 'micro', 'macro', 'weighted'}. "
            f"Received: average={average!r}"
        )
    if not isinstance(beta, float):
        raise ValueError(
            f"{what}: invalid `beta` argument value. It should be a Python "
            f"float. Received: beta={beta!r} of type "
            f"{type(beta).__name__}"
        )
    if beta <= 0.0:
        raise ValueError(
            f"{what}: invalid `beta` argument value. It should be > 0. "
            f"Received: beta={beta}"
        )
    if threshold is None:
        return
    if not isinstance(threshold, float):
        raise ValueError(
            f"{what}: invalid `threshold` argument value. It should be a "
            f"Python float. Received: threshold={threshold!r} of type "
            f"{type(threshold).__name__}"
        )
    if threshold > 1.0 or threshold <= 0.0:
        raise ValueError(
            f"{what}: invalid `threshold` argument value. It should verify "
            f"0 < threshold <= 1. Received: threshold={threshold}"
        )


class FBetaScore(Metric):
    """The F-beta score: a weighted harmonic mean of precision and recall.

    `(1 + beta**2) * precision * recall / (beta**2 * precision + recall)`,
    per class (the last axis) of inputs of shape `(batch, num_classes)`.
    `beta > 1` favours recall, `beta < 1` precision.

    Args:
        average: None for one score per class; `"micro"` for one score from
            the counts of all classes together; `"macro"` for the mean of
            the class scores; `"weighted"` for their mean weighted by each
            class's (weighted) number of positive labels.
        beta: a Python float > 0.
        threshold: a Python float in `(0, 1]`: predictions above it count
            as positive. When None, the largest prediction of each row (if
            nonzero) counts as positive.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = FBetaScore(beta=2.0, threshold=0.5)
    >>> m.update_state([[1, 0], [1, 0], [0, 1]], [[0.9, 0.2], [0.3, 0.6],
    ...                [0.2, 0.8]])
    >>> [round(float(v), 4) for v in m.result()]
    [0.5556, 0.8333]
    """

    def __init__(
        self,
        average: str | None = None,
        beta: float = 1.0,
        threshold: float | None = None,
        name: str = "fbeta_score",
        dtype: Any = None,
    ):
        what = _confusion.owner(type(self).__name__, name)
        _check_arguments(what, average, beta, threshold)
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, y_true_shape, y_pred_shape) -> None:
        what = _confusion.owner(type(self).__name__, self.name)
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{what} expects 2D inputs with shape (batch_size, "
                f"output_dim). Received input shapes: y_pred.shape="
                f"{tuple(y_pred_shape)} and y_true.shape="
                f"{tuple(y_true_shape)}."
            )
        if y_pred_shape[-1] is None or y_true_shape[-1] is None:
            raise ValueError(
                f"{what} expects 2D inputs with shape (batch_size, "
                "output_dim), with output_dim fully defined (not None). "
                f"Received input shapes: y_pred.shape={tuple(y_pred_shape)} "
                f"and y_true.shape={tuple(y_true_shape)}."
            )
        shape = () if self.average == "micro" else (y_pred_shape[-1],)
        _confusion.add_zero_variables(
            self,
            (
                "true_positives",
                "false_positives",
                "false_negatives",
                "intermediate_weights",
            ),
            shape,
        )
        self._built = True

    def _build_from_shapes(self, y_true_shape, y_pred_shape) -> None:
        """Creates the state before a compiled step runs."""
        if not self._built:
            self._build(tuple(y_true_shape), tuple(y_pred_shape))

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Adds the batch's (weighted) per-class counts.

        Args:
            y_true: the labels, shape `(batch, num_classes)`.
            y_pred: the predictions, same shape.
            sample_weight: optional weights of shape `(batch,)`.
        """
        y_true = jnp.asarray(y_true, dtype=self.dtype)
        y_pred = jnp.asarray(y_pred, dtype=self.dtype)
        if not self._built:
            self._build(y_true.shape, y_pred.shape)
        if self.threshold is None:
            top = jnp.max(y_pred, axis=-1, keepdims=True)
            y_pred = (y_pred >= top) & (jnp.abs(y_pred) > 1e-9)
        else:
            y_pred = y_pred > self.threshold
        y_pred = jnp.asarray(y_pred, dtype=self.dtype)
        if sample_weight is not None:
            sample_weight = jnp.asarray(sample_weight, dtype=self.dtype)
            if sample_weight.ndim == 2 and sample_weight.shape[-1] == 1:
                sample_weight = sample_weight[:, 0]

        def weighted_sum(values):
            if sample_weight is not None:
                values = values * jnp.expand_dims(sample_weight, -1)
            return jnp.sum(values, axis=self.axis)

        for variable, values in (
            (self.true_positives, y_pred * y_true),
            (self.false_positives, y_pred * (1 - y_true)),
            (self.false_negatives, (1 - y_pred) * y_true),
            (self.intermediate_weights, y_true),
        ):
            variable.assign(variable.value + weighted_sum(values))

    def result(self) -> Any:
        """The score per class, or averaged as `average` says."""
        eps = config.epsilon()
        tp = self.true_positives.value
        precision = tp / (tp + self.false_positives.value + eps)
        recall = tp / (tp + self.false_negatives.value + eps)
        beta_2 = self.beta**2
        score = (precision * recall / (beta_2 * precision + recall + eps)) * (
            1 + beta_2
        )
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            weights = weights / (jnp.sum(weights) + eps)
            return jnp.sum(score * weights)
        if self.average is not None:
            return jnp.mean(score)
        return score

    def reset_state(self) -> None:
        """Zeroes the counts (nothing to do before the state exists)."""
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        """Returns name, dtype, average, beta and threshold."""
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """The F1 score: the harmonic mean of precision and recall.

    `2 * precision * recall / (precision + recall)`, per class (the last
    axis) of inputs of shape `(batch, num_classes)`; FBetaScore with
    `beta=1.0`.

    Args:
        average: None, `"micro"`, `"macro"` or `"weighted"` (see
            `FBetaScore`).
        threshold: a Python float in `(0, 1]`; when None, the largest
            prediction of each row counts as positive.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = F1Score(average="micro", threshold=0.5)
    >>> m.update_state([[1, 0], [1, 0], [0, 1]], [[0.9, 0.2], [0.3, 0.6],
    ...                [0.2, 0.8]])
    >>> round(float(m.result()), 4)
    0.6667
    """

    def __init__(
        self,
        average: str | None = None,
        threshold: float | None = None,
        name: str = "f1_score",
        dtype: Any = None,
    ):
        super().__init__(
            average=average,
            beta=1.0,
            threshold=threshold,
            name=name,
            dtype=dtype,
        )

    def get_config(self) -> dict:
        """Returns name, dtype, average and threshold."""
        config_ = super().get_config()
        del config_["beta"]
        return config_
