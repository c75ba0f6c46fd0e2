"""One rate at the best threshold meeting a bound on another rate.

PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity and
SpecificityAtSensitivity keep the four confusion counts at evenly spaced
thresholds and report, over the thresholds whose constrained rate reaches
the bound, the largest value of the other rate.
"""

from typing import Any

import jax.numpy as jnp

from ember.metrics import _confusion
from ember.metrics.confusion_metrics import _ThresholdMetric


def _check_unit_interval(cls_name, name, argument, value) -> None:
    if value < 0 or value > 1:
        raise ValueError(
            f"{_confusion.owner(cls_name, name)}: argument `{argument}` must "
            f"be in the range [0, 1]. Received: {argument}={value}"
        )


class SensitivitySpecificityBase(_ThresholdMetric):
    """Keeps tp, fp, tn and fn at `num_thresholds` evenly spaced thresholds.

    With `num_thresholds=1` the single threshold is 0.5.

    Args:
        value: the bound on the constrained rate.
        num_thresholds: the number of thresholds (an integer > 0).
        class_id: only this class (an index of the last axis) is counted.
        name: the metric's name.
        dtype: the dtype of the metric's computations.
    """

    _COUNTS = (
        ("tp", "true_positives"),
        ("fp", "false_positives"),
        ("tn", "true_negatives"),
        ("fn", "false_negatives"),
    )

    def __init__(
        self,
        value: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ):
        if num_thresholds <= 0:
            raise ValueError(
                f"{_confusion.owner(type(self).__name__, name)}: argument "
                "`num_thresholds` must be an integer > 0. Received: "
                f"num_thresholds={num_thresholds}"
            )
        if num_thresholds == 1:
            thresholds = [0.5]
        else:
            inner = [
                (i + 1) * 1.0 / (num_thresholds - 1)
                for i in range(num_thresholds - 2)
            ]
            thresholds = [0.0] + inner + [1.0]
        super().__init__(thresholds, 0.5, None, class_id, name, dtype)
        self._direction = "up"
        self.value = value
        self._thresholds_distributed_evenly = num_thresholds > 1

    def _rates(self) -> dict:
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        return {
            "recall": _confusion.divide_no_nan(tp, tp + fn),
            "precision": _confusion.divide_no_nan(tp, tp + fp),
            "specificity": _confusion.divide_no_nan(tn, tn + fp),
        }

    def _best(self, constrained: str, dependent: str) -> Any:
        """The largest `dependent` rate where `constrained >= value`."""
        rates = self._rates()
        feasible = rates[constrained] >= self.value
        return jnp.max(jnp.where(feasible, rates[dependent], 0.0), initial=0.0)

    def get_config(self) -> dict:
        """Returns name, dtype and class_id."""
        return {**super().get_config(), "class_id": self.class_id}


class _AtBound(SensitivitySpecificityBase):
    """A base for the four public metrics: one bound argument, two rates."""

    _BOUND = ""  # the name of the bound argument, e.g. "recall"
    _RATES = ("", "")  # (constrained, reported)

    def __init__(self, bound, num_thresholds, class_id, name, dtype):
        _check_unit_interval(type(self).__name__, name, self._BOUND, bound)
        setattr(self, self._BOUND, bound)
        self.num_thresholds = num_thresholds
        super().__init__(
            bound,
            num_thresholds=num_thresholds,
            class_id=class_id,
            name=name,
            dtype=dtype,
        )

    def result(self) -> Any:
        """The best reported rate over the thresholds meeting the bound."""
        return self._best(*self._RATES)

    def get_config(self) -> dict:
        """Returns name, dtype, class_id, num_thresholds and the bound."""
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            self._BOUND: self.value,
        }


class SensitivityAtSpecificity(_AtBound):
    """The best sensitivity (recall) where specificity is at least a bound.

    Specificity is tn / (tn + fp), sensitivity tp / (tp + fn), both at each
    of `num_thresholds` evenly spaced thresholds in `[0, 1]`.

    Args:
        specificity: the bound, in `[0, 1]`.
        num_thresholds: the number of thresholds (1 means 0.5 only).
        class_id: only this class (an index of the last axis) is counted.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = SensitivityAtSpecificity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> float(m.result())
    0.5
    """

    _BOUND = "specificity"
    _RATES = ("specificity", "recall")

    def __init__(
        self,
        specificity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)


class SpecificityAtSensitivity(_AtBound):
    """The best specificity where sensitivity (recall) is at least a bound.

    Args:
        sensitivity: the bound, in `[0, 1]`.
        num_thresholds: the number of thresholds (1 means 0.5 only).
        class_id: only this class (an index of the last axis) is counted.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = SpecificityAtSensitivity(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> round(float(m.result()), 4)
    0.6667
    """

    _BOUND = "sensitivity"
    _RATES = ("recall", "specificity")

    def __init__(
        self,
        sensitivity: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)


class PrecisionAtRecall(_AtBound):
    """The best precision where recall is at least a bound.

    Args:
        recall: the bound, in `[0, 1]`.
        num_thresholds: the number of thresholds (1 means 0.5 only).
        class_id: only this class (an index of the last axis) is counted.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = PrecisionAtRecall(0.5)
    >>> m.update_state([0, 0, 0, 1, 1], [0, 0.3, 0.8, 0.3, 0.8])
    >>> float(m.result())
    0.5
    """

    _BOUND = "recall"
    _RATES = ("recall", "precision")

    def __init__(
        self,
        recall: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ):
        super().__init__(recall, num_thresholds, class_id, name, dtype)


class RecallAtPrecision(_AtBound):
    """The best recall where precision is at least a bound.

    Args:
        precision: the bound, in `[0, 1]`.
        num_thresholds: the number of thresholds (1 means 0.5 only).
        class_id: only this class (an index of the last axis) is counted.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = RecallAtPrecision(0.8)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> float(m.result())
    0.5
    """

    _BOUND = "precision"
    _RATES = ("precision", "recall")

    def __init__(
        self,
        precision: float,
        num_thresholds: int = 200,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
