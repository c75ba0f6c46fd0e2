"""A small progress bar for `ProgbarLogger`.

On a terminal it draws a live line with `rich` (imported only then);
elsewhere (files, pipes, pytest's capture) it prints plain lines only, with
no carriage return and no escape code: one line when finalized plus at most
a few progress lines. With ``verbose=2`` it prints only the final line.
`update` is cheap when nothing needs drawing, and the step count may
jump (the trainer reports once per compiled chunk of steps).
"""

import math
import sys
import time
from typing import Any

from ember.core.formatting import format_eta
from ember.core.formatting import format_time_per_unit
from ember.core.formatting import format_value

_MILESTONES = (0.25, 0.5, 0.75)


class Progbar:
    """Progress bar over `target` steps (``None`` when unknown).

    Args:
        target: Total number of steps, or ``None``.
        verbose: 0 silent, 1 live bar, 2 one line when finalized.
        width: Width of the bar drawn on a terminal.
        interval: Minimum seconds between two redraws on a terminal.
        plain_interval: Minimum seconds between two progress lines when the
            output is not a terminal.
        unit_name: Name of the counted unit.
        stream: Where to write; ``sys.stdout`` (looked up at each write) by
            default.
        dynamic: Force (or forbid) the live display; by default it is used
            when the stream is a terminal, or when `console` is given.
        description: Label shown before the live bar, e.g. ``"Epoch 3/5"``.
        console: A `rich.console.Console` for the live display; by default
            one is made on the stream.
    """

    def __init__(
        self,
        target: int | None,
        verbose: int = 1,
        width: int = 30,
        interval: float = 0.05,
        plain_interval: float = 2.0,
        unit_name: str = "step",
        stream: Any = None,
        dynamic: bool | None = None,
        description: str | None = None,
        console: Any = None,
    ) -> None:
        self.target = target
        self.verbose = verbose
        self.width = width
        self.interval = interval
        self.plain_interval = plain_interval
        self.unit_name = unit_name
        self._stream = stream
        self.description = description
        self.console = console
        if dynamic is None:
            isatty = getattr(self.stream, "isatty", None)
            dynamic = console is not None or bool(isatty and isatty())
        self.dynamic = dynamic
        self._rich = None
        self._start = time.perf_counter()
        self._first = None  # (step, time) of the first update
        self._current = 0
        self._values = {}
        self._last_draw = 0.0
        self._last_plain = self._start
        self._next_plain_unknown = 10.0
        self._milestone = 0

    @property
    def stream(self):
        return self._stream if self._stream is not None else sys.stdout

    def _write(self, text: str) -> None:
        stream = self.stream
        stream.write(text)
        stream.flush()

    def _time_per_step(self, current: int, now: float) -> float:
        if not current:
            return 0.0
        if self._first is not None and current > self._first[0]:
            # Leave out the first update: it holds the compilation.
            return (now - self._first[1]) / (current - self._first[0])
        return (now - self._start) / current

    def _info(self, current: int, now: float, finalize: bool, eta: bool):
        per_step = self._time_per_step(current, now)
        parts = []
        if eta and self.target and not finalize:
            remaining = per_step * (self.target - current)
            parts.append("ETA: " + format_eta(remaining))
        else:
            parts.append(f"{now - self._start:.0f}s")
        parts.append(format_time_per_unit(per_step, self.unit_name))
        for key, value in self._values.items():
            parts.append(f"{key}: {format_value(value)}")
        return parts

    def _count(self, current: int) -> str:
        if self.target:
            digits = int(math.log10(self.target)) + 1
            return f"{current:{digits}d}/{self.target}"
        return f"{current:7d}/Unknown"

    def _plain_line(self, current: int, now: float, finalize: bool) -> str:
        parts = [self._count(current)]
        parts += self._info(current, now, finalize, eta=not finalize)
        return " - ".join(parts) + "\n"

    def _draw_dynamic(self, current: int, now: float, finalize: bool):
        if self._rich is None:
            # rich is imported only here, on a terminal.
            from ember.callbacks._rich_bar import RichBar

            self._rich = RichBar(self.stream, self.console, self.width)
        per_step = self._time_per_step(current, now)
        if not current and not finalize:
            # Drawn before the first step returns (compiling): no timing.
            timing = speed = ""
        else:
            speed = format_time_per_unit(per_step, self.unit_name)
            if self.target and not finalize:
                remaining = per_step * (self.target - current)
                timing = "ETA: " + format_eta(remaining)
            else:
                timing = f"{now - self._start:.0f}s"
        metrics = [
            f"{key}: {format_value(value)}"
            for key, value in self._values.items()
        ]
        self._rich.draw(
            self.description,
            current,
            self.target,
            timing,
            speed,
            metrics,
            finalize=finalize,
        )

    def _plain_due(self, current: int, now: float) -> bool:
        if now - self._last_plain < self.plain_interval:
            return False
        if self.target:
            fraction = current / self.target
            due = False
            while (
                self._milestone < len(_MILESTONES)
                and fraction >= _MILESTONES[self._milestone]
            ):
                self._milestone += 1
                due = True
            return due and current < self.target
        if now - self._start >= self._next_plain_unknown:
            self._next_plain_unknown *= 2
            return True
        return False

    def update(
        self,
        current: int,
        values: dict | list | None = None,
        finalize: bool | None = None,
    ) -> None:
        """Moves the bar to step `current` (1-indexed), showing `values`.

        `values` is a dict or a list of ``(name, value)`` pairs, displayed
        as they are (not averaged). `finalize` defaults to reaching target.
        """
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if values:
            self._values.update(values)
        self._current = current
        if self.verbose == 0:
            return
        now = time.perf_counter()
        if self._first is None and current:
            self._first = (current, now)
        if self.verbose == 2:
            if finalize:
                self._write(self._plain_line(current, now, True))
            return
        if self.dynamic:
            if (
                finalize
                or not current
                or now - self._last_draw >= self.interval
            ):
                self._last_draw = now
                self._draw_dynamic(current, now, finalize)
            return
        if finalize:
            self._write(self._plain_line(current, now, True))
        elif self._plain_due(current, now):
            self._last_plain = now
            self._write(self._plain_line(current, now, False))
