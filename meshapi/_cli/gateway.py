"""``meshapi gateway``: run the local gateway in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import threading
from types import FrameType
from typing import Any, Dict, Optional

from .._version import __version__
from .common import Context, command_parser, start_local_gateway
from .errors import UsageError

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "gateway",
        help="run a local MeshAPI-compatible gateway until interrupted",
        description=(
            "Serve the MeshAPI wire protocol locally (deterministic models, SQLite state).\n"
            "The key is generated at each start unless --api-key or --key-file fixes it, so\n"
            "exported MESHAPI_TOKEN values keep working across restarts."
        ),
        examples=[
            "meshapi gateway --port 8000",
            "meshapi gateway --db state.db --key-file ~/.meshapi-key   # same key, same data",
            "meshapi gateway --port 0 --json      # one JSON line: base_url, api_key",
            "meshapi gateway --no-web-search --no-auto-router   # as production with both off",
        ],
        connection=False,
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    p.add_argument(
        "--port", type=int, default=8000, help="port to bind; 0 picks a free one (default 8000)"
    )
    p.add_argument("--api-key", default=None, help="the key clients must send (default: generated)")
    p.add_argument(
        "--key-file",
        default=None,
        metavar="PATH",
        help="read the key from PATH; when PATH does not exist, write the key used to it",
    )
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
    p.add_argument(
        "--no-web-search",
        action="store_true",
        help="switch web search off, as WEB_SEARCH_ENABLED=false does (POST /v1/web/search: 403)",
    )
    p.add_argument(
        "--no-auto-router",
        action="store_true",
        help="switch the auto router off, as AUTO_ROUTER_ENABLED=false does (router select and "
        "model 'auto': 403)",
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
    p.set_defaults(run=run)


def _check_key(key: str, where: str) -> str:
    if not key.startswith("rsk_"):
        raise UsageError(f"meshapi gateway: {where} must start with 'rsk_'")
    return key


def _key(args: argparse.Namespace) -> Optional[str]:
    """The key to serve: --api-key, else the key file's content, else a new one (None)."""
    if args.api_key is not None:
        return _check_key(args.api_key, "--api-key")
    path = args.key_file
    if path is None:
        return None
    path = os.path.expanduser(path)
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as fh:
                return _check_key(fh.read().strip(), f"the key in {path}")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"meshapi gateway: cannot read --key-file {path}: {exc}") from None
    return "rsk_local_" + secrets.token_hex(16)


def _save_key(path: str, key: str) -> None:
    path = os.path.expanduser(path)
    if os.path.exists(path):
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key + "\n")


def run(ctx: Context) -> int:
    args = ctx.args
    out = ctx.out
    out.secret = None  # this command prints its own local key on purpose (see below)
    key = _key(args)
    try:
        gateway = start_local_gateway(
            host=args.host,
            port=args.port,
            api_key=key,
            db_path=args.db,
            catalogue_path=args.catalogue,
            faults_enabled=args.faults,
            rpm=args.rpm,
            rpd=args.rpd,
            token_delay=args.token_delay,
            web_search_enabled=not args.no_web_search,
            auto_router_enabled=not args.no_auto_router,
            log_level=args.log_level,
        )
    except OSError as exc:
        out.stderr.write(
            f"meshapi gateway: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}\n"
        )
        return 1
    except (ValueError, RuntimeError) as exc:
        out.stderr.write(f"meshapi gateway: {exc}\n")
        return 1
    stop = threading.Event()

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    previous: Dict[int, Any] = {}
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGINT, signal.SIGTERM):
            previous[sig] = signal.signal(sig, on_signal)
    try:
        if args.key_file:
            _save_key(args.key_file, gateway.api_key)
        # The key is printed on purpose: it is this local gateway's own key, and the user needs
        # it to connect. With --key-file, the export line reads the file instead.
        token_line = (
            f"  export MESHAPI_TOKEN=$(cat {args.key_file})"
            if args.key_file
            else "  export MESHAPI_TOKEN=" + gateway.api_key
        )
        if getattr(args, "json", False):
            out.json_line(
                {
                    "base_url": gateway.base_url,
                    "api_key": gateway.api_key,
                    "db": args.db,
                    "faults": args.faults,
                    "version": __version__,
                }
            )
        else:
            lines = [
                f"MeshAPI local gateway {__version__} listening on {gateway.base_url}",
                f"API key: {gateway.api_key}",
                "",
                "  export MESHAPI_BASE_URL=" + gateway.base_url,
                token_line,
                "",
                f"State: {args.db or 'in memory'}"
                + ("; fault injection ON" if args.faults else "")
                + ("; web search OFF" if args.no_web_search else "")
                + ("; auto router OFF" if args.no_auto_router else ""),
                "Press Ctrl-C to stop.",
            ]
            out.line("\n".join(lines))
        while not stop.wait(0.5):
            pass
    finally:
        gateway.stop()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if getattr(args, "json", False):
        out.stderr.write("Gateway stopped.\n")
    else:
        out.line("Gateway stopped.")
    return 0
