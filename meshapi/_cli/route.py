"""``meshapi route "prompt"``: the model the auto router would pick (router.select)."""

from __future__ import annotations

from typing import Any

from .._types.chat import ChatMessage
from .._types.router import RouterSelectParams
from .common import Context, build_params, command_parser, read_prompt

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "route",
        help="ask the auto router which model it would pick (no inference)",
        description=(
            "Show the model the gateway's auto router would pick for a prompt (argument or\n"
            "stdin), whether it fell back to the default, and a suggested reasoning effort."
        ),
        examples=[
            'meshapi route "Prove that 2+2=4."',
            'meshapi route "Fix this bug" --exclude anthropic/claude-sonnet-4.5',
            'meshapi route "some text to embed" --api embeddings --json',
        ],
    )
    p.add_argument("prompt", nargs="*", metavar="PROMPT", help="the prompt (or stdin)")
    p.add_argument("--api", choices=["completions", "responses", "embeddings"], default=None)
    p.add_argument(
        "--exclude", action="append", default=None, metavar="MODEL", help="never pick MODEL"
    )
    p.set_defaults(run=run)


def run(ctx: Context) -> int:
    args = ctx.args
    prompt = read_prompt(args.prompt, ctx.stdin) or ""
    params = build_params(
        RouterSelectParams,
        messages=[ChatMessage(role="user", content=prompt)],
        api_type=args.api,
        exclude_models=args.exclude,
    )
    selection = ctx.client().router.select(params)
    out = ctx.out
    if out.json_mode:
        out.json(selection)
        return 0
    meta = selection.auto_router
    out.fields(
        [
            ("model", selection.model),
            ("fallback", "yes" if meta.fallback_used else "no"),
            ("reason", meta.fallback_reason),
            ("reasoning effort", selection.reasoning_effort),
        ]
    )
    return 0
