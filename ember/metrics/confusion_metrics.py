"""Confusion-matrix metrics at thresholds: counts, Precision and Recall."""

from typing import Any

from ember.metrics import _confusion
from ember.metrics.metric import Metric


class _ThresholdMetric(Metric):
    """Keeps named confusion counts at a list of thresholds.

    Subclasses list the counts they keep (`"tp"`, `"fp"`, `"tn"`, `"fn"`)
    and the variable name of each.
    """

    _COUNTS: tuple = ()

    def __init__(self, thresholds, default, top_k, class_id, name, dtype):
        what = _confusion.owner(type(self).__name__, name)
        parsed = _confusion.parse_thresholds(thresholds, default, what)
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        self.thresholds = parsed
        self._thresholds_distributed_evenly = _confusion.evenly_spaced(parsed)
        names = [variable_name for _, variable_name in self._COUNTS]
        _confusion.add_zero_variables(self, names, (len(parsed),))

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Adds the batch's (weighted) counts at each threshold.

        Args:
            y_true: the labels; nonzero counts as positive.
            y_pred: the predictions, compared with each threshold.
            sample_weight: optional weights, of shape `(batch,)` or that of
                `y_true`; 0 leaves an entry out.
        """
        what = _confusion.owner(type(self).__name__, self.name)
        y_true, y_pred, sample_weight = _confusion.prepare(
            y_true,
            y_pred,
            sample_weight,
            self.dtype,
            what,
            top_k=self.top_k,
            class_id=self.class_id,
        )
        counts = _confusion.confusion_counts(
            y_true,
            y_pred,
            self.thresholds,
            sample_weight,
            evenly=self._thresholds_distributed_evenly,
        )
        for key, variable_name in self._COUNTS:
            variable = getattr(self, variable_name)
            variable.assign(variable.value + getattr(counts, key))

    def _per_threshold(self, values: Any) -> Any:
        return values[0] if len(self.thresholds) == 1 else values


class _ConfusionCount(_ThresholdMetric):
    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(thresholds, 0.5, None, None, name, dtype)

    def result(self) -> Any:
        """The count, or one count per threshold for a list of them."""
        return self._per_threshold(self.accumulator.value)

    def get_config(self) -> dict:
        """Returns name, dtype and thresholds (as given)."""
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """The (weighted) number of true positives.

    A prediction is positive when it is above the threshold; a label when
    it is nonzero.

    Args:
        thresholds: a float or a list of floats in `[0, 1]` (default 0.5);
            with a list, the result has one count per threshold.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = TruePositives()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> float(m.result())
    2.0
    """

    _COUNTS = (("tp", "accumulator"),)


class FalsePositives(_ConfusionCount):
    """The (weighted) number of false positives.

    Args:
        thresholds: a float or a list of floats in `[0, 1]` (default 0.5);
            with a list, the result has one count per threshold.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = FalsePositives()
    >>> m.update_state([0, 1, 0, 0], [0, 0, 1, 1])
    >>> float(m.result())
    2.0
    """

    _COUNTS = (("fp", "accumulator"),)


class TrueNegatives(_ConfusionCount):
    """The (weighted) number of true negatives.

    Args:
        thresholds: a float or a list of floats in `[0, 1]` (default 0.5);
            with a list, the result has one count per threshold.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = TrueNegatives()
    >>> m.update_state([0, 1, 0, 0], [1, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    _COUNTS = (("tn", "accumulator"),)


class FalseNegatives(_ConfusionCount):
    """The (weighted) number of false negatives.

    Args:
        thresholds: a float or a list of floats in `[0, 1]` (default 0.5);
            with a list, the result has one count per threshold.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = FalseNegatives()
    >>> m.update_state([0, 1, 1, 1], [0, 1, 0, 0])
    >>> float(m.result())
    2.0
    """

    _COUNTS = (("fn", "accumulator"),)


class _PrecisionRecall(_ThresholdMetric):
    def __init__(
        self,
        thresholds: Any = None,
        top_k: int | None = None,
        class_id: int | None = None,
        name: str | None = None,
        dtype: Any = None,
    ):
        default = 0.5 if top_k is None else _confusion.NEG_INF
        super().__init__(thresholds, default, top_k, class_id, name, dtype)
        self._direction = "up"

    def get_config(self) -> dict:
        """Returns name, dtype, thresholds (as given), top_k and class_id."""
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """The fraction of positive predictions that are right: tp / (tp + fp).

    A prediction is positive when it is above the threshold; a label when
    it is nonzero. The result is 0 while nothing was predicted positive.

    Args:
        thresholds: a float or a list of floats in `[0, 1]`; with a list,
            the result has one precision per threshold. Defaults to 0.5, or
            to counting every kept prediction when `top_k` is set.
        top_k: only the `k` largest predictions of each row may count as
            positive.
        class_id: only this class (an index of the last axis) is counted.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = Precision()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)
    0.6667
    """

    _COUNTS = (("tp", "true_positives"), ("fp", "false_positives"))

    def result(self) -> Any:
        """tp / (tp + fp) (0 where nothing was predicted positive)."""
        tp = self.true_positives.value
        return self._per_threshold(
            _confusion.divide_no_nan(tp, tp + self.false_positives.value)
        )


class Recall(_PrecisionRecall):
    """The fraction of positive labels predicted positive: tp / (tp + fn).

    A prediction is positive when it is above the threshold; a label when
    it is nonzero. The result is 0 while no positive label was seen.

    Args:
        thresholds: a float or a list of floats in `[0, 1]`; with a list,
            the result has one recall per threshold. Defaults to 0.5, or to
            counting every kept prediction when `top_k` is set.
        top_k: only the `k` largest predictions of each row may count as
            positive.
        class_id: only this class (an index of the last axis) is counted.
        name: the metric's name.
        dtype: the dtype of the metric's computations.

    Example:

    >>> m = Recall()
    >>> m.update_state([0, 1, 1, 1], [1, 0, 1, 1])
    >>> round(float(m.result()), 4)
    0.6667
    """

    _COUNTS = (("tp", "true_positives"), ("fn", "false_negatives"))

    def result(self) -> Any:
        """tp / (tp + fn) (0 where no positive label was seen)."""
        tp = self.true_positives.value
        return self._per_threshold(
            _confusion.divide_no_nan(tp, tp + self.false_negatives.value)
        )
