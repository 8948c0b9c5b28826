"""``meshapi search "query"``: web search (titles, URLs, snippets, scores, an answer)."""

from __future__ import annotations

from typing import Any

from .._types.web import WebSearchParams
from .common import Context, build_params, command_parser, read_prompt

__all__ = ["register", "run"]


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "search",
        help="search the web (web.search): titles, URLs, snippets, an answer",
        description=(
            "Search the web through the gateway. Piped: one tab-separated line per hit (score,\n"
            "title, URL); on a terminal, a table with the snippets. --answer asks for a short\n"
            "answer too (best-effort). The engine that served is printed on stderr."
        ),
        examples=[
            'meshapi search "latest news on Mars rovers" --answer',
            'meshapi search "python gil" -n 3 --depth advanced --json',
            'meshapi search "rover" --include-domain nasa.gov --exclude-domain example.com',
        ],
    )
    p.add_argument("query", nargs="*", metavar="QUERY", help="the words to search (or stdin)")
    p.add_argument("-n", "--max-results", type=int, default=5, metavar="N", help="1-20 (5)")
    p.add_argument("--depth", choices=["basic", "advanced"], default="basic")
    p.add_argument("--answer", action="store_true", help="ask for a short answer too")
    p.add_argument("--provider", choices=["native", "tavily"], default=None)
    p.add_argument("--include-domain", action="append", default=None, metavar="DOMAIN")
    p.add_argument("--exclude-domain", action="append", default=None, metavar="DOMAIN")
    p.set_defaults(run=run)


def run(ctx: Context) -> int:
    args = ctx.args
    query = read_prompt(args.query, ctx.stdin)
    params = build_params(
        WebSearchParams,
        query=query,
        max_results=args.max_results,
        search_depth=args.depth,
        include_answer=args.answer,
        provider=args.provider,
        include_domains=args.include_domain,
        exclude_domains=args.exclude_domain,
    )
    result = ctx.client().web.search(params)
    out = ctx.out
    if out.json_mode:
        out.json(result)
        return 0
    if result.answer:
        out.line(f"answer: {result.answer}")
    if out.is_terminal:
        rows = [
            [f"{h.score:.3f}" if h.score is not None else "-", h.title, h.url, h.content]
            for h in result.results
        ]
        out.table(["score", "title", "url", "snippet"], rows, title=f"{len(rows)} results")
    else:
        for hit in result.results:
            score = f"{hit.score:.3f}" if hit.score is not None else "-"
            out.line(f"{score}\t{hit.title}\t{hit.url}")
    out.note(f"{len(result.results)} results from {result.provider}")
    return 0
