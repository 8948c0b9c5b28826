"""The ``meshapi`` command line: ``meshapi gateway`` and ``meshapi demo``.

Rule: nothing heavy at import time. Each subcommand imports what it needs when it runs, so
``import meshapi`` never pulls in the gateway's server stack.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from types import FrameType
from typing import Any, Callable, Dict, Optional, Sequence

from ._version import __version__

__all__ = ["build_parser", "main"]


# --------------------------------------------------------------------------------------------
# meshapi gateway


def _add_gateway(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "gateway",
        help="run a local MeshAPI-compatible gateway until interrupted",
        description="Serve the MeshAPI wire protocol locally (deterministic models, SQLite state).",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=8000, help="port to bind; 0 picks a free one (default 8000)"
    )
    p.add_argument("--api-key", default=None, help="the key clients must send (default: generated)")
    p.add_argument(
        "--db", default=None, metavar="PATH", help="SQLite file that keeps state across restarts"
    )
    p.add_argument(
        "--catalogue",
        default=None,
        metavar="PATH",
        help="model catalogue JSON to serve instead of the packaged one",
    )
    p.add_argument(
        "--faults", action="store_true", help="enable fault injection (POST /_gateway/faults/...)"
    )
    p.add_argument("--rpm", type=int, default=None, help="per-key requests-per-minute limit")
    p.add_argument("--rpd", type=int, default=None, help="per-key requests-per-day limit")
    p.add_argument(
        "--token-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="pause between streamed chunks, to watch streams arrive (default 0)",
    )
    p.add_argument(
        "--log-level", default="warning", choices=["critical", "error", "warning", "info", "debug"]
    )


def _run_gateway(args: argparse.Namespace) -> int:
    try:
        from .testing import LocalGateway
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        print(
            f"meshapi gateway needs the gateway extra: pip install 'meshapi[gateway]' ({exc})",
            file=sys.stderr,
        )
        return 2
    if args.api_key is not None and not args.api_key.startswith("rsk_"):
        print("meshapi gateway: --api-key must start with 'rsk_'", file=sys.stderr)
        return 2
    gateway = LocalGateway(
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        db_path=args.db,
        catalogue_path=args.catalogue,
        faults_enabled=args.faults,
        rpm=args.rpm,
        rpd=args.rpd,
        token_delay=args.token_delay,
        log_level=args.log_level,
    )
    try:
        gateway.start()
    except OSError as exc:
        print(
            f"meshapi gateway: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}",
            file=sys.stderr,
        )
        return 1
    except (ValueError, RuntimeError) as exc:
        print(f"meshapi gateway: {exc}", file=sys.stderr)
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    previous: Dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        # The key is printed on purpose: it is this local gateway's throwaway key, and the
        # user needs it to connect.
        lines = [
            f"MeshAPI local gateway {__version__} listening on {gateway.base_url}",
            f"API key: {gateway.api_key}",
            "",
            "  export MESHAPI_BASE_URL=" + gateway.base_url,
            "  export MESHAPI_TOKEN=" + gateway.api_key,
            "",
            f"State: {args.db or 'in memory'}" + ("; fault injection ON" if args.faults else ""),
            "Press Ctrl-C to stop.",
        ]
        print("\n".join(lines), flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        gateway.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    print("Gateway stopped.", flush=True)
    return 0


# --------------------------------------------------------------------------------------------
# meshapi demo (implemented in meshapi/_demo.py)


def _add_demo(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "demo",
        help="tour every SDK feature against an embedded local gateway (or --base-url)",
        description="Run the SDK tour. Without --base-url it starts a local gateway in-process.",
    )
    p.add_argument(
        "--base-url", default=None, help="run against this gateway instead of a local one"
    )
    p.add_argument("--token", default=None, help="API key for --base-url (default: $MESHAPI_TOKEN)")


def _run_demo(args: argparse.Namespace) -> int:
    try:
        from . import _demo
    except ModuleNotFoundError as exc:
        if exc.name != "meshapi._demo":
            raise
        print(
            "meshapi demo is not available in this build (meshapi._demo is missing).",
            file=sys.stderr,
        )
        return 2
    result: int = _demo.main(args)
    return result


# --------------------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    """The ``meshapi`` argument parser."""
    parser = argparse.ArgumentParser(prog="meshapi", description="MeshAPI SDK command line tools.")
    parser.add_argument("--version", action="version", version=f"meshapi {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_gateway(sub)
    _add_demo(sub)
    return parser


_COMMANDS: Dict[str, Callable[[argparse.Namespace], int]] = {
    "gateway": _run_gateway,
    "demo": _run_demo,
}


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.command is None:
        parser.print_help()
        return 2
    return _COMMANDS[args.command](args)
