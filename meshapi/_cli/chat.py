"""``meshapi chat``: one reply (streamed, or whole with ``--no-stream``), or a multi-turn session
when stdin is a terminal and no prompt is given."""

from __future__ import annotations

import argparse
import json
import re
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, TextIO

from .._errors import MeshAPIError
from .._types.chat import ChatCompletionParams, ChatMessage
from .common import (
    Context,
    command_parser,
    default_model,
    key_values,
    read_prompt,
    read_text_arg,
)
from .errors import UsageError

__all__ = ["ChatSettings", "register", "run", "usage_summary"]


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "chat",
        help="chat with a model; the reply streams as it arrives",
        description=(
            "Send a prompt and stream the reply; usage and cost follow on stderr.\n"
            "Without a prompt, the prompt is read from stdin; when stdin is a terminal, an\n"
            "interactive session starts: /model NAME, /system TEXT, /reset, /exit; Ctrl-C\n"
            "cancels the reply being written, Ctrl-D ends the session."
        ),
        examples=[
            'meshapi chat "What is the capital of France?"',
            'meshapi chat -m anthropic/claude-sonnet-4.5 --system "Answer in French" "Hello"',
            "git diff | meshapi chat --no-stream --system 'Review this diff'",
            'meshapi chat --template support-agent --var company=Acme "Reset my password?"',
            'meshapi chat --json-schema person.json "Invent a person" --no-stream --json',
            "meshapi chat            # interactive, on a terminal",
        ],
    )
    p.add_argument("prompt", nargs="*", help="the message (default: stdin; '-' reads stdin)")
    p.add_argument(
        "-m",
        "--model",
        default=None,
        help="model id (default $MESHAPI_MODEL or openai/gpt-4o-mini)",
    )
    p.add_argument("--system", default=None, metavar="TEXT", help="a system message")
    p.add_argument(
        "--template", default=None, metavar="NAME", help="a prompt template (name or id)"
    )
    p.add_argument(
        "--var",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a template variable (repeatable)",
    )
    p.add_argument(
        "--json-schema",
        default=None,
        metavar="FILE",
        help="ask for JSON matching this JSON Schema (response_format json_schema)",
    )
    p.add_argument("--no-stream", action="store_true", help="wait for the whole reply")
    p.add_argument("--max-tokens", type=int, default=None, metavar="N")
    p.add_argument("--temperature", type=float, default=None, metavar="T")
    p.set_defaults(run=run)


@dataclass
class ChatSettings:
    """What every request of a chat run (or session) sends besides the messages."""

    model: Optional[str]
    system: Optional[str] = None
    template: Optional[str] = None
    variables: Dict[str, str] = field(default_factory=dict)
    response_format: Optional[Dict[str, Any]] = None
    max_tokens: Optional[int] = None
    temperature: Optional[float] = None

    def params(self, history: List[ChatMessage]) -> ChatCompletionParams:
        messages = list(history)
        if self.system:
            messages.insert(0, ChatMessage(role="system", content=self.system))
        return ChatCompletionParams(
            model=self.model,
            messages=messages,
            template=self.template,
            variables=self.variables or None,
            response_format=self.response_format,
            max_tokens=self.max_tokens,
            temperature=self.temperature,
        )


def json_schema_format(text: str, source: str) -> Dict[str, Any]:
    """``response_format`` for a JSON Schema file; ``{"name", "schema"}`` files are used as-is."""
    try:
        doc = json.loads(text)
    except ValueError as exc:
        raise UsageError(f"--json-schema {source}: not JSON ({exc})") from None
    if not isinstance(doc, dict):
        raise UsageError(f"--json-schema {source}: expected a JSON object")
    if "schema" in doc and "name" in doc:
        spec = doc
    else:
        stem = re.sub(r"[^A-Za-z0-9_-]+", "_", source.rsplit("/", 1)[-1].rsplit(".", 1)[0])
        spec = {"name": stem or "schema", "schema": doc, "strict": True}
    return {"type": "json_schema", "json_schema": spec}


def settings_from(args: argparse.Namespace, stdin: TextIO) -> ChatSettings:
    model = args.model or (None if args.template else default_model())
    response_format = None
    if args.json_schema:
        response_format = json_schema_format(
            read_text_arg(args.json_schema, "--json-schema", stdin), args.json_schema
        )
    return ChatSettings(
        model=model,
        system=args.system,
        template=args.template,
        variables=key_values(args.var, "--var"),
        response_format=response_format,
        max_tokens=args.max_tokens,
        temperature=args.temperature,
    )


def usage_summary(model: Optional[str], usage: Any, cost: Optional[str]) -> str:
    """``openai/gpt-4o-mini · 12 in + 8 out tokens · $0.00000660``."""
    parts = [model or "?"]
    if usage is not None:
        parts.append(f"{usage.prompt_tokens} in + {usage.completion_tokens} out tokens")
    if cost is not None:
        parts.append(f"${cost}")
    return " · ".join(parts)


def run(ctx: Context) -> int:
    args = ctx.args
    settings = settings_from(args, ctx.stdin)
    prompt = read_prompt(args.prompt, ctx.stdin, session_ok=not getattr(args, "json", False))
    if prompt is None:
        from .chat_session import run_session

        return run_session(ctx, settings)
    reply(ctx, settings, [ChatMessage(role="user", content=prompt)], stream=not args.no_stream)
    return 0


def reply(ctx: Context, settings: ChatSettings, history: List[ChatMessage], *, stream: bool) -> str:
    """Send ``history``, print the reply (streamed or whole), then usage and cost; returns the
    reply's text."""
    client = ctx.client()
    out = ctx.out
    params = settings.params(history)
    if not stream:
        response = client.chat.completions.create(params)
        text = (response.choices[0].message.content or "") if response.choices else ""
        if out.json_mode:
            out.json(response)
        else:
            out.line(text)
            out.note(usage_summary(response.model, response.usage, response.cost))
        return text
    pieces: List[str] = []
    model, usage, cost = settings.model, None, None
    ended_with_newline = True
    with client.chat.completions.stream(params) as chunks:
        for chunk in chunks:
            if out.json_mode:
                out.json_line(chunk)
            model = chunk.model or model
            if chunk.usage is not None:
                usage = chunk.usage
            if chunk.cost is not None:
                cost = chunk.cost
            for choice in chunk.choices:
                delta = choice.delta.content if choice.index == 0 else None
                if delta:
                    pieces.append(delta)
                    if not out.json_mode:
                        out.write(delta)
                        ended_with_newline = delta.endswith("\n")
    if not out.json_mode:
        if not ended_with_newline:
            out.write("\n")
        out.note(usage_summary(model, usage, cost))
    return "".join(pieces)


def safe_reply(ctx: Context, settings: ChatSettings, history: List[ChatMessage]) -> Optional[str]:
    """One turn of a session: the reply, or ``None`` after reporting an error or a Ctrl-C."""
    try:
        return reply(ctx, settings, history, stream=True)
    except KeyboardInterrupt:
        ctx.out.write("\n")
        ctx.out.note("(reply cancelled)")
    except MeshAPIError as exc:
        ctx.out.error(exc)
    return None
