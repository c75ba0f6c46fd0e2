"""Probabilistic metrics: KL divergence, Poisson and the cross-entropies.

Each is the mean, over samples, of the loss function of the same name in
`ember.losses`.
"""

from typing import Any

import jax.numpy as jnp

from ember import losses
from ember.losses.loss import match_ranks
from ember.metrics.reduction_metrics import MeanMetricWrapper
from ember.metrics.reduction_metrics import _FunctionMean


class KLDivergence(_FunctionMean):
    """The mean Kullback-Leibler divergence of `y_pred` from `y_true`.

    Per sample, `sum(y_true * log(y_true / y_pred))` over the last axis,
    with both clipped to `[epsilon, 1]`.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = KLDivergence()
    >>> m.update_state([[0.5, 0.5]], [[0.25, 0.75]])
    >>> round(float(m.result()), 5)  # 0.5 * log(2) + 0.5 * log(2 / 3)
    0.14384
    """

    def __init__(self, name: str = "kl_divergence", dtype: Any = None):
        super().__init__(losses.kl_divergence, name, dtype)


class Poisson(_FunctionMean):
    """The mean Poisson loss, `mean(y_pred - y_true * log(y_pred))`.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = Poisson()
    >>> m.update_state([[0.0, 1.0]], [[1.0, 1.0]])
    >>> round(float(m.result()), 5)
    1.0
    """

    def __init__(self, name: str = "poisson", dtype: Any = None):
        super().__init__(losses.poisson, name, dtype)


class BinaryCrossentropy(_FunctionMean):
    """The mean binary cross-entropy of labels and predictions.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        from_logits: whether `y_pred` holds logits instead of probabilities.
        label_smoothing: in `[0, 1]`; targets are smoothed towards 0.5.

    Example:

    >>> m = BinaryCrossentropy()
    >>> m.update_state([[1.0], [0.0]], [[0.5], [0.5]])
    >>> round(float(m.result()), 5)  # log(2)
    0.69315
    """

    _direction = "down"

    def __init__(
        self,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
    ):
        super().__init__(
            losses.binary_crossentropy,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )


class CategoricalCrossentropy(_FunctionMean):
    """The mean cross-entropy of one-hot labels and predictions.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        from_logits: whether `y_pred` holds logits instead of probabilities.
        label_smoothing: in `[0, 1]`; targets are smoothed towards uniform.
        axis: the class axis.

    Example:

    >>> m = CategoricalCrossentropy()
    >>> m.update_state([[0.0, 1.0]], [[0.5, 0.5]])
    >>> round(float(m.result()), 5)  # log(2)
    0.69315
    """

    _direction = "down"

    def __init__(
        self,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        label_smoothing: float = 0,
        axis: int = -1,
    ):
        super().__init__(
            losses.categorical_crossentropy,
            name,
            dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )


class SparseCategoricalCrossentropy(_FunctionMean):
    """The mean cross-entropy of integer labels and predictions.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        from_logits: whether `y_pred` holds logits instead of probabilities.
        ignore_class: a label whose entries are left out of the mean (also
            without `sample_weight`, where Keras counts them as 0).
        axis: the class axis of `y_pred`.

    Example:

    >>> m = SparseCategoricalCrossentropy()
    >>> m.update_state([1, 0], [[0.5, 0.5], [0.5, 0.5]])
    >>> round(float(m.result()), 5)  # log(2)
    0.69315
    """

    _direction = "down"

    def __init__(
        self,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        from_logits: bool = False,
        ignore_class: int | None = None,
        axis: int = -1,
    ):
        super().__init__(
            losses.sparse_categorical_crossentropy,
            name,
            dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Adds the batch's cross-entropies to the running mean, leaving out
        the entries labelled `ignore_class`."""
        if self.ignore_class is None:
            super().update_state(y_true, y_pred, sample_weight)
            return
        values = losses.sparse_categorical_crossentropy(
            y_true, y_pred, self.from_logits, self.ignore_class, self.axis
        )
        # The labels without a class axis of size 1: the shape of `values`.
        labels = jnp.reshape(jnp.asarray(y_true), values.shape)
        ignored = jnp.asarray(self.ignore_class).astype(labels.dtype)
        weight = (labels != ignored).astype(self.dtype)
        if sample_weight is not None:
            sample_weight = jnp.asarray(sample_weight, dtype=self.dtype)
            weight, sample_weight = match_ranks(weight, sample_weight)
            if sample_weight.ndim < weight.ndim:
                extra = (1,) * (weight.ndim - sample_weight.ndim)
                sample_weight = jnp.reshape(
                    sample_weight, sample_weight.shape + extra
                )
            weight = weight * sample_weight
        super(MeanMetricWrapper, self).update_state(
            values, sample_weight=weight
        )
