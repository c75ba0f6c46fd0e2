"""`Progbar`: the progress bar of `keras.utils`, for users' own loops.

(`fit`'s own bar is `ember.callbacks.ProgbarLogger`, which shows chunked
steps and draws with `rich` on a terminal; this class keeps Keras' public
`update` / `add` contract, including the running averages.)
"""

import math
import sys
import time
from collections.abc import Iterable
from typing import Any

import numpy as np

from ember.core.formatting import format_eta
from ember.core.formatting import format_time_per_unit
from ember.core.formatting import format_value


class Progbar:
    """Displays a progress bar, with metrics, for a loop of steps.

    Metrics not named in `stateful_metrics` are averaged over the steps
    seen (weighted by how many steps each update covers); stateful ones
    are shown as given. On a terminal the bar is redrawn in place;
    elsewhere (a file, a pipe) each drawn update is a line of its own.

    Args:
        target: the total number of steps, or None when unknown.
        width: the width of the bar, in characters.
        verbose: 0 silent, 1 the bar, 2 one line when the target is
            reached.
        interval: the minimum number of seconds between two redraws.
        stateful_metrics: names of metrics shown as given, not averaged.
        stateless_metrics: alternatively, the names of the only metrics
            to average (then every other metric is shown as given).
        unit_name: the name of a step in the timing (`"step"`).

    Example:

    >>> bar = Progbar(target=3, verbose=2)
    >>> for step in range(3):
    ...     bar.update(step + 1, values=[("loss", 0.5)])
    3/3 - 0s - ...us/step - loss: 0.5000
    """

    def __init__(
        self,
        target: int | None,
        width: int = 20,
        verbose: int = 1,
        interval: float = 0.05,
        stateful_metrics: Iterable[str] | None = None,
        stateless_metrics: Iterable[str] | None = None,
        unit_name: str = "step",
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "Give only one of `stateful_metrics` (metrics not to "
                "average) and `stateless_metrics` (the only metrics to "
                "average)."
            )
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateless_metrics = None
        self.stateful_metrics = set(stateful_metrics or ())
        if stateless_metrics is not None:
            self.stateful_metrics = None
            self.stateless_metrics = set(stateless_metrics)
        isatty = getattr(sys.stdout, "isatty", None)
        self._dynamic_display = bool(isatty and isatty())
        self._seen_so_far = 0
        self._values: dict[str, list] = {}
        self._start = time.time()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_total_width = 0

    def _averaged(self, name: str) -> bool:
        if self.stateful_metrics is not None:
            return name not in self.stateful_metrics
        return name in self.stateless_metrics

    def update(
        self,
        current: int,
        values: Iterable[tuple[str, Any]] | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Moves the bar to step `current`.

        Args:
            current: the index of the current step (1 after the first).
            values: `(name, value)` pairs for this step. Averaged metrics
                accumulate `value` once per step since the last update
                (the last update shows the value given, as Keras does).
            finalize: whether this is the last update; by default, whether
                `current` reached `target`.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        for name, value in values or ():
            if not self._averaged(name) or finalize:
                self._values[name] = [value, 1]
                continue
            steps = max(current - self._seen_so_far, 1)
            if name in self._values:
                self._values[name][0] += value * steps
                self._values[name][1] += steps
            else:
                self._values[name] = [value * steps, steps]
        self._seen_so_far = current
        now = time.time()
        per_unit = self._time_per_unit(current, now)
        if self.verbose == 1:
            if now - self._last_update < self.interval and not finalize:
                return
            self._write(self._bar_line(current, now, per_unit, finalize))
        elif self.verbose == 2 and finalize and self.target:
            self._write(self._summary_line(current, now, per_unit))
        self._last_update = now

    def add(
        self, n: int, values: Iterable[tuple[str, Any]] | None = None
    ) -> None:
        """Advances the bar by `n` steps (see `update`)."""
        self.update(self._seen_so_far + n, values)

    def _time_per_unit(self, current: int, now: float) -> float:
        """Seconds per step, leaving out the first step when possible (it
        usually holds the compilation)."""
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per_unit = (now - self._time_after_first_step) / (current - 1)
        else:
            per_unit = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per_unit

    def _metrics(self) -> str:
        parts = []
        for name, (total, count) in self._values.items():
            average = np.mean(total) / max(1, count)
            parts.append(f" - {name}: {format_value(float(average))}")
        return "".join(parts)

    def _count(self, current: int) -> str:
        digits = int(math.log10(self.target)) + 1
        return f"{current:{digits}d}/{self.target}"

    def _bar_line(
        self, current: int, now: float, per_unit: float, finalize: bool
    ) -> str:
        if self.target:
            done = min(int(self.width * current / self.target), self.width)
            line = f"{self._count(current)} "
            line += "━" * done + "─" * (self.width - done)
        else:
            line = f"{current:7d}/Unknown"
        if self.target and not finalize:
            line += f" {format_eta(per_unit * (self.target - current))}"
        else:
            line += f" {now - self._start:.0f}s"
        line += f" {format_time_per_unit(per_unit, self.unit_name)}"
        line += self._metrics()
        if not self._dynamic_display:
            return line + "\n"
        padding = max(self._prev_total_width - len(line), 0)
        self._prev_total_width = len(line)
        return "\r" + line + " " * padding + ("\n" if finalize else "")

    def _summary_line(self, current: int, now: float, per_unit: float) -> str:
        line = f"{self._count(current)} - {now - self._start:.0f}s - "
        line += format_time_per_unit(per_unit, self.unit_name)
        return line + self._metrics() + "\n"

    def _write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()
