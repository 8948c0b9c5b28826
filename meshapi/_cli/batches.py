"""``meshapi batches create|list|get|cancel|wait``: batch jobs; results as JSON lines."""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional, TextIO

from .._types.batches import BatchObject, BatchRequestItem, CreateBatchParams
from .common import Context, add_common_options, command_parser, key_values, read_text_arg
from .errors import CommandError, UsageError

__all__ = ["parse_requests", "register", "run"]

FINAL = ("completed", "failed", "expired", "cancelled")


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "batches",
        help="run many chat requests as one batch job",
        description=(
            "Create a batch from a JSON-lines file (one request per line: {custom_id, body}\n"
            "or the OpenAI batch line {custom_id, method, url, body}; '-' reads stdin), follow\n"
            "it, and write its results as JSON lines."
        ),
        examples=[
            "meshapi batches create requests.jsonl --wait -o results.jsonl",
            "meshapi batches list",
            "meshapi batches get batch_...",
            "meshapi batches wait batch_... > results.jsonl",
            "meshapi batches cancel batch_...",
        ],
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    create = actions.add_parser("create", help="submit a batch from a JSON-lines file")
    create.add_argument("file", metavar="REQUESTS.jsonl")
    create.add_argument("-m", "--model", default=None, help="model for lines without one")
    create.add_argument(
        "--metadata", action="append", default=[], metavar="KEY=VALUE", help="repeatable"
    )
    create.add_argument("--wait", action="store_true", help="wait and write the results")
    _wait_options(create)
    add_common_options(create)
    listing = actions.add_parser("list", help="the batches, newest first")
    listing.add_argument("--limit", type=int, default=None)
    listing.add_argument("--after", default=None, metavar="BATCH_ID")
    add_common_options(listing)
    for name, text in (("get", "one batch's status"), ("cancel", "cancel a batch")):
        action = actions.add_parser(name, help=text)
        action.add_argument("batch_id", metavar="BATCH_ID")
        add_common_options(action)
    wait = actions.add_parser("wait", help="wait for a batch, then write its results")
    wait.add_argument("batch_id", metavar="BATCH_ID")
    _wait_options(wait)
    add_common_options(wait)
    p.set_defaults(run=run)


def _wait_options(p: Any) -> None:
    p.add_argument(
        "-o", "--output", default=None, metavar="FILE", help="results file (default stdout)"
    )
    p.add_argument("--interval", type=float, default=0.5, metavar="SECONDS", help="poll period")
    p.add_argument("--wait-timeout", type=float, default=3600.0, metavar="SECONDS")


def parse_requests(text: str, source: str, model: Optional[str]) -> List[BatchRequestItem]:
    """The batch's requests from JSON lines; a :class:`UsageError` naming the bad line."""
    items: List[BatchRequestItem] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except ValueError as exc:
            raise UsageError(f"{source} line {number}: not JSON ({exc})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("body"), dict):
            raise UsageError(f"{source} line {number}: expected an object with a 'body' object")
        body = dict(doc["body"])
        if model and "model" not in body:
            body["model"] = model
        custom_id = doc.get("custom_id") or f"request-{number}"
        extra = {k: doc[k] for k in ("method", "url") if k in doc}
        try:
            items.append(BatchRequestItem(custom_id=str(custom_id), body=body, **extra))
        except ValueError as exc:
            raise UsageError(f"{source} line {number}: {exc}") from None
    if not items:
        raise UsageError(f"{source}: no requests")
    return items


def _row(b: BatchObject) -> List[Any]:
    counts = b.request_counts
    done = "" if counts is None else f"{counts.completed}/{counts.total}"
    failed = "" if counts is None else counts.failed
    return [b.id, b.status, b.model, done, failed, b.created_at]


HEADERS = ["id", "status", "model", "completed", "failed", "created_at"]


def show(ctx: Context, batch: BatchObject) -> None:
    if ctx.out.json_mode:
        ctx.out.json(batch)
        return
    counts = batch.request_counts
    ctx.out.fields(
        [
            ("id", batch.id),
            ("status", batch.status),
            ("model", batch.model),
            (
                "requests",
                None
                if counts is None
                else f"{counts.completed}/{counts.total} completed, {counts.failed} failed",
            ),
            ("metadata", json.dumps(batch.metadata) if batch.metadata else None),
            ("created_at", batch.created_at),
            ("completed_at", batch.completed_at),
        ]
    )


def wait_for(ctx: Context, batch: BatchObject) -> BatchObject:
    """Poll until the batch ends, with a progress bar of completed requests."""
    args = ctx.args
    client = ctx.client()
    deadline = time.monotonic() + args.wait_timeout
    total = batch.request_counts.total if batch.request_counts else None
    with ctx.out.progress(f"batch {batch.id}", total) as bar:
        while True:
            counts = batch.request_counts
            done = 0 if counts is None else counts.completed + counts.failed
            bar.update(done, batch.status, total=None if counts is None else counts.total)
            if batch.status in FINAL:
                return batch
            if time.monotonic() > deadline:
                raise CommandError(
                    f"batch {batch.id} still {batch.status} after {args.wait_timeout:g}s"
                )
            time.sleep(args.interval)
            batch = client.batches.get(batch.id)


def write_results(ctx: Context, batch: BatchObject) -> None:
    """The results as JSON lines on stdout or in ``--output``; the summary on stderr."""
    results: List[Dict[str, Any]] = batch.results or []
    path = ctx.args.output
    if path is None:
        for item in results:
            ctx.out.json_line(item)
    else:
        try:
            with open(path, "w", encoding="utf-8") as fh:
                _write_lines(fh, results)
        except OSError as exc:
            raise UsageError(f"cannot write {path!r}: {exc.strerror or exc}") from None
        if ctx.out.json_mode:
            ctx.out.json(batch)
    counts = batch.request_counts
    summary = f"batch {batch.id} {batch.status}"
    if counts is not None:
        summary += f": {counts.completed}/{counts.total} completed, {counts.failed} failed"
    if path is not None:
        summary += f"; {len(results)} results in {path}"
    ctx.out.note(summary)
    if batch.status != "completed":
        raise CommandError(f"batch {batch.id} ended {batch.status}")


def _write_lines(fh: TextIO, results: List[Dict[str, Any]]) -> None:
    for item in results:
        fh.write(json.dumps(item, ensure_ascii=False, separators=(",", ":")) + "\n")


def run(ctx: Context) -> int:
    args = ctx.args
    client = ctx.client()
    out = ctx.out
    if args.action == "create":
        text = read_text_arg(args.file, "requests file", ctx.stdin)
        source = "stdin" if args.file == "-" else args.file
        params = CreateBatchParams(
            requests=parse_requests(text, source, args.model),
            metadata=key_values(args.metadata, "--metadata") or None,
        )
        batch = client.batches.create(params)
        if not args.wait:
            show(ctx, batch)
            return 0
        out.note(f"created {batch.id}")
        write_results(ctx, wait_for(ctx, batch))
    elif args.action == "list":
        page = client.batches.list(limit=args.limit, after=args.after)
        if out.json_mode:
            out.json(page)
        else:
            out.table(HEADERS, [_row(b) for b in page.data])
    elif args.action == "get":
        show(ctx, client.batches.get(args.batch_id))
    elif args.action == "cancel":
        show(ctx, client.batches.cancel(args.batch_id))
    else:
        write_results(ctx, wait_for(ctx, client.batches.get(args.batch_id)))
    return 0
