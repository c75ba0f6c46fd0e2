"""Sum, Mean and MeanMetricWrapper: metrics that reduce values over batches."""

from collections.abc import Callable
from typing import Any

import jax.numpy as jnp

from ember.metrics.metric import Metric


def match_ranks(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Aligns ranks differing by one through a trailing axis of size 1.

    When one array has one more axis than the other and that last axis has
    size 1, the rank-1 partner gains an axis; otherwise the size-1 axis is
    squeezed. Arrays of other shapes are returned unchanged.
    """
    rank1, rank2 = x1.ndim, x2.ndim
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1:
            x2 = jnp.expand_dims(x2, -1)
        else:
            x1 = jnp.squeeze(x1, -1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1:
            x1 = jnp.expand_dims(x1, -1)
        else:
            x2 = jnp.squeeze(x2, -1)
    return x1, x2


def _per_sample(
    values: Any, sample_weight: Any, reduce_fn: Callable, dtype: str
) -> tuple[Any, Any]:
    """Reduces `values` to one value per sample, weighted if weights given.

    Returns the per-sample (weighted) values and the per-sample weights
    (None when no weights were given).
    """
    values = jnp.asarray(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = jnp.asarray(sample_weight, dtype=dtype)
        values, sample_weight = match_ranks(values, sample_weight)
        weight_rank = sample_weight.ndim
        if values.ndim > weight_rank:
            values = reduce_fn(
                values, axis=tuple(range(weight_rank, values.ndim))
            )
        sample_weight = jnp.broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_rank > 1:
            sample_weight = reduce_fn(
                sample_weight, axis=tuple(range(1, weight_rank))
            )
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of all values seen.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = Sum()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 0, 0, 1])
    >>> float(m.result())
    8.0
    """

    def __init__(self, name: str = "sum", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="total"
        )

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Adds the (weighted) sum of `values` to the total."""
        values, _ = _per_sample(values, sample_weight, jnp.sum, self.dtype)
        self.total.assign(self.total.value + jnp.sum(values))

    def result(self) -> Any:
        """Returns the total."""
        return jnp.asarray(self.total.value, dtype=self.dtype)


class Mean(Metric):
    """The (weighted) mean of all values seen.

    With `sample_weight`, the result is `sum(values * w) / sum(w)`; values of
    rank above the weights' rank are first averaged per sample.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = Mean()
    >>> m.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    def __init__(self, name: str = "mean", dtype: Any = None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="total"
        )
        self.count = self.add_variable(
            shape=(), initializer="zeros", dtype=self.dtype, name="count"
        )

    def update_state(self, values: Any, sample_weight: Any = None) -> None:
        """Adds the batch's weighted values and weights to the running sums."""
        values, sample_weight = _per_sample(
            values, sample_weight, jnp.mean, self.dtype
        )
        self.total.assign(self.total.value + jnp.sum(values))
        if sample_weight is not None:
            num_samples = jnp.sum(sample_weight)
        elif values.ndim >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.count.assign(
            self.count.value + jnp.asarray(num_samples, dtype=self.dtype)
        )

    def result(self) -> Any:
        """Returns `total / count`, or 0 when nothing was counted."""
        count = self.count.value
        safe = jnp.where(count == 0, jnp.ones_like(count), count)
        return jnp.where(
            count == 0, jnp.zeros_like(count), self.total.value / safe
        )


class MeanMetricWrapper(Mean):
    """The mean of `fn(y_true, y_pred, **kwargs)` over all samples seen.

    Args:
        fn: a function `fn(y_true, y_pred, **kwargs)` returning one value per
            sample (or per element).
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        **kwargs: keyword arguments passed to `fn`.

    Example:

    >>> def abs_error(y_true, y_pred):
    ...     return jnp.abs(jnp.asarray(y_true) - jnp.asarray(y_pred))
    >>> m = MeanMetricWrapper(abs_error, name="abs_error")
    >>> m.update_state([0.0, 1.0], [1.0, 1.0])
    >>> float(m.result())
    0.5
    """

    def __init__(
        self,
        fn: Callable,
        name: str | None = None,
        dtype: Any = None,
        **kwargs,
    ):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Adds `fn(y_true, y_pred)` for the batch to the running mean."""
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        super().update_state(values, sample_weight=sample_weight)

    def get_config(self) -> dict:
        """Returns name, dtype, the function and its kwargs, Keras-style.

        A named function is written as Keras writes one (a dict with
        `class_name="function"`), so Keras can read the config back.
        """
        fn = self._fn
        if hasattr(fn, "__name__"):
            fn = {
                "module": "builtins",
                "class_name": "function",
                "config": fn.__name__,
                "registered_name": "function",
            }
        return {**super().get_config(), "fn": fn, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config: dict) -> "MeanMetricWrapper":
        """Builds the wrapper, resolving an `fn` given by name or as a dict."""
        config = dict(config)
        fn = config.get("fn")
        if isinstance(fn, dict) and fn.get("class_name") == "function":
            fn = fn.get("config")
        if isinstance(fn, str):
            from ember import metrics

            config["fn"] = metrics.get_function(fn)
        return cls(**config)


class _FunctionMean(MeanMetricWrapper):
    """The mean of one fixed function, configured by its keyword arguments.

    Each keyword argument is also an attribute of the same name; the config
    is name, dtype and those arguments (the function is implied by the
    class).
    """

    def __init__(self, fn: Callable, name: str, dtype: Any, **kwargs):
        super().__init__(fn, name=name, dtype=dtype, **kwargs)
        for key, value in kwargs.items():
            setattr(self, key, value)

    def get_config(self) -> dict:
        """Returns name, dtype and the function's keyword arguments."""
        return {"name": self.name, "dtype": self.dtype, **self._fn_kwargs}
