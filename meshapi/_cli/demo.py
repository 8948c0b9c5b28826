"""``meshapi demo``: the SDK tour (implemented in ``meshapi/_demo.py``)."""

from __future__ import annotations

import argparse
import contextlib
import io
from typing import Any

from .common import Context, command_parser

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "demo",
        help="tour every SDK feature against an embedded local gateway (or --base-url)",
        description=(
            "Run the SDK tour. Without --base-url it starts a local gateway in-process.\n"
            "With --base-url it first checks that a gateway answers there, and stops with\n"
            "one line if none does."
        ),
        examples=[
            "meshapi demo",
            "meshapi demo --base-url http://127.0.0.1:8000 --api-key rsk_...",
        ],
        connection=False,
    )
    p.add_argument(
        "--base-url", default=None, help="run against this gateway instead of a local one"
    )
    p.add_argument(
        "--api-key",
        "--token",
        dest="token",
        default=None,
        help="API key for --base-url (default: $MESHAPI_TOKEN, then $MESHAPI_API_KEY)",
    )
    p.set_defaults(run=run)


def run(ctx: Context) -> int:
    from .. import _demo

    args: argparse.Namespace = ctx.args
    ctx.out.secret = args.token or ctx.out.secret
    if not getattr(args, "json", False):
        result: int = _demo.main(args)
        return result
    log = io.StringIO()
    with contextlib.redirect_stdout(log):
        status: int = _demo.main(args)
    ctx.out.json({"exit_status": status, "passed": status == 0, "log": log.getvalue().splitlines()})
    return status
