"""What `compile` resolves: the optimizer, the loss and the metrics.

`CompiledMetrics` holds the model's metric objects in Keras' order (the
loss tracker, the compiled metrics, one loss tracker per output when there
are several losses) and updates them purely, over flat lists of values:
the fourth part of the training state.
"""

from typing import Any

import jax.numpy as jnp

from ember import metrics as metrics_module
from ember import optimizers as optimizers_module
from ember.training.compile_loss import CompileLoss
from ember.training.compile_metrics import CompileMetrics
from ember.training.outputs import Outputs


def resolve_optimizer(identifier: Any):
    """An optimizer from a name, an `Optimizer` or an optax transformation."""
    return optimizers_module.get(identifier)


class CompiledMetrics:
    """The loss trackers and the compiled metrics, over flat values.

    Built at the first fit or evaluate, when the shapes of the targets and
    predictions are known (they decide what "accuracy" and "crossentropy"
    mean).

    Args:
        compile_loss: the model's `CompileLoss`.
        metrics: the `metrics` argument of compile (unweighted).
        weighted_metrics: the `weighted_metrics` argument.
    """

    def __init__(
        self,
        compile_loss: CompileLoss,
        metrics: Any = None,
        weighted_metrics: Any = None,
    ):
        self.compile_loss = compile_loss
        self.loss_tracker = metrics_module.Mean(name="loss")
        self.compile_metrics = (
            CompileMetrics(metrics, weighted_metrics)
            if metrics or weighted_metrics
            else None
        )
        self.outputs: Outputs | None = None
        # Input signature -> (Outputs, prediction shapes), for `prepare`.
        self.spec_cache: dict = {}
        self.built = False

    def build(
        self, outputs: Outputs, y_shapes: list, pred_shapes: list
    ) -> None:
        """Resolves the losses and metrics of every output, once."""
        if self.built:
            return
        self.compile_loss.build(outputs, y_shapes, pred_shapes)
        if self.compile_metrics is not None:
            self.compile_metrics.build(outputs, y_shapes, pred_shapes)
        self.outputs = outputs
        self.built = True

    @property
    def metrics(self) -> list:
        """The metric objects, in the order of Keras' `model.metrics`."""
        metrics = [self.loss_tracker]
        if self.compile_metrics is not None:
            metrics.append(self.compile_metrics)
        return metrics + list(self.compile_loss.trackers)

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

    def update(self, values, loss, loss_parts, num_real, y, y_pred, weight):
        """Pure update of every metric; returns the new flat values.

        Args:
            values: the current flat values.
            loss: the step's total loss; `loss_parts` each output's loss.
            num_real: the number of real (not padding) rows in the batch.
            y, y_pred, weight: the batch's targets, predictions and sample
                weights, as given to the step.
        """
        parts = self._split(values)
        new = [
            self.loss_tracker.stateless_update_state(
                parts[0], loss, sample_weight=num_real
            )
        ]
        index = 1
        if self.compile_metrics is not None:
            new.append(
                self.compile_metrics.stateless_update_state(
                    parts[1], y, y_pred, sample_weight=weight
                )
            )
            index = 2
        trackers = self.compile_loss.trackers
        for tracker, part, value in zip(
            trackers, parts[index:], loss_parts[: len(trackers)], strict=True
        ):
            new.append(
                tracker.stateless_update_state(
                    part, value, sample_weight=num_real
                )
            )
        return [v for part in new for v in part]

    def results(self, values) -> dict:
        """`{name: result}` for every metric, from flat values."""
        logs = {}
        for metric, part in zip(self.metrics, self._split(values), strict=True):
            result = metric.stateless_result(part)
            if isinstance(result, dict):
                logs.update({k: jnp.asarray(v) for k, v in result.items()})
            else:
                logs[metric.name] = jnp.asarray(result)
        return logs

    def reset_values(self) -> list:
        """Fresh flat values (what `reset_state` would assign)."""
        return [
            v for metric in self.metrics for v in metric.stateless_reset_state()
        ]

    def ordered(self, logs: dict) -> list:
        """`logs` as a list in the order of Keras' `evaluate()`.

        Keras lists the values whose names are metric object names (the
        loss, the per-output losses; a compiled metric's own name when it
        has no output prefix), then the remaining ones by sorted name.
        """
        names = [self.loss_tracker.name]
        if self.compile_metrics is not None:
            names += [m.name for m in self.compile_metrics.metrics]
        names += [t.name for t in self.compile_loss.trackers]
        values = [logs[name] for name in names if name in logs]
        values += [logs[k] for k in sorted(logs) if k not in names]
        return values
