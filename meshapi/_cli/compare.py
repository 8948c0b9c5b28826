"""``meshapi compare``: one prompt to several models, side by side, then the numbers, then the
synthesis.

:class:`CompareView` folds the stream's events into the view's state (no I/O); :func:`render`
draws it with rich, the same way while it is live and once it is finished.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence

from .._types._base import Usage
from .._types.chat import ChatMessage
from .._types.compare import CompareParams, CompareStreamEvent
from .._types.models import ModelPricing
from .common import Context, command_parser, read_prompt
from .errors import UsageError

__all__ = ["CompareView", "ModelColumn", "register", "render", "run"]


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "compare",
        help="send one prompt to several models and compare the replies side by side",
        description=(
            "The replies appear side by side as they arrive (with a synthesis, each model's\n"
            "reply appears when that model finishes; with --no-synthesis they stream token by\n"
            "token), then latency, tokens and cost per model, then the synthesis.\n"
            "Cost is estimated from the catalogue's per-1k-token prices."
        ),
        examples=[
            'meshapi compare -m openai/gpt-4o-mini -m anthropic/claude-sonnet-4.5 "Explain DNS"',
            'meshapi compare -m openai/gpt-4o -m google/gemini-2.5-flash --no-synthesis "Hi"',
            'echo "Name a prime" | meshapi compare -m openai/gpt-4o-mini -m openai/gpt-4o --json',
        ],
    )
    p.add_argument("prompt", nargs="*", help="the message (default: stdin)")
    p.add_argument(
        "-m",
        "--model",
        dest="models",
        action="append",
        required=True,
        metavar="MODEL",
        help="a model to ask (repeat: 1 to 10)",
    )
    p.add_argument("--system", default=None, metavar="TEXT", help="a system message")
    p.add_argument(
        "--synthesis-model", default=None, metavar="MODEL", help="who writes the synthesis"
    )
    p.add_argument(
        "--instructions", default=None, metavar="TEXT", help="instructions for the synthesis"
    )
    p.add_argument(
        "--no-synthesis", action="store_true", help="skip the synthesis; stream every reply"
    )
    p.add_argument("--max-tokens", type=int, default=None, metavar="N")
    p.add_argument("--temperature", type=float, default=None, metavar="T")
    p.set_defaults(run=run)


@dataclass
class ModelColumn:
    """One model's reply as far as it has arrived."""

    model: str
    text: str = ""
    done: bool = False
    latency_ms: Optional[float] = None
    usage: Optional[Usage] = None
    error: Optional[str] = None


def model_cost(pricing: Optional[ModelPricing], usage: Optional[Usage]) -> Optional[float]:
    """USD from the catalogue's per-1k-token prices; ``None`` when either is unknown."""
    if pricing is None or usage is None:
        return None
    return (usage.prompt_tokens * (pricing.prompt_usd_per_1k or 0.0)) / 1000 + (
        usage.completion_tokens * (pricing.completion_usd_per_1k or 0.0)
    ) / 1000


class CompareView:
    """The state of a compare run, updated event by event (no I/O)."""

    def __init__(
        self,
        models: Sequence[str],
        *,
        skip_comparison: bool = False,
        prices: Optional[Dict[str, ModelPricing]] = None,
        started: float = 0.0,
    ) -> None:
        self.columns: Dict[str, ModelColumn] = {m: ModelColumn(m) for m in dict.fromkeys(models)}
        self.skip_comparison = skip_comparison
        self.prices = prices or {}
        self.started = started
        self.synthesis = ""
        self.synthesis_model: Optional[str] = None
        self.comparison_id: Optional[str] = None
        self.total_latency_ms: Optional[float] = None
        self.partial: Optional[bool] = None
        self.finished = False

    def column(self, model: str) -> ModelColumn:
        if model not in self.columns:
            self.columns[model] = ModelColumn(model)
        return self.columns[model]

    def feed(self, event: CompareStreamEvent, now: float) -> None:
        """Fold one event in; ``now`` (seconds, same clock as ``started``) times the models
        whose events carry no latency."""
        kind = event.event
        if kind == "meta":
            self.comparison_id = event.comparison_id
            self.synthesis_model = event.comparison_model
            if event.models:
                self.columns = {m: self.column(m) for m in event.models}
        elif kind == "model_chunk" and event.model:
            col = self.column(event.model)
            col.text += event.delta or ""
            self._finish(col, event.latency_ms, event.usage, event.error, event.error_code, now)
            col.done = not self.skip_comparison or col.done
        elif kind == "model_stream_done" and event.model:
            col = self.column(event.model)
            self._finish(col, event.latency_ms, event.usage, event.error, event.error_code, now)
            col.done = True
        elif kind == "model_done":
            for result in event.results or []:
                col = self.column(result.model)
                if result.content is not None and not col.text:
                    col.text = result.content
                self._finish(
                    col, result.latency_ms, result.usage, result.error, result.error_code, now
                )
                col.done = True
        elif kind == "comparison_chunk":
            self.synthesis += event.delta or ""
        elif kind == "done":
            self.comparison_id = event.comparison_id or self.comparison_id
            self.synthesis_model = event.comparison_model or self.synthesis_model
            self.total_latency_ms = event.total_latency_ms
            self.partial = event.partial
            self.finished = True
            for col in self.columns.values():
                col.done = True

    def _finish(
        self,
        col: ModelColumn,
        latency_ms: Optional[float],
        usage: Optional[Usage],
        error: Optional[str],
        error_code: Optional[str],
        now: float,
    ) -> None:
        if latency_ms is not None:
            col.latency_ms = latency_ms
        if usage is not None:
            col.usage = usage
            if col.latency_ms is None:
                col.latency_ms = (now - self.started) * 1000
        if error:
            col.error = f"{error_code}: {error}" if error_code else error

    def stats_rows(self) -> List[List[str]]:
        """``model, latency, tokens in, tokens out, cost`` per model, as text."""
        rows = []
        for col in self.columns.values():
            cost = model_cost(self.prices.get(col.model), col.usage)
            rows.append(
                [
                    col.model,
                    "-" if col.latency_ms is None else f"{col.latency_ms:.0f} ms",
                    "-" if col.usage is None else str(col.usage.prompt_tokens),
                    "-" if col.usage is None else str(col.usage.completion_tokens),
                    "-" if cost is None else f"${cost:.6f}",
                ]
            )
        return rows


STATS_HEADERS = ["model", "latency", "tokens in", "tokens out", "cost"]


def render(view: CompareView) -> Any:
    """The rich renderable of ``view``: the columns, then the numbers, then the synthesis."""
    from rich.console import Group
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    replies = Table(expand=True, show_lines=False, header_style="bold")
    cells = []
    for col in view.columns.values():
        replies.add_column(col.model + ("" if col.done else " …"), ratio=1, overflow="fold")
        if col.error:
            cells.append(Text(col.error, style="red"))
        else:
            cells.append(Text(col.text or ("" if col.done else "…")))
    replies.add_row(*cells)
    parts: List[Any] = [replies]
    if any(col.done for col in view.columns.values()):
        stats = Table(header_style="bold", title_justify="left")
        for i, header in enumerate(STATS_HEADERS):
            stats.add_column(header, justify="left" if i == 0 else "right")
        for row in view.stats_rows():
            stats.add_row(*row)
        parts.append(stats)
    if view.synthesis or (not view.skip_comparison and view.synthesis_model):
        title = f"synthesis by {view.synthesis_model}" if view.synthesis_model else "synthesis"
        parts.append(Panel(Text(view.synthesis or "…"), title=title, title_align="left"))
    return Group(*parts)


def _prices(ctx: Context, models: Sequence[str]) -> Dict[str, ModelPricing]:
    """The catalogue's prices of ``models`` (one call; models it does not know are left out)."""
    wanted = set(models)
    return {m.id: m.pricing for m in ctx.client().models.list() if m.id in wanted and m.pricing}


def run(ctx: Context) -> int:
    args = ctx.args
    out = ctx.out
    prompt = read_prompt(args.prompt, ctx.stdin)
    if len(args.models) > 10:
        raise UsageError("compare takes 1 to 10 models (-m)")
    messages = [ChatMessage(role="user", content=prompt)]
    if args.system:
        messages.insert(0, ChatMessage(role="system", content=args.system))
    params = CompareParams(
        models=args.models,
        messages=messages,
        comparison_model=args.synthesis_model,
        comparison_instructions=args.instructions,
        skip_comparison=True if args.no_synthesis else None,
        max_tokens=args.max_tokens,
        temperature=args.temperature,
    )
    client = ctx.client()
    if out.json_mode:
        for event in client.compare.stream(params):
            out.json_line({"event": event.event, **event.data})
        return 0
    prices = _prices(ctx, args.models)
    view = CompareView(
        args.models,
        skip_comparison=args.no_synthesis,
        prices=prices,
        started=time.monotonic(),
    )
    if out.is_terminal:
        from rich.live import Live

        received = False
        try:
            live = Live(render(view), console=out.console, refresh_per_second=8, transient=True)
            with live:
                for event in client.compare.stream(params):
                    received = True
                    view.feed(event, time.monotonic())
                    live.update(render(view))
        finally:
            if received:  # the final view, or what had arrived before an error
                out.print(render(view))
        return 0
    for event in client.compare.stream(params):
        view.feed(event, time.monotonic())
    for col in view.columns.values():
        out.line(f"== {col.model}")
        out.line(col.error if col.error else col.text)
        out.line()
    out.table(STATS_HEADERS, view.stats_rows())
    if view.synthesis:
        out.line()
        out.line(f"== synthesis by {view.synthesis_model}")
        out.line(view.synthesis)
    return 0
