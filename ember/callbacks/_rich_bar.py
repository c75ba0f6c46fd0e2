"""The terminal side of the progress bar, drawn with `rich`.

Imported only when a bar is drawn on a terminal, so that `import ember`
does not import `rich`. One `RichBar` is one live line: each `draw`
redraws it in place; the final draw leaves it on screen and moves below.
"""

import atexit
from typing import Any

from rich.console import Console
from rich.console import Group
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

# The bar being drawn, stopped when a new one starts or Python exits, so
# that an interrupted epoch never leaves the cursor hidden.
_active = None


def _stop_active() -> None:
    global _active
    if _active is not None:
        _active.close()
    _active = None


atexit.register(_stop_active)


def pack_metrics(metrics: list[str], width: int, first: int) -> list[str]:
    """Lines of ``" - "``-joined metrics, at most `width` columns each, the
    first one starting at column `first` (after the bar); a metric is never
    split, and one wider than a line gets a line of its own. The first line
    is empty when not even one metric fits after the bar."""
    lines, line, start = [], "", first
    for metric in metrics:
        candidate = f"{line} - {metric}" if line else metric
        if start + len(candidate) <= width or (not line and start == 0):
            line = candidate  # It fits, or it is too wide for any line.
            continue
        lines.append(line)  # "" when not one metric fits after the bar.
        line, start = metric, 0
    if line:
        lines.append(line)
    return lines


class RichBar:
    """A live line: description, bar, step count, timing and metrics.

    Args:
        stream: The terminal to draw on (ignored when `console` is given).
        console: A `rich.console.Console` to draw on instead.
        width: Width of the bar, in characters.
    """

    def __init__(
        self, stream: Any = None, console: Any = None, width: int = 30
    ) -> None:
        if console is None:
            # The caller has checked that `stream` is a terminal.
            console = Console(file=stream, force_terminal=True)
        self.console = console
        self.width = width
        self._live = Live(
            console=console,
            auto_refresh=False,
            transient=False,
            redirect_stdout=False,
            redirect_stderr=False,
        )

    def render(
        self,
        description: str | None,
        current: int,
        target: int | None,
        timing: str,
        per_step: str,
        metrics: list[str],
        finalize: bool,
    ) -> Group:
        """The line as a rich renderable.

        The metrics (``"name: value"`` strings) follow the timing on the
        same line while they fit the console's width; the rest continue
        on full-width lines below, never split inside a metric, so that a
        narrow terminal shows no hanging column of wrapped metrics.
        """
        count = f"{current}/{target}" if target else f"{current}/Unknown"
        cells = [
            (Text(description, style="bold"), None) if description else None,
            (
                ProgressBar(
                    total=target,
                    completed=current,
                    width=self.width,
                    pulse=target is None and not finalize,
                    style="bar.back",
                    complete_style="green",
                    finished_style="green",
                ),
                self.width,
            ),
            (Text(count, style="bold"), None),
            (Text(timing, style="cyan"), None) if timing else None,
            (Text(per_step, style="dim"), None) if per_step else None,
        ]
        cells = [cell for cell in cells if cell is not None]
        used = (
            sum(
                width if width is not None else cell.cell_len
                for cell, width in cells
            )
            + len(cells)
            - 1
        )
        lines = pack_metrics(metrics, self.console.width, used + 1)
        grid = Table.grid(padding=(0, 1))
        for _, width in cells:
            grid.add_column(width=width, no_wrap=True)
        row = [cell for cell, _ in cells]
        if lines and lines[0]:
            grid.add_column(no_wrap=True)
            row.append(Text(lines[0]))
        grid.add_row(*row)
        rest = [Text(line, overflow="fold") for line in lines[1:]]
        return Group(grid, *rest)

    def draw(self, *args: Any, finalize: bool = False) -> None:
        """Redraws the line (arguments as `render`); the final draw stays."""
        global _active
        renderable = self.render(*args, finalize=finalize)
        if not self._live.is_started:
            if _active is not self:
                _stop_active()
            _active = self
            self._live.start()
        # The final drawing is made once, by `close`.
        self._live.update(renderable, refresh=not finalize)
        if finalize:
            self.close()

    def close(self) -> None:
        """Stops the live line, leaving its last drawing on screen."""
        global _active
        self._live.stop()
        if _active is self:
            _active = None
