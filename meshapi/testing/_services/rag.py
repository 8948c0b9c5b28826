"""RAG routes: signed-URL uploads, background embedding, chunk search.

Flow: ``POST /v1/files`` registers a file and answers with a signed upload URL on this gateway;
``PUT /v1/uploads/{file_id}?expires=..&signature=..`` (no Authorization header: the URL is the
credential) stores the bytes and makes ``upload_status`` ``ready``; ``POST /v1/files/embed``
(or ``embed: true`` at init) extracts the text, cuts it into chunks with their parent passages,
embeds them through the gateway's embedding engine and stores float32 vectors in SQLite;
``POST /v1/files/search`` ranks the key owner's chunks by cosine similarity.

Choices where production's behaviour is not known (documented here, tested in tests/gateway):

* Signed-URL failures answer 403 with code ``invalid_signature`` (missing, malformed or wrong
  signature, or a URL signed for another method) or ``signature_expired``.
* A PUT whose ``Content-Type`` names a different type than the one declared at init is refused
  with 400 ``invalid_request``; a PUT without ``Content-Type`` is accepted. An Authorization
  header on the PUT is ignored (the SDK never sends one; a client that does is not punished).
* A second PUT to a still-valid URL replaces the content and resets the embedding.
* Timestamps of files (``created_at``, ``updated_at``, ``expires_at``,
  ``signed_url_expires_at``) are ISO 8601 UTC strings, like the other MeshAPI-specific objects
  (templates); ``date_from``/``date_to`` of a search and a search result's ``created_at`` are
  unix seconds (integers), as protocol.md says and the published SDKs parse.
* ``asset_url`` is a signed GET URL for the uploaded bytes (``null`` until uploaded).
* Embedding failures set ``embedding_status: failed`` and ``last_error_code``:
  ``file_not_uploaded``, ``unreadable_file`` (corrupt PDF, binary data declared as text, bad
  JSON), ``unsupported_file_type``, ``no_text_content``. A failed file can be embedded again.
* In ``POST /v1/files/embed`` an id that is not one of the key's files gets a per-file result
  with ``embedding_status: failed`` and ``error_code: not_found``; the other files proceed.
* A search naming a ``file_ids`` entry that is not one of the key's files is a 404: a typo in
  a scope should not look like "no results".

Settings (``GatewayOptions``): ``rag_signed_url_ttl`` (seconds, default 900),
``rag_embed_delay`` (seconds the job waits before working, default 0.02, so that
``processing`` can be observed), ``rag_max_upload_bytes`` (default 25 MiB),
``rag_embedding_model`` (priced from the catalogue, default ``openai/text-embedding-3-small``),
``rag_chunk_words`` / ``rag_chunk_overlap`` / ``rag_parent_words`` (80 / 20 / 300).
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sqlite3
from typing import Any, AsyncIterable, Dict, List, Mapping, Optional, Set, Tuple

import pydantic
from pydantic import BaseModel, ConfigDict, Field

from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.jobs import Jobs
from .._core.signing import SignatureError, signed_url, verify
from .._core.tokens import count_tokens
from .._core.validation import validate_body
from .._engines.chunking import chunk_text
from .._engines.embeddings import embed_texts
from .._engines.vectors import Candidate, pack_vector, rank, unpack_vector
from .._formats.documents import UnreadableFile, extract_text, normalize_mime_type

__all__ = [
    "RagJobs",
    "check_signature",
    "download",
    "embed",
    "embed_files",
    "get_file",
    "init_upload",
    "list_files",
    "ready_chunks",
    "search",
    "store_upload",
]

_DDL = """
CREATE TABLE IF NOT EXISTS rag_files (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    file_id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    file_name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    metadata TEXT NOT NULL,
    embed_on_upload INTEGER NOT NULL,
    upload_status TEXT NOT NULL,
    content BLOB,
    size_bytes INTEGER,
    upload_expires INTEGER NOT NULL,
    embedding_status TEXT NOT NULL,
    chunk_count INTEGER NOT NULL DEFAULT 0,
    total_tokens INTEGER NOT NULL DEFAULT 0,
    total_cost_usd REAL NOT NULL DEFAULT 0,
    last_error_code TEXT,
    last_error TEXT,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS rag_files_owner ON rag_files (owner, seq);
CREATE TABLE IF NOT EXISTS rag_chunks (
    file_id TEXT NOT NULL REFERENCES rag_files (file_id),
    chunk_index INTEGER NOT NULL,
    text TEXT NOT NULL,
    parent_text TEXT NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (file_id, chunk_index)
);
"""

_MIME_RE = re.compile(r"^[A-Za-z0-9][\w.+-]*/[\w.+-]+(\s*;.*)?$")
_FILE_TYPES = {
    "text/plain": "txt",
    "text/markdown": "md",
    "text/html": "html",
    "application/json": "json",
    "application/pdf": "pdf",
}

# ---------------------------------------------------------------------------------------------
# Request bodies


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class InitUploadBody(_Body):
    """``POST /v1/files``."""

    file_name: str = Field(min_length=1, max_length=255)
    mime_type: str = Field(min_length=3, max_length=255)
    embed: bool = False
    metadata: Optional[Dict[str, Any]] = None

    @pydantic.field_validator("file_name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if not value.strip() or "/" in value or "\\" in value or "\x00" in value:
            raise ValueError("file_name must be a plain file name (no path separators)")
        return value

    @pydantic.field_validator("mime_type")
    @classmethod
    def _mime(cls, value: str) -> str:
        if not _MIME_RE.match(value.strip()):
            raise ValueError("mime_type must look like 'type/subtype', e.g. 'application/pdf'")
        return normalize_mime_type(value)


class EmbedBody(_Body):
    """``POST /v1/files/embed``."""

    file_ids: List[str] = Field(min_length=1, max_length=100)
    wait: bool = False
    metadata: Optional[Dict[str, Any]] = None


class SearchBody(_Body):
    """``POST /v1/files/search``."""

    query: str = Field(min_length=1, max_length=20000)
    top_k: int = Field(default=5, ge=1, le=100)
    # Bounded well below SQLite's oldest limit on query parameters (999).
    file_ids: Optional[List[str]] = Field(default=None, max_length=500)
    filter: Optional[Dict[str, Any]] = None
    date_from: Optional[float] = None
    date_to: Optional[float] = None

    @pydantic.field_validator("query")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("query must contain some text")
        return value

    @pydantic.model_validator(mode="after")
    def _dates_in_order(self) -> SearchBody:
        if (
            self.date_from is not None
            and self.date_to is not None
            and self.date_from > self.date_to
        ):
            raise ValueError("date_from must not be later than date_to")
        return self


# ---------------------------------------------------------------------------------------------
# Rows and objects


def _file_type(file_name: str, mime_type: str) -> str:
    ext = os.path.splitext(file_name)[1].lstrip(".").lower()
    if ext:
        return ext
    return _FILE_TYPES.get(mime_type, mime_type.split("/", 1)[1])


def _status_object(gateway: Gateway, row: sqlite3.Row, base_url: str) -> Dict[str, Any]:
    secret = gateway.config.signing_secret
    file_id = str(row["file_id"])
    asset_url: Optional[str] = None
    if row["upload_status"] == "ready":
        ttl = gateway.config.options.rag_signed_url_ttl
        asset_url = signed_url(base_url, secret, "GET", file_id, int(gateway.now()) + ttl)
    expires = int(row["upload_expires"])
    return {
        "file_id": file_id,
        "upload_status": row["upload_status"],
        "file_name": row["file_name"],
        "file_type": _file_type(row["file_name"], row["mime_type"]),
        "mime_type": row["mime_type"],
        "size_bytes": row["size_bytes"],
        "asset_url": asset_url,
        "signed_url": signed_url(base_url, secret, "PUT", file_id, expires),
        "signed_url_expires_at": gateway.iso(expires),
        "embedding_status": row["embedding_status"],
        "chunk_count": row["chunk_count"],
        "created_at": gateway.iso(row["created_at"]),
        "updated_at": gateway.iso(row["updated_at"]),
        "total_tokens": row["total_tokens"],
        "total_cost_usd": round(float(row["total_cost_usd"]), 10),
        "last_error_code": row["last_error_code"],
        "last_error": row["last_error"],
        "metadata": json.loads(row["metadata"]),
    }


def _owned_file(gateway: Gateway, file_id: str, key: KeyRecord) -> sqlite3.Row:
    rows = gateway.db.execute(
        "SELECT * FROM rag_files WHERE file_id = ? AND owner = ?", (file_id, key.owner)
    )
    if not rows:
        # Another owner's file is reported exactly like a missing one: ids leak nothing.
        raise GatewayError(404, "not_found", f"File {file_id!r} was not found.")
    return rows[0]


# ---------------------------------------------------------------------------------------------
# Embedding jobs


def _update_file(gateway: Gateway, file_id: str, **fields: Any) -> None:
    fields["updated_at"] = gateway.now()
    columns = ", ".join(f"{name} = ?" for name in fields)
    gateway.db.execute(
        f"UPDATE rag_files SET {columns} WHERE file_id = ?", (*fields.values(), file_id)
    )


def _fail_not_uploaded(gateway: Gateway, file_id: str) -> None:
    _update_file(
        gateway,
        file_id,
        embedding_status="failed",
        last_error_code="file_not_uploaded",
        last_error="the file's bytes have not been uploaded to its signed URL yet",
    )


async def _embed_job(gateway: Gateway, file_id: str) -> None:
    delay = gateway.config.options.rag_embed_delay
    if delay > 0:
        await asyncio.sleep(delay)
    rows = gateway.db.execute(
        "SELECT mime_type, content, upload_status FROM rag_files WHERE file_id = ?", (file_id,)
    )
    if not rows:
        return
    row = rows[0]
    if row["upload_status"] != "ready" or row["content"] is None:
        _fail_not_uploaded(gateway, file_id)
        return
    content = bytes(row["content"])
    mime_type = str(row["mime_type"])
    try:
        text = await asyncio.to_thread(extract_text, content, mime_type)
    except UnreadableFile as exc:
        _update_file(
            gateway,
            file_id,
            embedding_status="failed",
            last_error_code=exc.code,
            last_error=exc.message,
            chunk_count=0,
        )
        return
    chunks = chunk_text(
        text,
        chunk_words=gateway.config.options.rag_chunk_words,
        overlap_words=gateway.config.options.rag_chunk_overlap,
        parent_words=gateway.config.options.rag_parent_words,
    )
    vectors = await asyncio.to_thread(embed_texts, [c.text for c in chunks])
    tokens = sum(count_tokens(c.text) for c in chunks)
    model = gateway.catalogue.get(gateway.config.options.rag_embedding_model)
    price = float(((model or {}).get("pricing") or {}).get("prompt_usd_per_1k") or 0.0)
    with gateway.db.transaction() as db:
        db.execute("DELETE FROM rag_chunks WHERE file_id = ?", (file_id,))
        db.executemany(
            "INSERT INTO rag_chunks (file_id, chunk_index, text, parent_text, vector)"
            " VALUES (?, ?, ?, ?, ?)",
            [
                (file_id, c.chunk_index, c.text, c.parent_text, pack_vector(v))
                for c, v in zip(chunks, vectors)
            ],
        )
        _update_file(
            gateway,
            file_id,
            embedding_status="ready",
            chunk_count=len(chunks),
            total_tokens=tokens,
            total_cost_usd=tokens / 1000.0 * price,
            last_error_code=None,
            last_error=None,
        )


class RagJobs:
    """The RAG tables of one gateway and the embedding jobs it is running.

    Made when the app is built; :meth:`resume` runs when the server starts and starts over the
    jobs an earlier gateway on the same database file cut short.
    """

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.jobs = Jobs(gateway, "rag-embed", self._failed)
        gateway.db.ensure_schema(_DDL)

    def resume(self) -> None:
        """Start again every job that was still ``processing``."""
        for row in self.gateway.db.execute(
            "SELECT file_id FROM rag_files WHERE embedding_status = 'processing'"
        ):
            self.start(str(row["file_id"]))

    def start(self, file_id: str) -> asyncio.Task[Any]:
        """Embed the file in the background (once: a job already running is returned)."""
        return self.jobs.start(file_id, lambda: _embed_job(self.gateway, file_id))

    def cancel(self, file_id: str) -> None:
        """Stop the file's job, if one is running (its bytes are being replaced)."""
        self.jobs.cancel(file_id)

    def _failed(self, file_id: str, exc: Exception) -> None:
        # A bug in extraction must not leave the file "processing" forever.
        _update_file(
            self.gateway,
            file_id,
            embedding_status="failed",
            last_error_code="embedding_failed",
            last_error=f"embedding failed inside the local gateway: {type(exc).__name__}",
        )


async def embed_files(
    gateway: Gateway,
    key: KeyRecord,
    file_ids: List[str],
    *,
    wait: bool = False,
    metadata: Optional[Dict[str, Any]] = None,
) -> List[Dict[str, Any]]:
    """Start (or, with ``wait``, run to the end) the embedding of each of the key's files."""
    jobs = gateway.part(RagJobs)
    ordered = list(dict.fromkeys(file_ids))
    tasks: List[asyncio.Task[Any]] = []
    unknown: Set[str] = set()
    for file_id in ordered:
        rows = gateway.db.execute(
            "SELECT metadata, upload_status, embedding_status FROM rag_files"
            " WHERE file_id = ? AND owner = ?",
            (file_id, key.owner),
        )
        if not rows:
            unknown.add(file_id)
            continue
        row = rows[0]
        if metadata:
            merged = json.loads(row["metadata"])
            merged.update(metadata)
            _update_file(gateway, file_id, metadata=json.dumps(merged))
        if row["upload_status"] != "ready":
            _fail_not_uploaded(gateway, file_id)
            continue
        if row["embedding_status"] != "processing":
            _update_file(
                gateway,
                file_id,
                embedding_status="processing",
                last_error_code=None,
                last_error=None,
            )
        tasks.append(jobs.start(file_id))
    if wait and tasks:
        # shield: a client that hangs up does not cancel the work it asked for.
        await asyncio.wait([asyncio.shield(t) for t in tasks])
    results: List[Dict[str, Any]] = []
    for file_id in ordered:
        if file_id in unknown:
            results.append(
                {
                    "file_id": file_id,
                    "embedding_status": "failed",
                    "chunk_count": 0,
                    "error": f"File {file_id!r} was not found.",
                    "error_code": "not_found",
                }
            )
            continue
        row = gateway.db.execute(
            "SELECT embedding_status, chunk_count, last_error, last_error_code FROM rag_files"
            " WHERE file_id = ?",
            (file_id,),
        )[0]
        results.append(
            {
                "file_id": file_id,
                "embedding_status": row["embedding_status"],
                "chunk_count": row["chunk_count"],
                "error": row["last_error"],
                "error_code": row["last_error_code"],
            }
        )
    return results


# ---------------------------------------------------------------------------------------------
# Requests


def init_upload(
    gateway: Gateway, data: Mapping[str, Any], key: KeyRecord, base_url: str
) -> Dict[str, Any]:
    """``POST /v1/files``: register a file, answer with its signed upload URL."""
    body = validate_body(InitUploadBody, data)
    now = gateway.now()
    expires = int(now) + gateway.config.options.rag_signed_url_ttl
    file_id = gateway.new_id("file")
    gateway.db.execute(
        "INSERT INTO rag_files (file_id, owner, file_name, mime_type, metadata, embed_on_upload,"
        " upload_status, upload_expires, embedding_status, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, 'pending', ?, ?)",
        (
            file_id,
            key.owner,
            body.file_name,
            body.mime_type,
            json.dumps(body.metadata or {}),
            int(body.embed),
            expires,
            now,
            now,
        ),
    )
    url = signed_url(base_url, gateway.config.signing_secret, "PUT", file_id, expires)
    return {"file_id": file_id, "signed_url": url, "expires_at": gateway.iso(expires)}


def check_signature(
    gateway: Gateway,
    method: str,
    file_id: str,
    expires: Optional[str],
    signature: Optional[str],
) -> None:
    """403 ``invalid_signature``/``signature_expired`` unless the signed URL is good."""
    try:
        verify(gateway.config.signing_secret, method, file_id, expires, signature, gateway.now())
    except SignatureError as exc:
        raise GatewayError(403, exc.code, exc.message) from None


async def store_upload(
    gateway: Gateway,
    file_id: str,
    *,
    content_type: Optional[str],
    content_length: Optional[str],
    content: AsyncIterable[bytes],
    base_url: str,
) -> Dict[str, Any]:
    """``PUT /v1/uploads/{file_id}``: store the file's bytes (the signature is checked first)."""
    rows = gateway.db.execute("SELECT * FROM rag_files WHERE file_id = ?", (file_id,))
    if not rows:
        raise GatewayError(404, "not_found", f"File {file_id!r} was not found.")
    row = rows[0]
    declared = str(row["mime_type"])
    sent_type = content_type
    if sent_type and normalize_mime_type(sent_type) != declared:
        raise GatewayError(
            400,
            "invalid_request",
            f"Content-Type {normalize_mime_type(sent_type)!r} does not match the mime_type"
            f" {declared!r} declared when the upload was created.",
        )
    limit = gateway.config.options.rag_max_upload_bytes
    length = content_length
    if length is not None and length.isdigit() and int(length) > limit:
        raise GatewayError(413, "payload_too_large", f"Uploads are limited to {limit} bytes.")
    received = bytearray()
    async for piece in content:
        received += piece
        if len(received) > limit:
            raise GatewayError(413, "payload_too_large", f"Uploads are limited to {limit} bytes.")
    jobs = gateway.part(RagJobs)
    jobs.cancel(file_id)  # a job still running is reading the bytes this upload replaces
    with gateway.db.transaction() as db:
        db.execute("DELETE FROM rag_chunks WHERE file_id = ?", (file_id,))
        _update_file(
            gateway,
            file_id,
            content=bytes(received),
            size_bytes=len(received),
            upload_status="ready",
            embedding_status="processing" if row["embed_on_upload"] else "pending",
            chunk_count=0,
            total_tokens=0,
            total_cost_usd=0.0,
            last_error_code=None,
            last_error=None,
        )
    if row["embed_on_upload"]:
        jobs.start(file_id)
    fresh = gateway.db.execute("SELECT * FROM rag_files WHERE file_id = ?", (file_id,))[0]
    return _status_object(gateway, fresh, base_url)


def download(gateway: Gateway, file_id: str) -> Tuple[bytes, str]:
    """``GET /v1/uploads/{file_id}``: the bytes behind ``asset_url`` and their MIME type."""
    rows = gateway.db.execute(
        "SELECT mime_type, content, upload_status FROM rag_files WHERE file_id = ?", (file_id,)
    )
    if not rows or rows[0]["upload_status"] != "ready":
        raise GatewayError(404, "not_found", f"File {file_id!r} has no uploaded content.")
    return bytes(rows[0]["content"]), str(rows[0]["mime_type"])


def get_file(gateway: Gateway, key: KeyRecord, file_id: str, base_url: str) -> Dict[str, Any]:
    """``GET /v1/files/{file_id}``: the file's status object."""
    return _status_object(gateway, _owned_file(gateway, file_id, key), base_url)


def list_files(
    gateway: Gateway, key: KeyRecord, *, limit: int, offset: int, base_url: str
) -> Dict[str, Any]:
    """``GET /v1/files?limit&offset``: the key's files, newest first."""
    total = int(
        gateway.db.execute("SELECT COUNT(*) AS n FROM rag_files WHERE owner = ?", (key.owner,))[0][
            "n"
        ]
    )
    rows = gateway.db.execute(
        "SELECT * FROM rag_files WHERE owner = ? ORDER BY seq DESC LIMIT ? OFFSET ?",
        (key.owner, limit, offset),
    )
    files = [_status_object(gateway, row, base_url) for row in rows]
    return {"files": files, "total": total, "limit": limit, "offset": offset}


async def embed(gateway: Gateway, data: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
    """``POST /v1/files/embed``: embed files, in the background unless ``wait`` is true."""
    body = validate_body(EmbedBody, data)
    results = await embed_files(gateway, key, body.file_ids, wait=body.wait, metadata=body.metadata)
    return {"results": results}


def _require_files(gateway: Gateway, key: KeyRecord, file_ids: List[str]) -> None:
    """404 naming every id that is not one of the key owner's files."""
    wanted = list(dict.fromkeys(file_ids))
    marks = ",".join("?" * len(wanted))
    found = {
        str(r["file_id"])
        for r in gateway.db.execute(
            f"SELECT file_id FROM rag_files WHERE owner = ? AND file_id IN ({marks})",
            (key.owner, *wanted),
        )
    }
    missing = [f for f in wanted if f not in found]
    if missing:
        raise GatewayError(
            404,
            "not_found",
            f"File(s) not found: {', '.join(missing)}.",
            details=[
                validation_detail(["body", "file_ids", file_ids.index(f)], "not found", "not_found")
                for f in missing
            ],
        )


def ready_chunks(gateway: Gateway, owner: str) -> List[Dict[str, Any]]:
    """Every chunk of ``owner``'s embedded files: ``file_id``, ``file_name``, ``chunk_index``,
    ``text``, ``created_at`` (for web search, which searches them beside its corpus)."""
    rows = gateway.db.execute(
        "SELECT c.file_id, c.chunk_index, c.text, f.file_name, f.created_at FROM rag_chunks c"
        " JOIN rag_files f ON f.file_id = c.file_id"
        " WHERE f.owner = ? AND f.embedding_status = 'ready' ORDER BY f.seq, c.chunk_index",
        (owner,),
    )
    return [dict(row) for row in rows]


async def search(gateway: Gateway, data: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
    """``POST /v1/files/search``: the best-matching chunks of the key's embedded files."""
    body = validate_body(SearchBody, data)
    if body.file_ids:
        _require_files(gateway, key, body.file_ids)
    rows = gateway.db.execute(
        "SELECT c.file_id, c.chunk_index, c.text, c.parent_text, c.vector, f.file_name,"
        " f.mime_type, f.metadata, f.created_at FROM rag_chunks c"
        " JOIN rag_files f ON f.file_id = c.file_id"
        " WHERE f.owner = ? AND f.embedding_status = 'ready'",
        (key.owner,),
    )
    query_vector = (await asyncio.to_thread(embed_texts, [body.query]))[0]

    def candidates() -> List[Candidate]:
        out: List[Candidate] = []
        for r in rows:
            metadata = json.loads(r["metadata"])
            out.append(
                Candidate(
                    file_id=str(r["file_id"]),
                    chunk_index=int(r["chunk_index"]),
                    vector=unpack_vector(bytes(r["vector"])),
                    created_at=float(r["created_at"]),
                    metadata=metadata,
                    payload={
                        "text": r["text"],
                        "parent_text": r["parent_text"],
                        "file_id": r["file_id"],
                        "file_name": r["file_name"],
                        "file_type": _file_type(r["file_name"], r["mime_type"]),
                        "mime_type": r["mime_type"],
                        "chunk_index": r["chunk_index"],
                        "created_at": int(r["created_at"]),  # epoch seconds, as in production
                        "metadata": metadata,
                    },
                )
            )
        return out

    def ranked() -> List[Dict[str, Any]]:
        return rank(
            query_vector,
            candidates(),
            top_k=body.top_k,
            file_ids=body.file_ids,
            metadata_filter=body.filter,
            date_from=body.date_from,
            date_to=body.date_to,
        )

    # Scoring is plain-python arithmetic over every chunk: keep it off the event loop.
    results = await asyncio.to_thread(ranked)
    return {"results": results}
