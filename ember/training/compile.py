"""What `compile` resolves: the loss, the metrics and the optimizer.

This first slice supports models with one output; several outputs (lists
or dicts of losses and metrics) come next.
"""

from typing import Any

import jax.numpy as jnp

from ember import losses as losses_module
from ember import metrics as metrics_module
from ember import optimizers as optimizers_module
from ember.losses.loss import Loss
from ember.losses.loss import LossFunctionWrapper

_ACCURACY_NAMES = ("accuracy", "acc")


def resolve_loss(identifier: Any) -> Loss:
    """A `Loss` object from a name, a `Loss` or a plain callable."""
    if identifier is None:
        raise ValueError(
            "compile() needs a `loss` to train. Received: loss=None"
        )
    if isinstance(identifier, list | tuple | dict):
        raise NotImplementedError(
            "Per-output losses (a list or dict) are not supported yet; "
            "ember's training supports single-output models for now."
        )
    loss = losses_module.get(identifier)
    if isinstance(loss, Loss):
        return loss
    name = getattr(loss, "__name__", None)
    return LossFunctionWrapper(loss, name=name)


def resolve_optimizer(identifier: Any):
    """An optimizer from a name, an `Optimizer` or an optax transformation."""
    return optimizers_module.get(identifier)


def _accuracy_for(loss: Loss, y_shape: tuple, y_pred_shape: tuple):
    """The accuracy Keras picks for "accuracy", from the loss and shapes."""
    fn = getattr(loss, "fn", None)
    name = getattr(fn, "__name__", type(loss).__name__).lower()
    if "sparse_categorical" in name or "sparsecategorical" in name:
        return metrics_module.SparseCategoricalAccuracy(name="accuracy")
    if "binary" in name:
        return metrics_module.BinaryAccuracy(name="accuracy")
    if "categorical" in name:
        return metrics_module.CategoricalAccuracy(name="accuracy")
    if y_pred_shape[-1:] == (1,):
        return metrics_module.BinaryAccuracy(name="accuracy")
    sparse = len(y_shape) < len(y_pred_shape) or (
        y_shape[-1:] == (1,) and y_pred_shape[-1:] != (1,)
    )
    if sparse:
        return metrics_module.SparseCategoricalAccuracy(name="accuracy")
    return metrics_module.CategoricalAccuracy(name="accuracy")


def _resolve_metric(identifier, loss, y_shape, y_pred_shape):
    if isinstance(identifier, str) and identifier in _ACCURACY_NAMES:
        return _accuracy_for(loss, y_shape, y_pred_shape)
    metric = metrics_module.get(identifier)
    if getattr(metric, "_ember_metric", False):
        return metric
    return metrics_module.MeanMetricWrapper(
        metric, name=getattr(metric, "__name__", None)
    )


class CompiledMetrics:
    """The loss tracker plus the compiled metrics, over flat variables.

    Metrics are built at the first fit or evaluate, when the shapes of the
    targets and predictions are known (they decide what "accuracy" means).

    Args:
        metrics: the `metrics` argument of compile (unweighted).
        weighted_metrics: the `weighted_metrics` argument (sample-weighted).
    """

    def __init__(self, metrics: Any = None, weighted_metrics: Any = None):
        for label, value in (
            ("metrics", metrics),
            ("weighted_metrics", weighted_metrics),
        ):
            if isinstance(value, dict):
                raise NotImplementedError(
                    f"Per-output `{label}` (a dict) are not supported yet."
                )
        self._metrics_arg = list(metrics or [])
        self._weighted_arg = list(weighted_metrics or [])
        # Unknown names fail here, in compile, not at the first fit.
        for identifier in (*self._metrics_arg, *self._weighted_arg):
            if isinstance(identifier, str) and (
                identifier not in _ACCURACY_NAMES
            ):
                metrics_module.get(identifier)
        self.loss_tracker = metrics_module.Mean(name="loss")
        self.unweighted: list = []
        self.weighted: list = []
        self.built = False

    def build(self, loss: Loss, y_shape: tuple, y_pred_shape: tuple) -> None:
        """Creates the metric objects (and their variables) once."""
        if self.built:
            return
        self.unweighted = [
            _resolve_metric(m, loss, y_shape, y_pred_shape)
            for m in self._metrics_arg
        ]
        self.weighted = [
            _resolve_metric(m, loss, y_shape, y_pred_shape)
            for m in self._weighted_arg
        ]
        for metric in self.weighted:
            if metric in self.unweighted:
                continue
            metric.name = (
                metric.name
                if metric.name.startswith("weighted_")
                else f"weighted_{metric.name}"
            )
        self.built = True

    @property
    def metrics(self) -> list:
        """Every metric object, the loss tracker first."""
        return [self.loss_tracker, *self.unweighted, *self.weighted]

    @property
    def variables(self) -> list:
        """The metrics' variables, flat, in `metrics` order."""
        return [v for m in self.metrics for v in m.variables]

    def _split(self, values: list) -> list[list]:
        parts, start = [], 0
        for metric in self.metrics:
            count = len(metric.variables)
            parts.append(list(values[start : start + count]))
            start += count
        return parts

    def update(self, values, loss, num_real, y, y_pred, sample_weight, mask):
        """Pure update of every metric; returns the new flat values."""
        parts = self._split(values)
        new = [
            self.loss_tracker.stateless_update_state(
                parts[0], loss, sample_weight=num_real
            )
        ]
        index = 1
        for metric in self.unweighted:
            new.append(
                metric.stateless_update_state(
                    parts[index], y, y_pred, sample_weight=mask
                )
            )
            index += 1
        for metric in self.weighted:
            new.append(
                metric.stateless_update_state(
                    parts[index], y, y_pred, sample_weight=sample_weight
                )
            )
            index += 1
        return [v for part in new for v in part]

    def results(self, values) -> dict:
        """`{name: result}` for every metric, from flat values."""
        return {
            metric.name: jnp.asarray(metric.stateless_result(part))
            for metric, part in zip(
                self.metrics, self._split(values), strict=True
            )
        }

    def reset_values(self) -> list:
        """Fresh flat values (what `reset_state` would assign)."""
        return [
            v for metric in self.metrics for v in metric.stateless_reset_state()
        ]
