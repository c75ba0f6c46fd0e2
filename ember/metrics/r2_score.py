"""R2Score: the coefficient of determination, from running sums."""

import warnings
from typing import Any

import jax
import jax.numpy as jnp

from ember.metrics.metric import Metric
from ember.metrics.reduction_metrics import match_ranks

_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


def _aligned_shapes(y_true_shape: tuple, y_pred_shape: tuple) -> tuple:
    # The shapes `match_ranks` would give arrays of these shapes.
    y_true_shape, y_pred_shape = tuple(y_true_shape), tuple(y_pred_shape)
    if len(y_true_shape) == len(y_pred_shape) + 1 and y_true_shape[-1] == 1:
        if len(y_pred_shape) == 1:
            return y_true_shape, y_pred_shape + (1,)
        return y_true_shape[:-1], y_pred_shape
    if len(y_pred_shape) == len(y_true_shape) + 1 and y_pred_shape[-1] == 1:
        if len(y_true_shape) == 1:
            return y_true_shape + (1,), y_pred_shape
        return y_true_shape, y_pred_shape[:-1]
    return y_true_shape, y_pred_shape


class R2Score(Metric):
    """The R2 score (coefficient of determination) of the predictions.

    For each output column, `1 - sum((y_true - y_pred) ** 2) /
    sum((y_true - mean(y_true)) ** 2)`, with every sum weighted by
    `sample_weight` and accumulated over all batches. 1 is a perfect fit, 0
    is no better than predicting the mean, and the score can be negative.
    With `num_regressors=p > 0` it is the adjusted score
    `1 - (1 - R2) * (n - 1) / (n - p - 1)`, `n` being the number of
    (weighted, non-zero) target values seen.

    Inputs have shape `(batch_size, num_outputs)` (or `(batch_size,)`); the
    per-output variables are made at the first `update_state` (or by
    `build`, which `compile` calls).

    Args:
        class_aggregation: how the per-output scores combine: `None` (one
            score per output), `"uniform_average"` (their mean) or
            `"variance_weighted_average"` (weighted by each output's
            variance). scikit-learn's `multioutput`.
        num_regressors: the number of independent variables, for the
            adjusted score; 0 gives the plain R2 score.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = R2Score()
    >>> m.update_state([[1.0], [4.0], [3.0]], [[2.0], [4.0], [4.0]])
    >>> round(float(m.result()), 5)  # 1 - 2 / (14 / 3)
    0.57143
    """

    def __init__(
        self,
        class_aggregation: str | None = "uniform_average",
        num_regressors: int = 0,
        name: str = "r2_score",
        dtype: Any = None,
    ):
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"R2Score {name!r}: invalid `class_aggregation`; expected "
                f"one of {_AGGREGATIONS}. Received: "
                f"class_aggregation={class_aggregation!r}"
            )
        if (
            isinstance(num_regressors, bool)
            or not isinstance(num_regressors, int)
            or num_regressors < 0
        ):
            raise ValueError(
                f"R2Score {name!r}: `num_regressors` must be an int >= 0. "
                f"Received: num_regressors={num_regressors!r}"
            )
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable(
            shape=(), initializer="zeros", name="num_samples"
        )
        self.built = False

    def _build_from_shapes(
        self, y_true_shape: tuple, y_pred_shape: tuple
    ) -> None:
        """Creates the per-output sums for inputs of these shapes.

        Args:
            y_true_shape: the shape of a batch of targets.
            y_pred_shape: the shape of a batch of predictions.

        Raises:
            ValueError: unless the (rank-aligned) shapes are 2D with a known
                last dimension.
        """
        if self.built:
            return
        true_shape, pred_shape = _aligned_shapes(y_true_shape, y_pred_shape)
        if (
            len(true_shape) != 2
            or len(pred_shape) != 2
            or pred_shape[-1] is None
            or true_shape[-1] is None
        ):
            raise ValueError(
                f"R2Score {self.name!r} expects 2D inputs of shape "
                "(batch_size, output_dim) with a known output_dim. Received "
                f"shapes: y_true.shape={tuple(y_true_shape)}, "
                f"y_pred.shape={tuple(y_pred_shape)}"
            )
        num_outputs = pred_shape[-1]
        # Keras' names and creation order.
        self.squared_sum = self.add_variable(
            shape=(num_outputs,), initializer="zeros", name="squared_sum"
        )
        self.sum = self.add_variable(
            shape=(num_outputs,), initializer="zeros", name="sum"
        )
        self.total_mse = self.add_variable(
            shape=(num_outputs,), initializer="zeros", name="residual"
        )
        self.count = self.add_variable(
            shape=(num_outputs,), initializer="zeros", name="count"
        )
        self.built = True

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Adds the batch's (weighted) sums of targets, their squares and
        the squared residuals to the running sums.

        Args:
            y_true: targets, shape `(batch_size, num_outputs)`.
            y_pred: predictions, the same shape.
            sample_weight: weights of shape `(batch_size,)` or broadcastable
                to the targets; a weight of 0 leaves a row out entirely.
        """
        y_true = jnp.asarray(y_true, dtype=self.dtype)
        y_pred = jnp.asarray(y_pred, dtype=self.dtype)
        y_true, y_pred = match_ranks(y_true, y_pred)
        self._build_from_shapes(y_true.shape, y_pred.shape)
        if sample_weight is None:
            weight = jnp.ones_like(y_true)
        else:
            weight = jnp.asarray(sample_weight, dtype=self.dtype)
            if weight.ndim == 1:
                weight = weight[:, None]
            weight = jnp.broadcast_to(weight, y_true.shape)
        weighted_true = y_true * weight
        self.sum.assign(self.sum.value + jnp.sum(weighted_true, axis=0))
        self.squared_sum.assign(
            self.squared_sum.value + jnp.sum(y_true * weighted_true, axis=0)
        )
        self.total_mse.assign(
            self.total_mse.value
            + jnp.sum(jnp.square(y_true - y_pred) * weight, axis=0)
        )
        self.count.assign(self.count.value + jnp.sum(weight, axis=0))
        # Keras counts every target value; rows of weight 0 (the rows that
        # pad a last batch) are left out here.
        seen = jnp.sum(weight != 0).astype(self.dtype)
        self.num_samples.assign(self.num_samples.value + seen)

    def result(self) -> Any:
        """Returns the score (one per output when `class_aggregation=None`).

        Before any update the score is nan, as in Keras.
        """
        if not self.built:
            return jnp.asarray(jnp.nan, dtype=self.dtype)
        total_sum, count = self.sum.value, self.count.value
        mean = total_sum / count
        total = self.squared_sum.value - total_sum * mean
        raw = 1.0 - self.total_mse.value / total
        raw = jnp.where(jnp.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = jnp.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = jnp.sum(total * raw) / jnp.sum(total)
        else:
            score = raw
        if self.num_regressors == 0:
            return score
        n = self.num_samples.value
        p = jnp.asarray(self.num_regressors, dtype=n.dtype)
        if not isinstance(n, jax.core.Tracer):
            if self.num_regressors > float(n) - 1:
                warnings.warn(
                    "More independent predictors than datapoints in "
                    "adjusted R2 score. Falling back to standard R2 score.",
                    stacklevel=2,
                )
            elif self.num_regressors == float(n) - 1:
                warnings.warn(
                    "Division by zero in Adjusted R2 score. Falling back "
                    "to standard R2 score.",
                    stacklevel=2,
                )
        usable = p < n - 1.0
        denominator = jnp.where(usable, n - p - 1.0, 1.0)
        adjusted = 1.0 - (1.0 - score) * (n - 1.0) / denominator
        return jnp.where(usable, adjusted, score)

    def get_config(self) -> dict:
        """Returns name, dtype, class_aggregation and num_regressors."""
        return {
            "name": self.name,
            "dtype": self.dtype,
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
