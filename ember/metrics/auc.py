"""AUC: the area under the ROC or precision-recall curve, from counts."""

from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from ember.core import config
from ember.metrics import _confusion
from ember.metrics.metric import Metric

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


def _curve(value: Any, what: str) -> str:
    value = getattr(value, "value", value)  # a Keras AUCCurve enum member
    if isinstance(value, str) and value in ("roc", "ROC", "pr", "PR"):
        return _CURVES[value.lower()]
    if isinstance(value, str) and value in ("prgain", "PRGAIN"):
        return "PRGAIN"
    raise ValueError(
        f"{what}: invalid `curve` value. Expected one of "
        f'["ROC", "PR", "PRGAIN"]. Received: curve={value!r}'
    )


def _summation(value: Any, what: str) -> str:
    value = getattr(value, "value", value)
    if isinstance(value, str) and value.lower() in _SUMMATIONS:
        if value in (value.lower(), value.capitalize()):
            return value.lower()
    raise ValueError(
        f"{what}: invalid `summation_method` value. Expected one of "
        f'["interpolation", "majoring", "minoring"]. Received: '
        f"summation_method={value!r}"
    )


class AUC(Metric):
    """Approximates the area under the ROC or precision-recall curve.

    The four confusion counts are kept at `num_thresholds` thresholds, and
    the curve through the (x, y) points they give is summed as a Riemann
    sum: ROC plots recall against the false positive rate, PR precision
    against recall. `interpolation` uses the trapezoid rule (for PR, the
    interpolation of Davis & Goadrich, 2006), `minoring` the lower and
    `majoring` the upper of each interval's two heights. More thresholds
    give a closer approximation.

    Args:
        num_thresholds: the number of thresholds (> 1), evenly spaced over
            `[0, 1]` (the end ones an epsilon outside it).
        curve: `"ROC"`, `"PR"` (or `"PRGAIN"`, precision-recall gain).
        summation_method: `"interpolation"`, `"minoring"` or `"majoring"`.
        name: the metric's name.
        dtype: the dtype of the metric's computations.
        thresholds: a list of thresholds (in `[0, 1]`) used instead of
            `num_thresholds` (0 and 1, each an epsilon further out, are
            added at the ends).
        multi_label: for predictions of shape `(batch, labels)`, compute one
            AUC per label and average them, instead of one AUC over all
            entries.
        num_labels: the number of labels with `multi_label`; without it the
            state is created at the first batch.
        label_weights: weights of the labels: the weighted mean of the
            per-label AUCs with `multi_label`, else weights of the entries.
        from_logits: whether `y_pred` holds logits (a sigmoid is applied).

    Example:

    >>> m = AUC(num_thresholds=3)
    >>> m.update_state([0, 0, 1, 1], [0, 0.5, 0.3, 0.9])
    >>> float(m.result())
    0.75
    """

    def __init__(
        self,
        num_thresholds: int = 200,
        curve: str = "ROC",
        summation_method: str = "interpolation",
        name: str | None = None,
        dtype: Any = None,
        thresholds: list | None = None,
        multi_label: bool = False,
        num_labels: int | None = None,
        label_weights: Any = None,
        from_logits: bool = False,
    ):
        what = _confusion.owner(type(self).__name__, name)
        curve = _curve(curve, what)
        summation_method = _summation(summation_method, what)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_confusion.to_list(thresholds))
            num_thresholds = len(inner) + 2
            evenly = _confusion.evenly_spaced([0.0] + inner + [1.0])
        else:
            if num_thresholds <= 1:
                raise ValueError(
                    f"{what}: argument `num_thresholds` must be an integer "
                    f"> 1. Received: num_thresholds={num_thresholds}"
                )
            inner = [
                (i + 1) * 1.0 / (num_thresholds - 1)
                for i in range(num_thresholds - 2)
            ]
            evenly = True
        if not multi_label and num_labels:
            raise ValueError(
                f"{what}: `num_labels` is needed only when `multi_label` is "
                f"True. Received: num_labels={num_labels}"
            )
        super().__init__(name=name, dtype=dtype)
        self._direction = "up"
        self.num_thresholds = num_thresholds
        self._thresholds_distributed_evenly = evenly
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps] + inner + [1.0 + eps])
        self.curve = curve
        self.summation_method = summation_method
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = (
            None
            if label_weights is None
            else jnp.asarray(label_weights, dtype=self.dtype)
        )
        self._from_logits = from_logits
        self._built = False
        if not multi_label:
            self._build(None)
        elif num_labels:
            self._build((None, num_labels))

    @property
    def thresholds(self) -> list:
        """The thresholds, the two outer ones included."""
        return list(self._thresholds)

    def _build(self, shape) -> None:
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"{_confusion.owner('AUC', self.name)}: `y_pred` must "
                    "have rank 2 when `multi_label=True`. Received: "
                    f"y_pred.shape={tuple(shape)}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, shape[1])
        else:
            variable_shape = (self.num_thresholds,)
        self._build_input_shape = shape
        _confusion.add_zero_variables(
            self,
            (
                "true_positives",
                "false_positives",
                "true_negatives",
                "false_negatives",
            ),
            variable_shape,
        )
        self._built = True

    def _build_from_shapes(self, y_true_shape, y_pred_shape) -> None:
        """Creates the state before a compiled step runs (multi-label)."""
        del y_true_shape
        if not self._built:
            self._build(tuple(y_pred_shape))

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Adds the batch's (weighted) confusion counts at each threshold.

        Args:
            y_true: the labels; nonzero counts as positive.
            y_pred: the predictions (probabilities, or logits with
                `from_logits=True`).
            sample_weight: optional weights, of shape `(batch,)` or that of
                `y_true`; 0 leaves an entry out.
        """
        if not self._built:
            self._build(jnp.shape(y_pred))
        what = _confusion.owner(type(self).__name__, self.name)
        y_true, y_pred, sample_weight = _confusion.prepare(
            y_true, y_pred, sample_weight, self.dtype, what
        )
        if self._from_logits:
            y_pred = jax.nn.sigmoid(y_pred)
        counts = _confusion.confusion_counts(
            y_true,
            y_pred,
            list(self._thresholds),
            sample_weight,
            evenly=self._thresholds_distributed_evenly,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )
        for variable, delta in (
            (self.true_positives, counts.tp),
            (self.false_positives, counts.fp),
            (self.true_negatives, counts.tn),
            (self.false_negatives, counts.fn),
        ):
            variable.assign(variable.value + delta)

    def _counts(self) -> tuple:
        return (
            self.true_positives.value,
            self.false_positives.value,
            self.true_negatives.value,
            self.false_negatives.value,
        )

    def _average(self, per_threshold: Any) -> Any:
        """Sums over thresholds; averages the labels with `multi_label`."""
        if not self.multi_label:
            return jnp.sum(per_threshold)
        by_label = jnp.sum(per_threshold, axis=0)
        if self.label_weights is None:
            return jnp.mean(by_label)
        return _confusion.divide_no_nan(
            jnp.sum(by_label * self.label_weights),
            jnp.sum(self.label_weights),
        )

    def interpolate_pr_auc(self) -> Any:
        """The PR area with precision interpolated between thresholds.

        Within each interval, true positives and predicted positives vary
        linearly, so precision follows a hyperbola whose integral over
        recall has a closed form (Davis & Goadrich, 2006, section 4).
        """
        tp, fp, _, fn = self._counts()
        divide = _confusion.divide_no_nan
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide(dtp, jnp.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        ratio = jnp.where(
            (p[:-1] > 0) & (p[1:] > 0),
            divide(p[:-1], jnp.maximum(p[1:], 0)),
            jnp.ones_like(p[1:]),
        )
        increments = divide(
            slope * (dtp + intercept * jnp.log(ratio)),
            jnp.maximum(tp[1:] + fn[1:], 0),
        )
        return self._average(increments)

    def _curve_points(self) -> tuple:
        tp, fp, tn, fn = self._counts()
        divide = _confusion.divide_no_nan
        recall = divide(tp, tp + fn)
        if self.curve == "ROC":
            return divide(fp, fp + tn), recall
        if self.curve == "PR":
            return recall, divide(tp, tp + fp)
        # PR gain: both gains are scaled by P / N; where tp is 0, recall
        # gain is 0 and precision gain 1; a negative recall gain becomes 0.
        scale = divide(tp + fn, tn + fp)
        recall_gain = jnp.where(tp == 0, 0.0, 1.0 - scale * divide(fn, tp))
        precision_gain = jnp.where(tp == 0, 1.0, 1.0 - scale * divide(fp, tp))
        return jnp.maximum(recall_gain, 0.0), precision_gain

    def result(self) -> Any:
        """The area under the curve (the label average with multi_label)."""
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        x, y = self._curve_points()
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = jnp.minimum(y[:-1], y[1:])
        else:
            heights = jnp.maximum(y[:-1], y[1:])
        return self._average((x[:-1] - x[1:]) * heights)

    def reset_state(self) -> None:
        """Zeroes the counts (nothing to do before the state exists)."""
        if self._built:
            super().reset_state()

    def get_config(self) -> dict:
        """Returns every constructor argument, as Keras writes them.

        `thresholds` is written only when the metric was made from a list
        of thresholds (without the two added end points).
        """
        result = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            result["thresholds"] = self.thresholds[1:-1]
        return result

    @classmethod
    def from_config(cls, config: dict) -> "AUC":
        """Builds an AUC from `get_config`'s output.

        `label_weights` may also be the serialized array Keras writes
        (`{"class_name": "__tensor__", "config": {"value": ...}}`).
        """
        config = dict(config)
        weights = config.get("label_weights")
        if isinstance(weights, dict) and weights.get("class_name") in (
            "__tensor__",
            "__numpy__",
        ):
            config["label_weights"] = weights["config"]["value"]
        return cls(**config)
