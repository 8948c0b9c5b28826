"""``meshapi rag upload|list|get|search``: files into the RAG store, and search over them."""

from __future__ import annotations

import mimetypes
import os
import time
from typing import Any, Dict, List

from .._types.rag import BulkEmbedRequest, RagFileStatus, SearchRequest
from .common import Context, add_common_options, command_parser, key_values, read_bytes_arg
from .errors import EXIT_ERROR, CommandError

__all__ = ["guess_mime_type", "register", "run"]

_TEXT_TYPES = {".md": "text/markdown", ".markdown": "text/markdown", ".txt": "text/plain"}
DONE = ("ready", "failed")


def register(sub: Any) -> None:
    p = command_parser(
        sub,
        "rag",
        help="upload files for retrieval, embed them, search them",
        description="Upload files to the RAG store, embed them, list them and search them.",
        examples=[
            "meshapi rag upload handbook.md notes.pdf --embed --wait",
            "meshapi rag list",
            "meshapi rag get file_...",
            'meshapi rag search "how long is onboarding?" --top-k 3',
        ],
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    upload = actions.add_parser("upload", help="upload files (and embed them)")
    upload.add_argument("files", nargs="+", metavar="FILE")
    upload.add_argument("--embed", action="store_true", help="start embedding after the upload")
    upload.add_argument("--wait", action="store_true", help="wait until embedded (implies --embed)")
    upload.add_argument(
        "--metadata", action="append", default=[], metavar="KEY=VALUE", help="repeatable"
    )
    upload.add_argument("--mime-type", default=None, help="override the guessed type")
    upload.add_argument(
        "--wait-timeout", type=float, default=300.0, metavar="SECONDS", help="default 300"
    )
    add_common_options(upload)
    listing = actions.add_parser("list", help="the files, newest first")
    listing.add_argument("--limit", type=int, default=None)
    listing.add_argument("--offset", type=int, default=None)
    add_common_options(listing)
    get = actions.add_parser("get", help="one file's status")
    get.add_argument("file_id", metavar="FILE_ID")
    add_common_options(get)
    search = actions.add_parser("search", help="vector search over the embedded files")
    search.add_argument("query", nargs="+")
    search.add_argument("--top-k", type=int, default=None, metavar="N")
    search.add_argument(
        "--file-id", action="append", default=None, metavar="ID", help="search only these files"
    )
    add_common_options(search)
    p.set_defaults(run=run)


def guess_mime_type(path: str) -> str:
    ext = os.path.splitext(path)[1].lower()
    if ext in _TEXT_TYPES:
        return _TEXT_TYPES[ext]
    guessed, _ = mimetypes.guess_type(path)
    return guessed or "application/octet-stream"


def _row(f: RagFileStatus) -> List[Any]:
    return [f.file_id, f.file_name, f.size_bytes, f.upload_status, f.embedding_status]


HEADERS = ["file_id", "name", "bytes", "upload", "embedding"]


def upload(ctx: Context) -> int:
    args = ctx.args
    client = ctx.client()
    out = ctx.out
    metadata = key_values(args.metadata, "--metadata") or None
    contents = [(path, read_bytes_arg(path, "file")) for path in args.files]  # fail before sending
    ids: List[str] = []
    with out.progress("uploading", len(contents)) as bar:
        for i, (path, content) in enumerate(contents):
            bar.update(i, os.path.basename(path))
            result = client.rag.upload_file(
                file_name=os.path.basename(path),
                mime_type=args.mime_type or guess_mime_type(path),
                content=content,
                metadata=metadata,
            )
            ids.append(result.file_id)
        bar.update(len(contents), "done")
    failed = 0
    if args.embed or args.wait:
        client.rag.embed(BulkEmbedRequest(file_ids=ids))
    if args.wait:
        statuses = wait_embedded(ctx, ids, args.wait_timeout)
        failed = sum(1 for s in statuses.values() if s.embedding_status == "failed")
    files = [client.rag.get(file_id) for file_id in ids]
    if out.json_mode:
        out.json(files)
    else:
        out.table(HEADERS, [_row(f) for f in files])
    if failed:
        out.note(f"{failed} of {len(ids)} files failed to embed")
        return EXIT_ERROR
    return 0


def wait_embedded(ctx: Context, ids: List[str], timeout: float) -> Dict[str, RagFileStatus]:
    """Poll until every file is ``ready`` or ``failed``, with a progress bar."""
    client = ctx.client()
    statuses: Dict[str, RagFileStatus] = {}
    deadline = time.monotonic() + timeout
    delay = 0.1
    with ctx.out.progress("embedding", len(ids)) as bar:
        while True:
            for file_id in ids:
                if file_id not in statuses or statuses[file_id].embedding_status not in DONE:
                    statuses[file_id] = client.rag.get(file_id)
            finished = sum(1 for s in statuses.values() if s.embedding_status in DONE)
            bar.update(finished)
            if finished == len(ids):
                return statuses
            if time.monotonic() > deadline:
                raise CommandError(
                    f"embedding not finished after {timeout:g}s; check with `meshapi rag list`"
                )
            time.sleep(delay)
            delay = min(delay * 2, 2.0)


def run(ctx: Context) -> int:
    args = ctx.args
    out = ctx.out
    if args.action == "upload":
        return upload(ctx)
    client = ctx.client()
    if args.action == "list":
        page = client.rag.list(limit=args.limit, offset=args.offset)
        if out.json_mode:
            out.json(page)
        else:
            out.table(HEADERS, [_row(f) for f in page.files], title=f"{page.total} files")
    elif args.action == "get":
        status = client.rag.get(args.file_id)
        if out.json_mode:
            out.json(status)
        else:
            out.fields(list(out_pairs(status)))
    else:
        query = " ".join(args.query)
        results = client.rag.search(
            SearchRequest(query=query, top_k=args.top_k, file_ids=args.file_id)
        ).results
        if out.json_mode:
            out.json(results)
        else:
            out.table(
                ["score", "file", "chunk", "text"],
                [
                    [f"{r.score:.4f}", r.file_name or r.file_id, r.chunk_index, r.text.strip()]
                    for r in results
                ],
            )
    return 0


def out_pairs(status: RagFileStatus) -> List[Any]:
    return [
        (name, value)
        for name, value in status.model_dump(exclude_none=True).items()
        if name not in ("signed_url",)
    ]
