"""What the ``meshapi`` command prints, and how: the one rendering layer every command uses.

* ``--json``: one JSON document (``json``), or JSON lines for streams (``json_line``), on stdout.
* On a terminal: ``rich`` tables, colour, live views and progress bars.
* Piped: plain lines (tab-separated tables), no colour, no cursor movement; progress goes to
  stderr as one line per step, so stdout keeps only the data.

``rich`` (the ``cli`` extra) is imported on first use, never by ``import meshapi``.
"""

from __future__ import annotations

import json
import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any, List, Optional, Sequence, TextIO, Type

from pydantic import BaseModel

from .errors import UsageError, error_document, error_line, redact

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress

__all__ = ["Output", "ProgressReporter", "jsonable", "need_rich"]


def need_rich() -> None:
    """Raise a one-line :class:`UsageError` when the ``cli`` extra is not installed."""
    try:
        import rich  # noqa: F401
    except ImportError:
        raise UsageError("this command renders with rich: pip install 'meshapi[cli]'") from None


def jsonable(value: Any) -> Any:
    """Pydantic models (and lists/dicts of them) as plain JSON, ``None`` fields left out."""
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _rich_console(file: TextIO) -> Console:
    need_rich()
    from rich.console import Console

    return Console(file=file, highlight=False)


class Output:
    """stdout/stderr of one command run; ``secret`` (the API key) is never written."""

    def __init__(
        self,
        *,
        json_mode: bool = False,
        stdout: Optional[TextIO] = None,
        stderr: Optional[TextIO] = None,
    ) -> None:
        self.json_mode = json_mode
        self.stdout = stdout if stdout is not None else sys.stdout
        self.stderr = stderr if stderr is not None else sys.stderr
        self.secret: Optional[str] = None
        self._console: Optional[Console] = None
        self._err_console: Optional[Console] = None

    # -- rich consoles (created on first use) ----------------------------------------------

    @property
    def console(self) -> Console:
        """A rich console on stdout (colour and live rendering only on a terminal)."""
        if self._console is None:
            self._console = _rich_console(self.stdout)
        return self._console

    @property
    def err_console(self) -> Console:
        """A rich console on stderr, for progress and notes."""
        if self._err_console is None:
            self._err_console = _rich_console(self.stderr)
        return self._err_console

    @property
    def is_terminal(self) -> bool:
        """stdout is a terminal (or ``FORCE_COLOR`` / ``TTY_COMPATIBLE`` says to act as one)."""
        try:
            return self.console.is_terminal
        except UsageError:
            return False

    # -- plain text ------------------------------------------------------------------------

    def write(self, text: str) -> None:
        """Raw text on stdout, flushed (streamed replies)."""
        self.stdout.write(redact(text, self.secret))
        self.stdout.flush()

    def line(self, text: str = "") -> None:
        self.write(text + "\n")

    def note(self, text: str, style: str = "dim") -> None:
        """A side remark on stderr (usage, cost, progress when piped): dim on a terminal."""
        text = redact(text, self.secret)
        if self._stderr_is_terminal():
            self.err_console.print(text, style=style, markup=False, highlight=False, soft_wrap=True)
        else:
            self.stderr.write(text + "\n")
            self.stderr.flush()

    def _stderr_is_terminal(self) -> bool:
        try:
            return self.err_console.is_terminal
        except UsageError:
            return False

    def print(self, renderable: Any) -> None:
        """A rich renderable on stdout."""
        self.console.print(renderable)

    # -- JSON ------------------------------------------------------------------------------

    def json(self, value: Any) -> None:
        """One JSON document on stdout."""
        self.write(json.dumps(jsonable(value), indent=2, ensure_ascii=False) + "\n")

    def json_line(self, value: Any) -> None:
        """One JSON line on stdout (streams, batch results)."""
        self.write(json.dumps(jsonable(value), ensure_ascii=False, separators=(",", ":")) + "\n")

    # -- errors ----------------------------------------------------------------------------

    def error(self, exc: BaseException) -> None:
        """The one-line report on stderr (and the ``{"error": ...}`` document with ``--json``)."""
        if self.json_mode:
            self.json(error_document(exc, self.secret))
        self.stderr.write(error_line(exc, self.secret) + "\n")
        self.stderr.flush()

    # -- tables and progress ---------------------------------------------------------------

    def table(
        self, headers: Sequence[str], rows: Sequence[Sequence[Any]], *, title: Optional[str] = None
    ) -> None:
        """A rich table on a terminal; tab-separated lines (header first) when piped."""
        cells = [["" if c is None else str(c) for c in row] for row in rows]
        if not self.is_terminal:
            for row in [list(headers), *cells]:
                self.line("\t".join(c.replace("\t", " ").replace("\n", " ") for c in row))
            return
        from rich.table import Table

        table = Table(title=title, title_justify="left", header_style="bold")
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in cells:
            table.add_row(*row)
        self.console.print(table)

    def fields(self, pairs: Sequence[Sequence[Any]]) -> None:
        """``name: value`` lines (one object): aligned and bold names on a terminal."""
        shown = [(str(k), "" if v is None else str(v)) for k, v in pairs if v is not None]
        if not self.is_terminal:
            for key, value in shown:
                self.line(f"{key}: {value}")
            return
        from rich.table import Table

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="bold")
        grid.add_column(overflow="fold")
        for key, value in shown:
            grid.add_row(key, value)
        self.console.print(grid)

    def progress(self, description: str, total: Optional[int]) -> ProgressReporter:
        """A progress bar on stderr (a terminal), or one plain stderr line per change."""
        return ProgressReporter(self, description, total)


class ProgressReporter:
    """``with out.progress("uploading", 3) as p: p.update(1, "a.txt")``."""

    def __init__(self, out: Output, description: str, total: Optional[int]) -> None:
        self._out = out
        self._description = description
        self._total = total
        self._last: Optional[str] = None
        self._progress: Optional[Progress] = None
        self._task: Any = None

    def __enter__(self) -> ProgressReporter:
        if not self._out.json_mode and self._out._stderr_is_terminal():
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            columns: List[Any] = [
                SpinnerColumn(),
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.fields[note]}", style="dim"),
            ]
            self._progress = Progress(*columns, console=self._out.err_console)
            self._progress.start()
            self._task = self._progress.add_task(self._description, total=self._total, note="")
        return self

    def update(self, completed: int, note: str = "", total: Optional[int] = None) -> None:
        if total is not None:
            self._total = total
        if self._progress is not None:
            self._progress.update(self._task, completed=completed, total=self._total, note=note)
            return
        of = f"/{self._total}" if self._total is not None else ""
        text = f"{self._description}: {completed}{of}" + (f" {note}" if note else "")
        if text != self._last:
            self._last = text
            if not self._out.json_mode:
                self._out.note(text)

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
