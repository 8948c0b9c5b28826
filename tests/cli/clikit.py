"""Helpers of the command-line tests: run ``meshapi`` in-process and read what it printed."""

from __future__ import annotations

import contextlib
import io
import json
import sys
from dataclasses import dataclass
from typing import Any, Callable, List, Optional

from meshapi.__main__ import main

# Variables that change how the command behaves or renders: cleared for every test.
ENV_CLEARED = (
    "MESHAPI_API_KEY",
    "MESHAPI_MODEL",
    "FORCE_COLOR",
    "TTY_COMPATIBLE",
    "TTY_INTERACTIVE",
    "NO_COLOR",
    "COLUMNS",
    "LINES",
)


@dataclass
class Result:
    status: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)

    def json_lines(self) -> List[Any]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]


class Stdin(io.StringIO):
    """A stdin that is, or is not, a terminal."""

    def __init__(self, text: str = "", tty: bool = False) -> None:
        super().__init__(text)
        self._tty = tty

    def isatty(self) -> bool:
        return self._tty


Cli = Callable[..., Result]


def run_cli(argv: List[str], stdin: Optional[str] = None) -> Result:
    """``meshapi ARGV`` through the entry point, stdout and stderr captured."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(argv, stdin=Stdin(stdin or "", tty=False))
        except SystemExit as exc:  # argparse: --help, --version, bad arguments
            status = exc.code if isinstance(exc.code, int) else 1
    return Result(status, out.getvalue(), err.getvalue())


def subprocess_argv(*argv: str) -> List[str]:
    return [sys.executable, "-m", "meshapi", *argv]
