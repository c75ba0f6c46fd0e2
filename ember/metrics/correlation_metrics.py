"""Correlation metrics: Pearson and concordance coefficients per sample.

Each coefficient is taken along `axis` of every sample (by default across
its features), then averaged over samples like any `MeanMetricWrapper`.
"""

from typing import Any

import jax.numpy as jnp

from ember.core import config
from ember.metrics.reduction_metrics import MeanMetricWrapper
from ember.metrics.reduction_metrics import _FunctionMean
from ember.metrics.reduction_metrics import match_ranks


def _aligned(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = jnp.asarray(y_pred)
    if not jnp.issubdtype(y_pred.dtype, jnp.floating):
        y_pred = y_pred.astype(config.floatx())
    y_true = jnp.asarray(y_true, dtype=y_pred.dtype)
    return match_ranks(y_true, y_pred)


def pearson_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Pearson's correlation coefficient of `y_true` and `y_pred` along
    `axis`, in [-1, 1].

    `mean(z(y_true) * z(y_pred))` where `z` subtracts the mean and divides
    by the (population) standard deviation along `axis`. A constant vector
    gives nan.

    Example:

    >>> r = pearson_correlation([[0.0, 1.0, 2.0]], [[1.0, 3.0, 5.0]])
    >>> round(float(r[0]), 5)
    1.0
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    true_centred = y_true - jnp.mean(y_true, axis=axis, keepdims=True)
    pred_centred = y_pred - jnp.mean(y_pred, axis=axis, keepdims=True)
    true_z = true_centred / jnp.std(true_centred, axis=axis, keepdims=True)
    pred_z = pred_centred / jnp.std(pred_centred, axis=axis, keepdims=True)
    return jnp.mean(true_z * pred_z, axis=axis)


def concordance_correlation(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Lin's concordance correlation coefficient along `axis`, in [-1, 1].

    `2 * cov(y_true, y_pred) / (var(y_true) + var(y_pred) +
    (mean(y_true) - mean(y_pred)) ** 2)`, with population statistics along
    `axis` (`epsilon` is added to the divisor). Unlike Pearson's
    coefficient it is below 1 when predictions are shifted or scaled.

    Example:

    >>> c = concordance_correlation([[0.0, 2.0]], [[1.0, 3.0]])
    >>> round(float(c[0]), 5)  # 2 * 1 / (1 + 1 + 1)
    0.66667
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    true_mean = jnp.mean(y_true, axis=axis, keepdims=True)
    pred_mean = jnp.mean(y_pred, axis=axis, keepdims=True)
    true_var = jnp.var(y_true, axis=axis, keepdims=True)
    pred_var = jnp.var(y_pred, axis=axis, keepdims=True)
    covariance = (y_true - true_mean) * (y_pred - pred_mean)
    norm = true_var + pred_var + jnp.square(true_mean - pred_mean)
    return jnp.mean(2.0 * covariance / (norm + config.epsilon()), axis=axis)


def _drop_unweighted(values: Any, sample_weight: Any) -> Any:
    # Rows of weight 0 (such as the rows padding a last batch, which may be
    # constant) must not turn the mean into nan through `nan * 0`.
    weight = jnp.asarray(sample_weight)
    values, weight = match_ranks(values, weight)
    if weight.ndim > values.ndim:
        return values
    extra = (1,) * (values.ndim - weight.ndim)
    weight = jnp.reshape(weight, weight.shape + extra)
    return jnp.where(jnp.broadcast_to(weight, values.shape) == 0, 0.0, values)


class _CorrelationMetric(_FunctionMean):
    # The mean of a per-sample coefficient; its config is name, dtype, axis.

    _direction = "up"

    def __init__(self, fn, name: str, dtype: Any, axis: int):
        super().__init__(fn, name, dtype, axis=axis)

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Adds the batch's coefficients to the running (weighted) mean.

        Samples of weight 0 are left out even where their coefficient is
        nan (a constant sample).
        """
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        if sample_weight is not None:
            values = _drop_unweighted(values, sample_weight)
        super(MeanMetricWrapper, self).update_state(
            values, sample_weight=sample_weight
        )


class PearsonCorrelation(_CorrelationMetric):
    """The mean Pearson correlation coefficient of labels and predictions.

    Each sample's coefficient is taken along `axis` (see
    `pearson_correlation`), then averaged over samples.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        axis: the axis along which each coefficient is computed.

    Example:

    >>> m = PearsonCorrelation()
    >>> m.update_state([[0.0, 1.0, 2.0]], [[2.0, 1.0, 0.0]])
    >>> round(float(m.result()), 5)
    -1.0
    """

    def __init__(
        self,
        name: str = "pearson_correlation",
        dtype: Any = None,
        axis: int = -1,
    ):
        super().__init__(pearson_correlation, name, dtype, axis)


class ConcordanceCorrelation(_CorrelationMetric):
    """The mean concordance correlation coefficient of labels and
    predictions.

    Each sample's coefficient is taken along `axis` (see
    `concordance_correlation`), then averaged over samples.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        axis: the axis along which each coefficient is computed.

    Example:

    >>> m = ConcordanceCorrelation()
    >>> m.update_state([[0.0, 2.0]], [[1.0, 3.0]])
    >>> round(float(m.result()), 5)
    0.66667
    """

    def __init__(
        self,
        name: str = "concordance_correlation",
        dtype: Any = None,
        axis: int = -1,
    ):
        super().__init__(concordance_correlation, name, dtype, axis)
