"""``meshapi embeddings "text" ...``: vectors for texts (arguments, or stdin lines)."""

from __future__ import annotations

import json
import math
from typing import Any, List

from .._types.embeddings import EmbeddingsParams
from .common import Context, command_parser
from .errors import UsageError

__all__ = ["register", "run"]

DEFAULT_EMBEDDING_MODEL = "openai/text-embedding-3-small"


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "embeddings",
        help="embed texts as vectors",
        description=(
            "Embed each text (arguments, or one text per stdin line). On a terminal: a\n"
            "summary table; piped: one JSON array of floats per line; --json: the response."
        ),
        examples=[
            'meshapi embeddings "The cat sat on the mat." "A cat was on a mat."',
            "cut -f2 sentences.tsv | meshapi embeddings > vectors.jsonl",
            'meshapi embeddings --dimensions 256 "hello" --json',
        ],
    )
    p.add_argument("texts", nargs="*", metavar="TEXT", help="default: one text per stdin line")
    p.add_argument("-m", "--model", default=DEFAULT_EMBEDDING_MODEL, help=DEFAULT_EMBEDDING_MODEL)
    p.add_argument("--dimensions", type=int, default=None, metavar="N")
    p.set_defaults(run=run)


def run(ctx: Context) -> int:
    args = ctx.args
    texts: List[str] = list(args.texts)
    if not texts:
        if ctx.stdin.isatty():
            raise UsageError("no text: give texts as arguments or one per line on stdin")
        texts = [line for line in ctx.stdin.read().splitlines() if line.strip()]
    if not texts:
        raise UsageError("no text: give texts as arguments or one per line on stdin")
    result = ctx.client().embeddings.create(
        EmbeddingsParams(model=args.model, input=texts, dimensions=args.dimensions)
    )
    out = ctx.out
    if out.json_mode:
        out.json(result)
        return 0
    vectors = [item.vector() for item in sorted(result.data, key=lambda d: d.index)]
    if not out.is_terminal:
        for vector in vectors:
            out.line(json.dumps(vector))
        return 0
    rows = []
    for text, vector in zip(texts, vectors):
        norm = math.sqrt(sum(x * x for x in vector))
        head = ", ".join(f"{x:.4f}" for x in vector[:3])
        rows.append(
            [
                text if len(text) <= 40 else text[:39] + "…",
                len(vector),
                f"{norm:.3f}",
                f"[{head}, …]",
            ]
        )
    out.table(["text", "dims", "norm", "vector"], rows)
    if result.usage is not None:
        out.note(f"{result.model or args.model} · {result.usage.prompt_tokens} tokens")
    return 0
