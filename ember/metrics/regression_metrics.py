"""Regression metrics: errors between labels and predictions, averaged.

Mean squared, absolute, absolute percentage and squared logarithmic error,
root mean squared error, cosine similarity and log-cosh error.
"""

from typing import Any

import jax.numpy as jnp

from ember import losses
from ember import ops
from ember.metrics.reduction_metrics import Mean
from ember.metrics.reduction_metrics import MeanMetricWrapper
from ember.metrics.reduction_metrics import _FunctionMean
from ember.metrics.reduction_metrics import match_ranks


def _aligned(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    y_pred = jnp.asarray(y_pred)
    if not jnp.issubdtype(y_pred.dtype, jnp.floating):
        y_pred = jnp.asarray(y_pred, dtype="float32")
    y_true = jnp.asarray(y_true, dtype=y_pred.dtype)
    return match_ranks(y_true, y_pred)


def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """Mean over the last axis of `(y_true - y_pred) ** 2`."""
    y_true, y_pred = _aligned(y_true, y_pred)
    return jnp.mean(jnp.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """Mean over the last axis of `abs(y_true - y_pred)`."""
    y_true, y_pred = _aligned(y_true, y_pred)
    return jnp.mean(jnp.abs(y_true - y_pred), axis=-1)


class MeanSquaredError(_FunctionMean):
    """The mean of the squared differences between labels and predictions.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = MeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.25
    """

    _direction = "down"

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(mean_squared_error, name, dtype)


class MeanAbsoluteError(_FunctionMean):
    """The mean of the absolute differences between labels and predictions.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = MeanAbsoluteError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.25
    """

    _direction = "down"

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(mean_absolute_error, name, dtype)


class RootMeanSquaredError(Mean):
    """The square root of the mean squared error over all elements seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = RootMeanSquaredError()
    >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
    >>> float(m.result())
    0.5
    """

    def __init__(
        self, name: str = "root_mean_squared_error", dtype: Any = None
    ):
        super().__init__(name=name, dtype=dtype)
        self._direction = "down"

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Adds the batch's squared errors to the running mean."""
        y_true = jnp.asarray(y_true, dtype=self.dtype)
        y_pred = jnp.asarray(y_pred, dtype=self.dtype)
        y_true, y_pred = match_ranks(y_true, y_pred)
        super().update_state(jnp.square(y_pred - y_true), sample_weight)

    def result(self) -> Any:
        """Returns the square root of the mean squared error."""
        return jnp.sqrt(super().result())


def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Cosine similarity of `y_true` and `y_pred` along `axis`, in [-1, 1].

    Both are L2-normalized along `axis` first (a zero vector stays zero, so
    its similarity is 0). Unlike the loss of the same name, the value is not
    negated: 1 means the vectors point the same way.
    """
    y_true, y_pred = _aligned(y_true, y_pred)
    y_true = ops.normalize(y_true, axis=axis)
    y_pred = ops.normalize(y_pred, axis=axis)
    return jnp.sum(y_true * y_pred, axis=axis)


class MeanAbsolutePercentageError(_FunctionMean):
    """The mean absolute percentage error between labels and predictions.

    Per sample, `100 * mean(abs((y_true - y_pred) / y_true))` over the last
    axis, where a target of 0 is replaced by `epsilon` in the divisor.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = MeanAbsolutePercentageError()
    >>> m.update_state([[1.0, 2.0]], [[1.5, 1.0]])
    >>> float(m.result())
    50.0
    """

    _direction = "down"

    def __init__(
        self, name: str = "mean_absolute_percentage_error", dtype: Any = None
    ):
        super().__init__(losses.mean_absolute_percentage_error, name, dtype)


class MeanSquaredLogarithmicError(_FunctionMean):
    """The mean squared logarithmic error between labels and predictions.

    Per sample, `mean(square(log(1 + y_pred) - log(1 + y_true)))` over the
    last axis (values below `epsilon` are raised to it first).

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = MeanSquaredLogarithmicError()
    >>> m.update_state([[0.0, 0.0]], [[1.0, 0.0]])  # log(2) ** 2 / 2
    >>> round(float(m.result()), 5)
    0.24023
    """

    _direction = "down"

    def __init__(
        self, name: str = "mean_squared_logarithmic_error", dtype: Any = None
    ):
        super().__init__(losses.mean_squared_logarithmic_error, name, dtype)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity between labels and predictions.

    Each sample's similarity is taken along `axis`, after L2-normalizing
    both vectors; 1 means they point the same way, -1 the opposite way.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        axis: the axis along which similarities are computed.

    Example:

    >>> m = CosineSimilarity(axis=1)
    >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
    >>> round(float(m.result()), 5)
    0.5
    """

    def __init__(
        self, name: str = "cosine_similarity", dtype: Any = None, axis=-1
    ):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis
        self._direction = "up"

    def get_config(self) -> dict:
        """Returns name and dtype (Keras leaves `axis` out too)."""
        return {"name": self.name, "dtype": self.dtype}


class LogCoshError(_FunctionMean):
    """The mean of `log(cosh(y_pred - y_true))` over all samples.

    Close to half the squared error for small errors and to the absolute
    error minus `log(2)` for large ones.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = LogCoshError()
    >>> m.update_state([[0.0, 0.0]], [[1.0, -1.0]])
    >>> round(float(m.result()), 5)
    0.43378
    """

    _direction = "down"

    def __init__(self, name: str = "logcosh", dtype: Any = None):
        super().__init__(losses.log_cosh, name, dtype)
