"""The metrics given to `compile`, per output, as one `Metric`.

Like Keras' `compile_metrics` entry of `model.metrics`: one metric object
whose variables are those of every compiled metric, whose `update_state`
updates them all and whose `result()` is a dict of named results. A custom
`train_step` can thus update it with `stateless_update_state(values, y,
y_pred)` as Keras' JAX guide does.

Names follow Keras: a metric given as a string is named by that string
(`"mae"` logs as `"mae"`); with several outputs each name is prefixed by
the output's name (`"out_accuracy"`); a repeated name gets `_1`, `_2`...;
a weighted metric whose name is taken is prefixed by `weighted_`.

Rows that pad the last batch (the `mask` argument of `update_state`, given
by ember's own steps) are left out of every metric.
"""

import inspect
from typing import Any

from ember import metrics as metrics_module
from ember.metrics.metric import Metric
from ember.training.compile_loss import target_kind
from ember.training.outputs import Outputs
from ember.training.outputs import identifiers

_ACCURACY_NAMES = ("accuracy", "acc")
_ACCURACIES = {
    "binary": metrics_module.BinaryAccuracy,
    "sparse": metrics_module.SparseCategoricalAccuracy,
    "categorical": metrics_module.CategoricalAccuracy,
}


def _check_argument(value: Any, what: str) -> None:
    if value and not isinstance(value, (list, tuple, dict)):
        raise ValueError(
            f"`{what}` must be a list, tuple or dict. Received: "
            f"{what}={value!r} of type {type(value).__name__}"
        )


def get_metric(identifier: Any, y_shape: tuple, pred_shape: tuple) -> Metric:
    """A metric object for one output, named as Keras names it.

    `"accuracy"` (or `"acc"`) becomes binary, sparse categorical or
    categorical accuracy depending on the shapes of the targets and
    predictions.
    """
    if isinstance(identifier, str) and identifier.lower() in _ACCURACY_NAMES:
        kind = target_kind(y_shape, pred_shape)
        return _ACCURACIES[kind](name=identifier)
    metric = metrics_module.get(identifier)
    if not getattr(metric, "_ember_metric", False):
        metric = metrics_module.MeanMetricWrapper(
            metric, name=getattr(metric, "__name__", None)
        )
    if isinstance(identifier, str):
        metric.name = identifier
    # A metric that sizes its state from the data (F1Score, a multi-label
    # AUC, R2Score) creates it now, before the compiled step is traced.
    build = getattr(metric, "_build_from_shapes", None)
    if callable(build):
        build(tuple(y_shape), tuple(pred_shape))
    return metric


def _takes_sample_weight(metric: Metric) -> bool:
    try:
        parameters = inspect.signature(metric.update_state).parameters
    except (TypeError, ValueError):
        return True
    return "sample_weight" in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )


class CompileMetrics(Metric):
    """Every compiled metric of every output, as one metric.

    Args:
        metrics: the `metrics` argument of compile (not sample-weighted).
        weighted_metrics: the `weighted_metrics` argument.
    """

    def __init__(self, metrics: Any = None, weighted_metrics: Any = None):
        _check_argument(metrics, "metrics")
        _check_argument(weighted_metrics, "weighted_metrics")
        # Unknown names fail here, in compile, not at the first fit.
        for identifier in identifiers(metrics) + identifiers(weighted_metrics):
            if isinstance(identifier, str) and (
                identifier.lower() not in _ACCURACY_NAMES
            ):
                metrics_module.get(identifier)
        super().__init__(name="compile_metrics")
        self._metrics_arg = metrics
        self._weighted_arg = weighted_metrics
        self._outputs: Outputs | None = None
        self._unweighted: list[list[Metric]] = []
        self._weighted: list[list[Metric]] = []
        self._result_names: list[str] = []
        self.built = False

    def build(
        self, outputs: Outputs, y_shapes: list, pred_shapes: list
    ) -> None:
        """Creates the metric objects (and their variables) once."""
        if self.built:
            return
        self._outputs = outputs
        self._unweighted = self._per_output(
            self._metrics_arg, outputs, y_shapes, pred_shapes, "metrics"
        )
        self._weighted = self._per_output(
            self._weighted_arg,
            outputs,
            y_shapes,
            pred_shapes,
            "weighted_metrics",
        )
        self._result_names = self._names()
        self.built = True

    @staticmethod
    def _per_output(argument, outputs, y_shapes, pred_shapes, what) -> list:
        if not argument:
            return [[] for _ in range(len(outputs))]
        if outputs.single:
            per_output = [identifiers(argument)]
        elif isinstance(argument, dict) or len(argument) == len(outputs):
            per_output = outputs.per_output(argument, what)
        else:
            raise ValueError(
                f"With several outputs, `{what}` must be a list with one "
                "entry (a metric or a list of metrics) per output, or a dict "
                f"keyed by output name; the model has {outputs.describe()}. "
                f"Received: {what}={argument!r}"
            )
        return [
            [
                get_metric(m, y_shapes[index], pred_shapes[index])
                for m in identifiers(entry)
            ]
            for index, entry in enumerate(per_output)
        ]

    def _names(self) -> list[str]:
        """The result names, in `metrics` order (Keras' naming rules)."""

        def prefixed(index, name):
            output = self._outputs.names[index]
            return name if output is None else f"{output}_{name}"

        names, counts = [], {}
        for index, group in enumerate(self._unweighted):
            for metric in group:
                name = prefixed(index, metric.name)
                if name in counts:
                    counts[name] += 1
                    name = f"{name}_{counts[name] - 1}"
                else:
                    counts[name] = 1
                names.append(name)
        for index, group in enumerate(self._weighted):
            for metric in group:
                name = prefixed(index, metric.name)
                if name in counts:
                    name = prefixed(index, f"weighted_{metric.name}")
                    if name in counts:
                        counts[name] += 1
                        name = f"{name}_{counts[name] - 1}"
                    else:
                        counts[name] = 1
                else:
                    counts[name] = 1
                names.append(name)
        return names

    @property
    def metrics(self) -> list[Metric]:
        """The metric objects: unweighted ones first, output by output."""
        return [m for group in self._unweighted + self._weighted for m in group]

    @property
    def variables(self) -> list:
        """Every metric's variables, flat, in `metrics` order."""
        return [v for metric in self.metrics for v in metric.variables]

    def update_state(
        self, y_true, y_pred, sample_weight=None, mask=None
    ) -> None:
        """Updates every metric with one batch (structures per output).

        Args:
            y_true, y_pred, sample_weight: structures like the outputs
                (`sample_weight` may be one array for all outputs); only
                the weighted metrics use `sample_weight`.
            mask: 1 for real rows, 0 for rows that pad a last batch (which
                no metric counts), or None when every row is real.
        """
        outputs = self._outputs
        y_true = outputs.flatten(y_true)
        y_pred = outputs.flatten(y_pred, "y_pred")
        if sample_weight is None:
            weights = [mask] * len(outputs)
        elif isinstance(sample_weight, (list, tuple, dict)):
            weights = outputs.flatten(sample_weight, "sample_weight")
        else:
            weights = [sample_weight] * len(outputs)
        for index, group in enumerate(self._unweighted):
            for metric in group:
                if mask is not None and _takes_sample_weight(metric):
                    metric.update_state(
                        y_true[index], y_pred[index], sample_weight=mask
                    )
                else:
                    metric.update_state(y_true[index], y_pred[index])
        for index, group in enumerate(self._weighted):
            for metric in group:
                metric.update_state(
                    y_true[index], y_pred[index], sample_weight=weights[index]
                )

    def result(self) -> dict:
        """`{name: result}` for every compiled metric."""
        return {
            name: metric.result()
            for name, metric in zip(
                self._result_names, self.metrics, strict=True
            )
        }

    def reset_state(self) -> None:
        """Resets every compiled metric."""
        for metric in self.metrics:
            metric.reset_state()
