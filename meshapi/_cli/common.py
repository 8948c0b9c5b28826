"""The options every ``meshapi`` command shares and the per-run :class:`Context`.

A command module calls :func:`command_parser` to get its parser (the common options, the help
layout, its examples and the exit-status table) and ``ctx.client()`` for a :class:`MeshAPI`
configured from ``--base-url`` / ``--api-key`` / ``MESHAPI_*`` / ``--local``.
"""

from __future__ import annotations

import argparse
import os
import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, Dict, List, Optional, Sequence, TextIO, Type

from .errors import EXIT_STATUS_HELP, UsageError
from .output import Output

if TYPE_CHECKING:
    from .._client import MeshAPI

__all__ = [
    "DEFAULT_MODEL",
    "Context",
    "command_parser",
    "key_values",
    "read_bytes_arg",
    "read_prompt",
    "read_text_arg",
]

DEFAULT_MODEL = "openai/gpt-4o-mini"
"""The chat model when neither ``-m`` nor ``$MESHAPI_MODEL`` names one."""


def default_model() -> str:
    return os.environ.get("MESHAPI_MODEL") or DEFAULT_MODEL


def command_parser(
    sub: Any,
    name: str,
    *,
    help: str,
    description: str,
    examples: Sequence[str],
    connection: bool = True,
    aliases: Sequence[str] = (),
) -> argparse.ArgumentParser:
    """A subcommand's parser with ``--json`` (and the connection options unless told not to),
    its examples and the exit-status table in ``--help``."""
    epilog = "examples:\n" + "\n".join(f"  {e}" for e in examples) + "\n\n" + EXIT_STATUS_HELP
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help,
        description=description,
        epilog=epilog,
        aliases=list(aliases),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_common_options(parser, connection=connection)
    return parser


def add_common_options(parser: argparse.ArgumentParser, *, connection: bool = True) -> None:
    """``--json`` and, for commands that call a gateway, where and how to reach it.

    Defaults are suppressed (read them with ``getattr(args, name, None)``), so an option given
    before a nested action (``meshapi models --json get ID``) is not reset by the action's parser.
    """
    parser.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="machine-readable output: one JSON document (JSON lines for streams)",
    )
    if not connection:
        return
    group = parser.add_argument_group("gateway connection")
    group.add_argument(
        "--base-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="the gateway (default $MESHAPI_BASE_URL, then https://api.meshapi.ai)",
    )
    group.add_argument(
        "--api-key",
        default=argparse.SUPPRESS,
        metavar="KEY",
        help="API key (default $MESHAPI_TOKEN, then $MESHAPI_API_KEY); never printed",
    )
    group.add_argument(
        "--local",
        action="store_true",
        default=argparse.SUPPRESS,
        help="start a local gateway in-process for this command (needs meshapi[gateway])",
    )
    group.add_argument(
        "--timeout",
        type=float,
        default=argparse.SUPPRESS,
        metavar="SECONDS",
        help="per-request timeout",
    )
    group.add_argument(
        "--max-retries",
        type=int,
        default=argparse.SUPPRESS,
        metavar="N",
        help="retries of 429/5xx/connection failures (default 3)",
    )


def key_values(items: Optional[Sequence[str]], option: str) -> Dict[str, str]:
    """``["k=v", ...]`` as a dict; a :class:`UsageError` naming ``option`` for a malformed one."""
    result: Dict[str, str] = {}
    for item in items or ():
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise UsageError(f"{option} takes KEY=VALUE, got {item!r}")
        result[key] = value
    return result


def read_text_arg(path: str, what: str, stdin: TextIO) -> str:
    """A text file's content, or ``stdin`` for ``-``; a :class:`UsageError` when unreadable."""
    if path == "-":
        return stdin.read()
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {what} {path!r}: {_reason(exc)}") from None


def read_prompt(words: Sequence[str], stdin: TextIO, *, session_ok: bool = False) -> Optional[str]:
    """The prompt: the words given, else stdin (``-`` forces stdin) without its final newline.

    ``None`` when there are no words and stdin is a terminal and ``session_ok`` (the caller
    starts an interactive session); a :class:`UsageError` when there is no prompt at all.
    """
    prompt: Optional[str] = " ".join(words) if words else None
    if prompt is None or prompt == "-":
        if prompt is None and stdin.isatty():
            if session_ok:
                return None
            raise UsageError("no prompt: give one as an argument or on stdin")
        prompt = stdin.read().rstrip("\r\n")
    if not prompt.strip():
        raise UsageError("no prompt: give one as an argument or on stdin")
    return prompt


def build_params(params_class: Any, /, **fields: Any) -> Any:
    """``params_class(**fields)`` (``None`` fields left out); a field the options filled in
    wrongly (``-n 50`` where 1-20 is allowed) is a :class:`UsageError` naming it (exit status
    2), not a traceback nor a gateway error."""
    from .._errors import InvalidRequestError

    try:
        return params_class(**{k: v for k, v in fields.items() if v is not None})
    except InvalidRequestError as exc:
        raise UsageError(f"invalid input: {exc.message}") from None


def read_bytes_arg(path: str, what: str) -> bytes:
    """A file's bytes; a :class:`UsageError` when unreadable."""
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError as exc:
        raise UsageError(f"cannot read {what} {path!r}: {_reason(exc)}") from None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)


class Context:
    """One run of a command: its arguments, its output, and (on demand) its client."""

    def __init__(
        self,
        args: argparse.Namespace,
        *,
        stdin: Optional[TextIO] = None,
        stdout: Optional[TextIO] = None,
        stderr: Optional[TextIO] = None,
    ) -> None:
        self.args = args
        self.stdin = stdin if stdin is not None else sys.stdin
        self.out = Output(
            json_mode=bool(getattr(args, "json", False)), stdout=stdout, stderr=stderr
        )
        self.out.secret = getattr(args, "api_key", None) or (
            os.environ.get("MESHAPI_TOKEN") or os.environ.get("MESHAPI_API_KEY")
        )
        self._client: Optional[MeshAPI] = None
        self._cleanup: List[Callable[[], None]] = []

    def client(self) -> MeshAPI:
        """The SDK client for this run (``--local`` starts a gateway first)."""
        if self._client is not None:
            return self._client
        from .._client import MeshAPI

        args = self.args
        base_url = getattr(args, "base_url", None)
        token = getattr(args, "api_key", None)
        if getattr(args, "local", False):
            if base_url:
                raise UsageError("--local and --base-url exclude each other")
            gateway = start_local_gateway()
            self._cleanup.append(gateway.stop)
            base_url, token = gateway.base_url, token or gateway.api_key
            self.out.secret = token
        options: Dict[str, Any] = {}
        if getattr(args, "timeout", None) is not None:
            options["timeout"] = args.timeout
        if getattr(args, "max_retries", None) is not None:
            options["max_retries"] = args.max_retries
        self._client = MeshAPI(base_url=base_url, token=token, **options)
        self._cleanup.append(self._client.close)
        return self._client

    def close(self) -> None:
        while self._cleanup:
            self._cleanup.pop()()

    def __enter__(self) -> Context:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


def start_local_gateway(**kwargs: Any) -> Any:
    """A started ``LocalGateway``; a one-line :class:`UsageError` without the gateway extra."""
    try:
        from ..testing import LocalGateway

        gateway = LocalGateway(**kwargs)
        gateway.start()
    except ImportError:  # the module, or its server stack (loaded on start), is missing
        raise UsageError(
            "the local gateway needs the gateway extra: pip install 'meshapi[gateway]'"
        ) from None
    return gateway
