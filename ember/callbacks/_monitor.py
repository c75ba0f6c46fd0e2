"""`MonitorCallback`: the base of callbacks that watch a logged quantity
and decide whether a new value improves on the best one."""

import warnings

import numpy as np

from ember.callbacks.callback import Callback


def metric_direction(model, name: str):
    """``"up"``, ``"down"`` or None: what the model's metric `name` says."""
    pending = list(getattr(model, "metrics", None) or [])
    while pending:
        metric = pending.pop()
        inner = getattr(metric, "metrics", None)
        if isinstance(inner, (list, tuple)):
            pending.extend(inner)
        if getattr(metric, "name", None) == name:
            direction = getattr(metric, "_direction", None)
            if direction in ("up", "down"):
                return direction
    return None


class MonitorCallback(Callback):
    """Base class for callbacks that monitor a quantity in the logs.

    With ``mode="auto"`` the direction comes from the monitored name, as in
    Keras: ``"loss"`` (or ``"val_loss"``) is minimized, and a compiled
    metric of that name is minimized or maximized as the metric says;
    anything else is an error asking for ``mode="min"`` or ``"max"``.

    Args:
        monitor: Name of the quantity in the logs.
        mode: ``"auto"``, ``"min"`` or ``"max"``; an unknown mode warns
            and falls back to ``"auto"``.
        baseline: Initial best value, or None to take the first one seen.
        min_delta: Smallest change that counts as an improvement.
    """

    def __init__(
        self,
        monitor: str = "val_loss",
        mode: str = "auto",
        baseline: float | None = None,
        min_delta: float = 0,
    ):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            warnings.warn(
                f"{type(self).__name__} mode '{mode}' is unknown, fallback "
                "to auto mode.",
                stacklevel=3,
            )
            mode = "auto"
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None

    def _set_monitor_op(self) -> None:
        """Picks `monitor_op` (`np.less` or `np.greater`) and signs
        `min_delta` so that `_is_improvement` reads the same both ways."""
        if self.mode == "min":
            self.monitor_op = np.less
        elif self.mode == "max":
            self.monitor_op = np.greater
        else:
            name = self.monitor.removeprefix("val_")
            direction = metric_direction(self.model, name)
            if direction is None and name == "loss":
                direction = "down"
            if direction is None:
                raise ValueError(
                    f"{type(self).__name__} callback received "
                    f"monitor={self.monitor}, but cannot tell whether that "
                    "metric should be maximized or minimized. Pass "
                    "`mode='max'` in order to monitor based on the highest "
                    "metric value, or pass `mode='min'` in order to use the "
                    "lowest value."
                )
            self.monitor_op = np.greater if direction == "up" else np.less
        if self.monitor_op is np.less:
            self.min_delta *= -1

    def _is_improvement(self, monitor_value, reference_value) -> bool:
        """Whether `monitor_value` beats `reference_value` by `min_delta`
        (always true when there is no reference yet)."""
        if reference_value is None:
            return True
        return bool(
            self.monitor_op(monitor_value - self.min_delta, reference_value)
        )
