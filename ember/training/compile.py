"""What `compile` produces: one `Compiled` object.

It holds everything the training path reads: the optimizer, the loss
(`CompileLoss`, with its per-output trackers), the loss tracker, the
compiled metrics (`CompileMetrics`), the output structure (once built),
the execution settings and the compiled functions made from them. `compile`
replaces it as a whole, so nothing of an earlier compile survives.

Its metrics are updated purely, over flat lists of values in the order of
Keras' `model.metrics`: the fourth part of the training state.
"""

from typing import Any

import jax.numpy as jnp

from ember import metrics as metrics_module
from ember import optimizers as optimizers_module
from ember.training.compile_loss import CompileLoss
from ember.training.compile_loss import num_real
from ember.training.compile_metrics import CompileMetrics
from ember.training.outputs import Outputs


class Compiled:
    """The optimizer, losses, metrics and settings of one `compile` call.

    The losses and metrics are built at the first fit or evaluate, when
    the shapes of the targets and predictions are known (they decide what
    "accuracy" and "crossentropy" mean).

    Args:
        optimizer: a name, an `Optimizer` or an optax transformation.
        loss, loss_weights: as `compile` (see `CompileLoss`).
        metrics, weighted_metrics: as `compile` (see `CompileMetrics`).
        run_eagerly: run the steps without `jax.jit`.
        steps_per_execution: a positive int or `"auto"`.
        jit_compile: `"auto"`, True, or False (the same as `run_eagerly`).
        scale_loss: wrap the optimizer in a `LossScaleOptimizer` (named
            `"loss_scale_optimizer"`, as Keras does for a `"mixed_float16"`
            model) unless it is one already; the compile arguments keep
            the optimizer as given. An optax transformation is not wrapped.
    """

    def __init__(
        self,
        optimizer: Any,
        loss: Any = None,
        loss_weights: Any = None,
        metrics: Any = None,
        weighted_metrics: Any = None,
        run_eagerly: bool = False,
        steps_per_execution: Any = "auto",
        jit_compile: Any = "auto",
        scale_loss: bool = False,
    ):
        if not (
            steps_per_execution == "auto"
            or (
                isinstance(steps_per_execution, int) and steps_per_execution > 0
            )
        ):
            raise ValueError(
                "`steps_per_execution` must be 'auto' or a positive int. "
                f"Received: steps_per_execution={steps_per_execution!r}"
            )
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = CompileLoss(loss, loss_weights)
        self.loss_tracker = metrics_module.Mean(name="loss")
        self.compile_metrics = (
            CompileMetrics(metrics, weighted_metrics)
            if metrics or weighted_metrics
            else None
        )
        self.steps_per_execution = steps_per_execution
        self.run_eagerly = bool(run_eagerly) or jit_compile is False
        # The arguments, for `get_compile_config`: the resolved optimizer,
        # as Keras records it ("adam" is saved as Adam's full config).
        self.arguments = {
            "optimizer": self.optimizer,
            "loss": loss,
            "loss_weights": loss_weights,
            "metrics": metrics,
            "weighted_metrics": weighted_metrics,
            "run_eagerly": bool(run_eagerly),
            "steps_per_execution": steps_per_execution,
            "jit_compile": jit_compile,
        }
        if scale_loss and _needs_loss_scaling(self.optimizer):
            self.optimizer = optimizers_module.LossScaleOptimizer(
                self.optimizer, name="loss_scale_optimizer"
            )
        self.outputs: Outputs | None = None
        # Input signature -> (Outputs, prediction shapes), for `prepare`.
        self.spec_cache: dict = {}
        # The compiled chunk functions, made by `ember.training.loop`.
        self.functions: dict = {}
        self.built = False

    def build(
        self, outputs: Outputs, y_shapes: list, pred_shapes: list
    ) -> None:
        """Resolves the losses and metrics of every output, once."""
        if self.built:
            return
        self.loss.build(outputs, y_shapes, pred_shapes)
        if self.compile_metrics is not None:
            self.compile_metrics.build(outputs, y_shapes, pred_shapes)
        self.outputs = outputs
        self.built = True

    @property
    def needs_targets(self) -> bool:
        """Whether the compiled losses or metrics read targets `y`."""
        return self.loss.has_loss or self.compile_metrics is not None

    @property
    def metrics(self) -> list:
        """The metric objects, in the order of Keras' `model.metrics`."""
        metrics = [self.loss_tracker]
        if self.compile_metrics is not None:
            metrics.append(self.compile_metrics)
        return metrics + list(self.loss.trackers)

    @property
    def metric_variables(self) -> list:
        """The metrics' variables, flat, in `metrics` order."""
        return [v for m in self.metrics for v in m.variables]

    def _split(self, values: list) -> list[list]:
        parts, start = [], 0
        for metric in self.metrics:
            count = len(metric.variables)
            parts.append(list(values[start : start + count]))
            start += count
        return parts

    def update_metrics(self, values, loss, y, y_pred, weight, mask=None):
        """Pure update of the loss tracker and the compiled metrics.

        The per-output loss trackers are updated by `CompileLoss` itself,
        as the loss is computed; their values pass through unchanged.

        Args:
            values: the current flat values.
            loss: the step's total loss.
            y, y_pred, weight: the batch's targets, predictions and sample
                weights, as given to the step.
            mask: the padding mask of the batch (1 for real rows), or None
                when every row is real.

        Returns:
            The new flat values.
        """
        parts = self._split(values)
        parts[0] = self.loss_tracker.stateless_update_state(
            parts[0], loss, sample_weight=num_real(y_pred, mask)
        )
        if self.compile_metrics is not None:
            parts[1] = self.compile_metrics.stateless_update_state(
                parts[1], y, y_pred, sample_weight=weight, mask=mask
            )
        return [v for part in parts for v in part]

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
        names += [t.name for t in self.loss.trackers]
        values = [logs[name] for name in names if name in logs]
        values += [logs[k] for k in sorted(logs) if k not in names]
        return values


def _needs_loss_scaling(optimizer) -> bool:
    """Whether `compile` wraps `optimizer` for dynamic loss scaling: an
    ember optimizer that is not a `LossScaleOptimizer` already."""
    return isinstance(
        optimizer, optimizers_module.Optimizer
    ) and not isinstance(optimizer, optimizers_module.LossScaleOptimizer)
