"""The ``meshapi`` entry point: builds the parser from the command modules, runs one command,
turns every failure into one line and an exit status.

Adding a command group: write ``meshapi/_cli/<group>.py`` with ``register(sub)`` (which calls
``command_parser(...)`` and ``parser.set_defaults(run=run)``) and ``run(ctx) -> int``, then add
its name to :data:`COMMANDS`. Nothing heavy is imported until a command runs.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import Callable, Optional, Sequence, TextIO

from .._errors import MeshAPIError
from .._version import __version__
from .common import Context
from .errors import EXIT_INTERRUPTED, EXIT_STATUS_HELP, CommandError, UsageError, exit_status

__all__ = ["COMMANDS", "build_parser", "main"]

COMMANDS = (
    "chat",
    "compare",
    "models",
    "templates",
    "rag",
    "batches",
    "images",
    "audio",
    "video",
    "embeddings",
    "moderate",
    "search",
    "route",
    "gateway",
    "demo",
)
"""The command modules of this package, in the order ``meshapi --help`` lists them."""

_DESCRIPTION = """\
The MeshAPI gateway from a terminal: chat, compare models, browse the catalogue, manage
templates, RAG files and batches, generate images and embeddings; run a local gateway.

Configuration: --base-url / --api-key, or MESHAPI_BASE_URL and MESHAPI_TOKEN (MESHAPI_API_KEY
also works), or --local to start a throwaway local gateway for one command. Every command takes
--json for machine-readable output and --help for its options and examples."""

_EXAMPLES = """\
examples:
  meshapi gateway --port 8000                      # a local gateway to try things on
  meshapi chat -m openai/gpt-4o-mini "Say hello"
  echo "Summarise: ..." | meshapi chat --no-stream --json
  meshapi compare -m openai/gpt-4o-mini -m anthropic/claude-sonnet-4.5 "Name a prime"
  meshapi models --free
  meshapi rag upload handbook.md --embed --wait --local
"""


def build_parser() -> argparse.ArgumentParser:
    """The ``meshapi`` argument parser, one subparser per command module."""
    parser = argparse.ArgumentParser(
        prog="meshapi",
        description=_DESCRIPTION,
        epilog=_EXAMPLES + "\n" + EXIT_STATUS_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"meshapi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"{__package__}.{name}").register(sub)
    return parser


def main(
    argv: Optional[Sequence[str]] = None,
    *,
    stdin: Optional[TextIO] = None,
    stdout: Optional[TextIO] = None,
    stderr: Optional[TextIO] = None,
) -> int:
    """Run the command line; returns the exit status (argparse exits 2 on bad arguments)."""
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    run: Optional[Callable[[Context], int]] = getattr(args, "run", None)
    if run is None:
        parser.print_help(stdout)
        return 2
    with Context(args, stdin=stdin, stdout=stdout, stderr=stderr) as ctx:
        try:
            return run(ctx)
        except (UsageError, CommandError, MeshAPIError) as exc:
            ctx.out.error(exc)
            return exit_status(exc)
        except KeyboardInterrupt:
            ctx.out.note("interrupted")
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # `meshapi models | head -1`: the reader left; nothing to report.
            _silence_stdout()
            return 0


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
