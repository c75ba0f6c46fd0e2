"""The terminal side of the progress bar, drawn with `rich`.

Imported only when a bar is drawn on a terminal, so that `import ember`
does not import `rich`. One `RichBar` is one live line: each `draw`
redraws it in place; the final draw leaves it on screen and moves below.
"""

import atexit
from typing import Any

from rich.console import Console
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
        metrics: str,
        finalize: bool,
    ) -> Table:
        """The line as a rich renderable (a one-row grid)."""
        grid = Table.grid(padding=(0, 1))
        row = []
        if description:
            grid.add_column(no_wrap=True)
            row.append(Text(description, style="bold"))
        grid.add_column(width=self.width, no_wrap=True)
        row.append(
            ProgressBar(
                total=target,
                completed=current,
                width=self.width,
                pulse=target is None and not finalize,
                style="bar.back",
                complete_style="green",
                finished_style="green",
            )
        )
        count = f"{current}/{target}" if target else f"{current}/Unknown"
        grid.add_column(no_wrap=True)
        row.append(Text(count, style="bold"))
        grid.add_column(no_wrap=True)
        row.append(Text(timing, style="cyan"))
        grid.add_column(no_wrap=True)
        row.append(Text(per_step, style="dim"))
        if metrics:
            grid.add_column(overflow="fold")
            row.append(Text(metrics))
        grid.add_row(*row)
        return grid

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
