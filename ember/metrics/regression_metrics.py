"""Regression metrics: mean squared, mean absolute and root mean squared."""

from typing import Any

import jax.numpy as jnp

from ember.metrics.reduction_metrics import Mean
from ember.metrics.reduction_metrics import MeanMetricWrapper
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


class MeanSquaredError(MeanMetricWrapper):
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

    def __init__(self, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        """Returns name and dtype."""
        return {"name": self.name, "dtype": self.dtype}


class MeanAbsoluteError(MeanMetricWrapper):
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

    def __init__(self, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(fn=mean_absolute_error, name=name, dtype=dtype)
        self._direction = "down"

    def get_config(self) -> dict:
        """Returns name and dtype."""
        return {"name": self.name, "dtype": self.dtype}


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
