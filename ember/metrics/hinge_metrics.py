"""Hinge metrics: the mean hinge, squared hinge and categorical hinge."""

from typing import Any

from ember import losses
from ember.metrics.reduction_metrics import _FunctionMean


class _HingeMetric(_FunctionMean):
    _direction = "down"


class Hinge(_HingeMetric):
    """The mean hinge loss, `mean(maximum(1 - y_true * y_pred, 0))`.

    Targets are -1 or 1; targets that are all 0 or 1 are mapped to -1 or 1.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = Hinge()
    >>> m.update_state([[0.0, 1.0]], [[0.5, 0.5]])  # [1.5, 0.5]
    >>> float(m.result())
    1.0
    """

    def __init__(self, name: str = "hinge", dtype: Any = None):
        super().__init__(losses.hinge, name, dtype)


class SquaredHinge(_HingeMetric):
    """The mean squared hinge loss, `mean(maximum(1 - y_true * y_pred, 0)
    ** 2)`.

    Targets are handled as in `Hinge`.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = SquaredHinge()
    >>> m.update_state([[0.0, 1.0]], [[0.5, 0.5]])  # [2.25, 0.25]
    >>> float(m.result())
    1.25
    """

    def __init__(self, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(losses.squared_hinge, name, dtype)


class CategoricalHinge(_HingeMetric):
    """The mean categorical hinge loss, `maximum(neg - pos + 1, 0)`.

    With one-hot targets, `pos` is the score of the target class and `neg`
    the highest score of the other classes.

    Args:
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = CategoricalHinge()
    >>> m.update_state([[0.0, 1.0]], [[0.3, 0.7]])  # 0.3 - 0.7 + 1
    >>> round(float(m.result()), 5)
    0.6
    """

    def __init__(self, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(losses.categorical_hinge, name, dtype)
