"""IoU metrics: intersection over union from a running confusion matrix.

For a class, `IoU = TP / (TP + FP + FN)`; the metrics here average it over
some or all classes. All keep one `(num_classes, num_classes)` confusion
matrix (rows: targets, columns: predictions), of dtype int32 by default as
in Keras, so integer-valued sample weights are exact.
"""

import warnings
from collections.abc import Sequence
from typing import Any

import jax
import jax.numpy as jnp

from ember.core import config
from ember.core.arguments import parent_arguments
from ember.metrics.metric import Metric


def _is_float(x: Any) -> bool:
    return hasattr(x, "dtype") and jnp.issubdtype(x.dtype, jnp.floating)


def _check_classes(owner: str, num_classes: Any, target_class_ids) -> None:
    if (
        isinstance(num_classes, bool)
        or not isinstance(num_classes, int)
        or num_classes < 1
    ):
        raise ValueError(
            f"{owner}: `num_classes` must be a positive int. Received: "
            f"num_classes={num_classes!r}"
        )
    ids = list(target_class_ids)
    if not ids:
        raise ValueError(
            f"{owner}: `target_class_ids` must name at least one class. "
            f"Received: target_class_ids={target_class_ids!r}"
        )
    if max(ids) >= num_classes or min(ids) < 0:
        raise ValueError(
            f"{owner}: target class ids must be in [0, {num_classes}). "
            f"Received: target_class_ids={ids}"
        )


class IoU(Metric):
    """The mean intersection over union of the classes `target_class_ids`.

    Labels and predictions are class ids (or one-hot / score vectors along
    `axis`, reduced by argmax, when `sparse_y_true` / `sparse_y_pred` is
    False); every element counts as one sample of the confusion matrix.
    Ids outside `[0, num_classes)`, and targets equal to `ignore_class`,
    are left out. A target class that never occurs in targets nor
    predictions is left out of the mean.

    Args:
        num_classes: the number of classes.
        target_class_ids: the ids of the classes averaged over.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to `"int32"`.
        ignore_class: a target id left out of the metric, or None.
        sparse_y_true: whether targets are class ids (else one-hot along
            `axis`).
        sparse_y_pred: whether predictions are class ids (else scores along
            `axis`).
        axis: the class axis of non-sparse inputs.

    Example:

    >>> m = IoU(num_classes=2, target_class_ids=[0])
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 5)  # TP 1 / (TP 1 + FP 1 + FN 1)
    0.33333
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Sequence[int],
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ):
        owner = type(self).__name__ + (f" {name!r}" if name else "")
        _check_classes(owner, num_classes, target_class_ids)
        super().__init__(name=name, dtype=dtype or "int32")
        self._direction = "up"
        self.num_classes = num_classes
        self.target_class_ids = list(target_class_ids)
        self.ignore_class = ignore_class
        self.sparse_y_true = sparse_y_true
        self.sparse_y_pred = sparse_y_pred
        self.axis = axis
        self.total_cm = self.add_variable(
            shape=(num_classes, num_classes),
            initializer="zeros",
            dtype=self.dtype,
            name="total_confusion_matrix",
        )

    def _ids(self, values: Any, sparse: bool) -> Any:
        values = jnp.asarray(values)
        if not sparse:
            values = jnp.argmax(values, axis=self.axis)
        return jnp.reshape(values.astype(self.dtype), (-1,))

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Adds the batch's (weighted) counts to the confusion matrix.

        Args:
            y_true: class ids (or one-hot vectors).
            y_pred: predicted class ids (or scores).
            sample_weight: weights broadcastable to the flattened ids; cast
                to the metric's dtype (so fractions are truncated under the
                default int32, with a warning as in Keras).
        """
        if (
            _is_float(sample_weight)
            and jnp.issubdtype(self.dtype, jnp.integer)
            and not isinstance(sample_weight, jax.core.Tracer)
        ):
            warnings.warn(
                "You are passing weight as `float`, but dtype is `int`. "
                "This may result in an incorrect weight due to type casting "
                "Consider using integer weights.",
                stacklevel=2,
            )
        labels = self._ids(y_true, self.sparse_y_true)
        predictions = self._ids(y_pred, self.sparse_y_pred)
        if sample_weight is None:
            weight = jnp.ones_like(labels)
        else:
            weight = jnp.asarray(sample_weight)
            weight = jnp.reshape(weight.astype(self.dtype), (-1,))
            weight = jnp.broadcast_to(weight, labels.shape)
        counted = (
            (labels >= 0)
            & (labels < self.num_classes)
            & (predictions >= 0)
            & (predictions < self.num_classes)
        )
        if self.ignore_class is not None:
            counted = counted & (labels != self.ignore_class)
        labels = jnp.where(counted, labels, 0).astype("int32")
        predictions = jnp.where(counted, predictions, 0).astype("int32")
        weight = jnp.where(counted, weight, 0)
        batch_cm = jnp.zeros_like(self.total_cm.value)
        batch_cm = batch_cm.at[labels, predictions].add(weight)
        self.total_cm.assign(self.total_cm.value + batch_cm)

    def result(self) -> Any:
        """Returns the mean IoU over the target classes present (float32)."""
        cm = self.total_cm.value
        true_positives = jnp.diag(cm)
        denominator = jnp.sum(cm, axis=0) + jnp.sum(cm, axis=1)
        denominator = denominator - true_positives
        ids = jnp.asarray(self.target_class_ids, dtype="int32")
        true_positives = true_positives[ids].astype("float32")
        denominator = denominator[ids].astype("float32")
        present = denominator > 1e-9
        iou = true_positives / (denominator + config.epsilon())
        iou = jnp.where(present, iou, 0.0)
        return jnp.sum(iou) / (
            jnp.sum(present.astype("float32")) + config.epsilon()
        )

    def get_config(self) -> dict:
        """Returns name, dtype and every constructor argument."""
        return {
            "name": self.name,
            "dtype": self.dtype,
            "num_classes": self.num_classes,
            "target_class_ids": self.target_class_ids,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class BinaryIoU(IoU):
    """IoU of binary targets and thresholded predictions.

    Predictions `>= threshold` count as class 1, others as class 0; the
    result is the mean IoU of the classes in `target_class_ids`.

    Args:
        target_class_ids: which of the classes 0 and 1 are averaged over.
        threshold: predictions at or above it are class 1.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to `"int32"`.

    Example:

    >>> m = BinaryIoU(target_class_ids=[1], threshold=0.3)
    >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
    >>> round(float(m.result()), 5)  # TP 1 / (TP 1 + FP 1 + FN 1)
    0.33333
    """

    def __init__(
        self,
        target_class_ids: Sequence[int] = (0, 1),
        threshold: float = 0.5,
        name: str | None = None,
        dtype: Any = None,
    ):
        super().__init__(
            num_classes=2,
            target_class_ids=target_class_ids,
            name=name,
            dtype=dtype,
        )
        self.threshold = threshold

    def update_state(
        self, y_true: Any, y_pred: Any, sample_weight: Any = None
    ) -> None:
        """Thresholds `y_pred`, then counts as `IoU.update_state` does."""
        y_pred = jnp.asarray(y_pred, dtype="float32") >= self.threshold
        super().update_state(y_true, y_pred, sample_weight)

    def get_config(self) -> dict:
        """Returns target_class_ids, threshold, name and dtype."""
        return {
            "target_class_ids": self.target_class_ids,
            "threshold": self.threshold,
            "name": self.name,
            "dtype": self.dtype,
        }


class MeanIoU(IoU):
    """The mean IoU over all `num_classes` classes.

    Args:
        num_classes: the number of classes.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to `"int32"`.
        ignore_class: a target id left out of the metric, or None.
        sparse_y_true: whether targets are class ids (else one-hot).
        sparse_y_pred: whether predictions are class ids (else scores).
        axis: the class axis of non-sparse inputs.

    Example:

    >>> m = MeanIoU(num_classes=2)
    >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    >>> round(float(m.result()), 5)
    0.33333
    """

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_true: bool = True,
        sparse_y_pred: bool = True,
        axis: int = -1,
    ):
        every_class = (
            list(range(num_classes)) if isinstance(num_classes, int) else []
        )
        super().__init__(
            **parent_arguments(IoU, locals(), target_class_ids=every_class)
        )

    def get_config(self) -> dict:
        """Returns num_classes, name, dtype, ignore_class, the sparse flags
        and axis."""
        return {
            "num_classes": self.num_classes,
            "name": self.name,
            "dtype": self.dtype,
            "ignore_class": self.ignore_class,
            "sparse_y_true": self.sparse_y_true,
            "sparse_y_pred": self.sparse_y_pred,
            "axis": self.axis,
        }


class _OneHotTargets:
    # Targets are always one-hot: `sparse_y_true` is fixed, not configured.

    def get_config(self) -> dict:
        """Returns the constructor arguments (no sparse_y_true)."""
        config = super().get_config()
        del config["sparse_y_true"]
        return config


class OneHotIoU(_OneHotTargets, IoU):
    """IoU of the classes `target_class_ids`, from one-hot targets.

    Targets are one-hot along `axis`; predictions are scores along `axis`
    (or class ids with `sparse_y_pred=True`).

    Args:
        num_classes: the number of classes.
        target_class_ids: the ids of the classes averaged over.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to `"int32"`.
        ignore_class: a target id left out of the metric, or None.
        sparse_y_pred: whether predictions are class ids.
        axis: the class axis.

    Example:

    >>> m = OneHotIoU(num_classes=2, target_class_ids=[1])
    >>> m.update_state([[1, 0], [0, 1]], [[0.2, 0.8], [0.3, 0.7]])
    >>> round(float(m.result()), 6)  # TP 1 / (TP 1 + FP 1)
    0.5
    """

    def __init__(
        self,
        num_classes: int,
        target_class_ids: Sequence[int],
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ):
        super().__init__(**parent_arguments(IoU, locals(), sparse_y_true=False))


class OneHotMeanIoU(_OneHotTargets, MeanIoU):
    """The mean IoU over all classes, from one-hot targets.

    Args:
        num_classes: the number of classes.
        name: the metric's name.
        dtype: the dtype of the confusion matrix; defaults to `"int32"`.
        ignore_class: a target id left out of the metric, or None.
        sparse_y_pred: whether predictions are class ids.
        axis: the class axis.

    Example:

    >>> m = OneHotMeanIoU(num_classes=2)
    >>> m.update_state([[1, 0], [0, 1]], [[0.2, 0.8], [0.3, 0.7]])
    >>> float(m.result())  # class 0: 0 / 1, class 1: 1 / 2
    0.25
    """

    def __init__(
        self,
        num_classes: int,
        name: str | None = None,
        dtype: Any = None,
        ignore_class: int | None = None,
        sparse_y_pred: bool = False,
        axis: int = -1,
    ):
        super().__init__(
            **parent_arguments(MeanIoU, locals(), sparse_y_true=False)
        )
