"""Batch routes: inline chat-completion requests executed in the background.

``POST /v1/batches`` stores the batch (status ``validating``) and starts a task on the server's
loop that moves it ``validating → in_progress → finalizing → completed``, running each request
through the same chat engine as ``/v1/chat/completions``. ``POST /v1/batches/{id}/cancel``
moves an unfinished batch to ``cancelling``; the runner stops before its next request and
marks it ``cancelled``. Everything lives in SQLite, so with a database file a batch cut short by
a stop is picked up again by the next gateway on that file.

Choices where production's behaviour is not known (OpenAI's behaviour where it has one):

* A request that fails (unknown model, invalid body, ...) does not fail the batch: it is counted
  in ``request_counts.failed`` and listed in ``errors_detail[]`` as
  ``{custom_id, status_code, code, message}``; ``results[]`` holds the successful requests as
  ``{custom_id, status_code, body}``. A batch whose every request failed is still
  ``completed`` (as with OpenAI). ``failed`` is kept for a batch the gateway itself could not
  run (an internal error), with the reason in ``errors``.
* ``expired``: a batch still running when its ``completion_window`` (``"<N>h"``, default
  ``"24h"``) has passed stops and keeps what it has.
* Cancelling a batch that is ``cancelling`` or ``cancelled`` returns it unchanged; cancelling a
  ``completed``, ``failed`` or ``expired`` one is a 409 ``conflict`` (OpenAI refuses it too).
* Batches belong to the key's owner; another owner's batch id is a 404 like a missing one. At
  most ``batch_max_active`` (10) unfinished batches per owner: one more is a 429
  ``batch_limit_exceeded``.
* ``GET /v1/batches``: newest first; ``after`` must be the id of one of the owner's batches
  (else 422); ``limit`` 1-100 (default 20).
* Only ``POST /v1/chat/completions`` requests are supported, not streaming ones.

Settings (``GatewayOptions``): ``batch_step_delay`` (seconds before each step and each
request, default 0.005, so that ``in_progress`` can be observed), ``batch_max_requests``
(default 1000), ``batch_max_active`` (default 10).
"""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from typing import Any, Dict, List, Mapping, Optional, Tuple

from pydantic import BaseModel, ConfigDict, Field

from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.jobs import Jobs
from .._core.validation import validate_body
from .chat import chat_completion

__all__ = [
    "ACTIVE_STATUSES",
    "SUPPORTED_URLS",
    "BatchJobs",
    "cancel_batch",
    "create_batch",
    "get_batch",
    "list_batches",
]

SUPPORTED_URLS = ("/v1/chat/completions",)
ACTIVE_STATUSES = ("validating", "in_progress", "finalizing", "cancelling")
_WINDOW_RE = re.compile(r"^([1-9]\d{0,2})h$")
_MAX_WINDOW_HOURS = 168

_DDL = """
CREATE TABLE IF NOT EXISTS batches (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    owner TEXT NOT NULL,
    status TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    model TEXT,
    provider TEXT,
    completion_window TEXT NOT NULL,
    metadata TEXT,
    errors TEXT,
    total INTEGER NOT NULL,
    completed INTEGER NOT NULL DEFAULT 0,
    failed INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    in_progress_at INTEGER,
    finalizing_at INTEGER,
    completed_at INTEGER,
    failed_at INTEGER,
    expired_at INTEGER,
    cancelling_at INTEGER,
    cancelled_at INTEGER
);
CREATE INDEX IF NOT EXISTS batches_owner ON batches (owner, seq);
CREATE TABLE IF NOT EXISTS batch_requests (
    batch_id TEXT NOT NULL REFERENCES batches (id),
    idx INTEGER NOT NULL,
    custom_id TEXT NOT NULL,
    body TEXT NOT NULL,
    state TEXT NOT NULL,
    status_code INTEGER,
    response TEXT,
    error_code TEXT,
    error_message TEXT,
    PRIMARY KEY (batch_id, idx)
);
"""


class BatchJobs:
    """The batch tables of one gateway and the batches it is running.

    Made when the app is built; :meth:`resume` runs when the server starts and carries on with
    the batches an earlier gateway on the same database file left unfinished.
    """

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.jobs = Jobs(gateway, "batch", self._failed)
        gateway.db.ensure_schema(_DDL)

    def resume(self) -> None:
        """Start a runner for every unfinished batch whose owner still has a usable key."""
        placeholders = ",".join("?" * len(ACTIVE_STATUSES))
        for row in self.gateway.db.execute(
            f"SELECT id, owner FROM batches WHERE status IN ({placeholders}) ORDER BY seq",
            ACTIVE_STATUSES,
        ):
            key = _key_for_owner(self.gateway, str(row["owner"]))
            if key is not None:
                self.start(str(row["id"]), key)

    def start(self, batch_id: str, key: KeyRecord) -> None:
        """Run the batch in the background (once: a batch already running is left alone)."""
        self.jobs.start(batch_id, lambda: _run_batch(self.gateway, batch_id, key))

    def is_running(self, batch_id: str) -> bool:
        """True while a runner is working on the batch."""
        return self.jobs.is_running(batch_id)

    def _failed(self, batch_id: str, exc: Exception) -> None:
        message = f"the local gateway could not run the batch: {type(exc).__name__}"
        errors = {"object": "list", "data": [{"code": "batch_failed", "message": message}]}
        _set_status(self.gateway, batch_id, "failed", errors=json.dumps(errors))


def _key_for_owner(gateway: Gateway, owner: str) -> Optional[KeyRecord]:
    for record in list(gateway.keys.values()):
        if record.owner == owner and not record.suspended:
            return record
    return None


# ---------------------------------------------------------------------------------------------
# Request bodies


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore")


class BatchRequestBody(_Body):
    """One inline request of a batch."""

    custom_id: str = Field(min_length=1, max_length=512)
    method: str = "POST"
    url: str = "/v1/chat/completions"
    body: Dict[str, Any]


class CreateBatchBody(_Body):
    """``POST /v1/batches``."""

    requests: List[BatchRequestBody] = Field(min_length=1)
    completion_window: str = "24h"
    metadata: Optional[Dict[str, Any]] = None
    endpoint: Optional[str] = None


def _validate(gateway: Gateway, body: CreateBatchBody) -> Tuple[str, int]:
    """Checks pydantic cannot express; returns (endpoint, window in hours)."""
    details: List[Dict[str, Any]] = []
    limit = gateway.config.options.batch_max_requests
    if len(body.requests) > limit:
        details.append(
            validation_detail(
                ["body", "requests"],
                f"a batch holds at most {limit} requests, got {len(body.requests)}",
                "too_long",
            )
        )
    window = _WINDOW_RE.match(body.completion_window)
    hours = int(window.group(1)) if window else 0
    if not window or hours > _MAX_WINDOW_HOURS:
        details.append(
            validation_detail(
                ["body", "completion_window"],
                f"completion_window must look like '24h' (1 to {_MAX_WINDOW_HOURS} hours)",
            )
        )
    endpoint = body.endpoint or SUPPORTED_URLS[0]
    if body.endpoint is not None and body.endpoint not in SUPPORTED_URLS:
        details.append(
            validation_detail(
                ["body", "endpoint"],
                f"unsupported endpoint {body.endpoint!r}; supported: {', '.join(SUPPORTED_URLS)}",
            )
        )
    seen: Dict[str, int] = {}
    for i, item in enumerate(body.requests):
        loc: List[Any] = ["body", "requests", i]
        if item.method.upper() != "POST":
            details.append(
                validation_detail([*loc, "method"], f"method must be POST, got {item.method!r}")
            )
        if item.url not in SUPPORTED_URLS:
            details.append(
                validation_detail(
                    [*loc, "url"],
                    f"unsupported url {item.url!r}; supported: {', '.join(SUPPORTED_URLS)}",
                )
            )
        if item.custom_id in seen:
            details.append(
                validation_detail(
                    [*loc, "custom_id"],
                    f"duplicate custom_id {item.custom_id!r}"
                    f" (also requests[{seen[item.custom_id]}])",
                )
            )
        else:
            seen[item.custom_id] = i
        model = item.body.get("model")
        if model is not None and not isinstance(model, str):
            details.append(
                validation_detail(
                    [*loc, "body", "model"],
                    f"model must be a model id string, got {type(model).__name__}",
                )
            )
        if item.body.get("stream"):
            details.append(
                validation_detail([*loc, "body", "stream"], "streaming requests cannot be batched")
            )
    if details:
        first = details[0]
        where = ".".join(str(p) for p in first["loc"][1:])
        more = f" (and {len(details) - 1} more)" if len(details) > 1 else ""
        raise GatewayError(
            422,
            "validation_error",
            f"Invalid batch: {where}: {first['msg']}{more}",
            details=details,
        )
    return endpoint, hours


# ---------------------------------------------------------------------------------------------
# The batch object


def _batch_object(gateway: Gateway, row: sqlite3.Row) -> Dict[str, Any]:
    results: List[Dict[str, Any]] = []
    errors: List[Dict[str, Any]] = []
    for req in gateway.db.execute(
        "SELECT custom_id, state, status_code, response, error_code, error_message"
        " FROM batch_requests WHERE batch_id = ? AND state != 'queued' ORDER BY idx",
        (row["id"],),
    ):
        if req["state"] == "completed":
            results.append(
                {
                    "custom_id": req["custom_id"],
                    "status_code": req["status_code"],
                    "body": json.loads(req["response"]),
                }
            )
        else:
            errors.append(
                {
                    "custom_id": req["custom_id"],
                    "status_code": req["status_code"],
                    "code": req["error_code"],
                    "message": req["error_message"],
                }
            )
    return {
        "id": row["id"],
        "object": "batch",
        "endpoint": row["endpoint"],
        "status": row["status"],
        "model": row["model"],
        "provider": row["provider"],
        "completion_window": row["completion_window"],
        "created_at": row["created_at"],
        "in_progress_at": row["in_progress_at"],
        "finalizing_at": row["finalizing_at"],
        "completed_at": row["completed_at"],
        "failed_at": row["failed_at"],
        "expired_at": row["expired_at"],
        "expires_at": row["expires_at"],
        "cancelling_at": row["cancelling_at"],
        "cancelled_at": row["cancelled_at"],
        "request_counts": {
            "total": row["total"],
            "completed": row["completed"],
            "failed": row["failed"],
        },
        "metadata": json.loads(row["metadata"]) if row["metadata"] is not None else None,
        "errors": json.loads(row["errors"]) if row["errors"] is not None else None,
        "results": results,
        "errors_detail": errors,
        # Results are served inline with the batch; there is no file to download.
        "output_file_id": None,
        "error_file_id": None,
    }


def _batch_row(gateway: Gateway, batch_id: str, owner: Optional[str] = None) -> sqlite3.Row:
    if owner is None:
        rows = gateway.db.execute("SELECT * FROM batches WHERE id = ?", (batch_id,))
    else:
        rows = gateway.db.execute(
            "SELECT * FROM batches WHERE id = ? AND owner = ?", (batch_id, owner)
        )
    if not rows:
        raise GatewayError(404, "not_found", f"Batch {batch_id!r} was not found.")
    return rows[0]


# ---------------------------------------------------------------------------------------------
# Running


def _set_status(gateway: Gateway, batch_id: str, status: str, **extra: Any) -> None:
    fields: Dict[str, Any] = {"status": status, f"{status}_at": int(gateway.now())}
    fields.update(extra)
    columns = ", ".join(f"{name} = ?" for name in fields)
    gateway.db.execute(f"UPDATE batches SET {columns} WHERE id = ?", (*fields.values(), batch_id))


def _status(gateway: Gateway, batch_id: str) -> str:
    return str(gateway.db.execute("SELECT status FROM batches WHERE id = ?", (batch_id,))[0][0])


async def _run_request(
    gateway: Gateway, batch_id: str, idx: int, body: Any, key: KeyRecord
) -> None:
    try:
        if not isinstance(body, dict):
            raise GatewayError(422, "validation_error", "the request body must be a JSON object")
        response = await chat_completion(gateway, body, key)
    except GatewayError as exc:
        with gateway.db.transaction() as db:
            db.execute(
                "UPDATE batch_requests SET state = 'failed', status_code = ?, error_code = ?,"
                " error_message = ? WHERE batch_id = ? AND idx = ?",
                (exc.status, exc.code, exc.message, batch_id, idx),
            )
            db.execute("UPDATE batches SET failed = failed + 1 WHERE id = ?", (batch_id,))
        return
    with gateway.db.transaction() as db:
        db.execute(
            "UPDATE batch_requests SET state = 'completed', status_code = 200, response = ?"
            " WHERE batch_id = ? AND idx = ?",
            (json.dumps(response), batch_id, idx),
        )
        db.execute("UPDATE batches SET completed = completed + 1 WHERE id = ?", (batch_id,))


async def _run_batch(gateway: Gateway, batch_id: str, key: KeyRecord) -> None:
    delay = gateway.config.options.batch_step_delay
    await asyncio.sleep(delay)
    if _status(gateway, batch_id) == "validating":
        _set_status(gateway, batch_id, "in_progress")
    queued = gateway.db.execute(
        "SELECT idx, body FROM batch_requests WHERE batch_id = ? AND state = 'queued' ORDER BY idx",
        (batch_id,),
    )
    for req in queued:
        if _status(gateway, batch_id) == "cancelling":
            break
        if gateway.now() > float(_batch_row(gateway, batch_id)["expires_at"]):
            _set_status(gateway, batch_id, "expired")
            return
        await asyncio.sleep(delay)
        await _run_request(gateway, batch_id, int(req["idx"]), json.loads(req["body"]), key)
    if _status(gateway, batch_id) == "in_progress":
        _set_status(gateway, batch_id, "finalizing")
        await asyncio.sleep(delay)
    # A cancel may have arrived while finalizing: it still wins, the results stay.
    if _status(gateway, batch_id) == "cancelling":
        _set_status(gateway, batch_id, "cancelled")
    elif _status(gateway, batch_id) == "finalizing":
        _set_status(gateway, batch_id, "completed")


# ---------------------------------------------------------------------------------------------
# Requests


def create_batch(gateway: Gateway, data: Mapping[str, Any], key: KeyRecord) -> Dict[str, Any]:
    """``POST /v1/batches``: store the batch and start running it."""
    body = validate_body(CreateBatchBody, data)
    endpoint, hours = _validate(gateway, body)
    max_active = gateway.config.options.batch_max_active
    placeholders = ",".join("?" * len(ACTIVE_STATUSES))
    active = int(
        gateway.db.execute(
            f"SELECT COUNT(*) FROM batches WHERE owner = ? AND status IN ({placeholders})",
            (key.owner, *ACTIVE_STATUSES),
        )[0][0]
    )
    if active >= max_active:
        raise GatewayError(
            429,
            "batch_limit_exceeded",
            f"Too many active batches: {active} of at most {max_active} are still running."
            " Wait for one to finish or cancel one.",
        )
    models = {item.body.get("model") for item in body.requests}
    model = models.pop() if len(models) == 1 else None
    provider: Optional[str] = None
    if isinstance(model, str):
        entry = gateway.catalogue.get(model) or {}
        provider = entry.get("provider") or (model.split("/", 1)[0] if "/" in model else None)
    else:
        model = None
    batch_id = gateway.new_id("batch")
    now = int(gateway.now())
    with gateway.db.transaction() as db:
        db.execute(
            "INSERT INTO batches (id, owner, status, endpoint, model, provider, completion_window,"
            " metadata, total, created_at, expires_at)"
            " VALUES (?, ?, 'validating', ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                batch_id,
                key.owner,
                endpoint,
                model,
                provider,
                body.completion_window,
                json.dumps(body.metadata) if body.metadata is not None else None,
                len(body.requests),
                now,
                now + hours * 3600,
            ),
        )
        db.executemany(
            "INSERT INTO batch_requests (batch_id, idx, custom_id, body, state)"
            " VALUES (?, ?, ?, ?, 'queued')",
            [
                (batch_id, i, item.custom_id, json.dumps(item.body))
                for i, item in enumerate(body.requests)
            ],
        )
    gateway.part(BatchJobs).start(batch_id, key)
    return _batch_object(gateway, _batch_row(gateway, batch_id))


def list_batches(
    gateway: Gateway, key: KeyRecord, *, limit: int, after: Optional[str]
) -> Dict[str, Any]:
    """``GET /v1/batches?after&limit``: newest first, cursor pagination."""
    params: List[Any] = [key.owner]
    where = "owner = ?"
    if after:
        rows = gateway.db.execute(
            "SELECT seq FROM batches WHERE id = ? AND owner = ?", (after, key.owner)
        )
        if not rows:
            raise GatewayError(
                422,
                "validation_error",
                f"Query parameter 'after' must be the id of one of your batches, got {after!r}.",
                details=[validation_detail(["query", "after"], "no batch with this id")],
            )
        where += " AND seq < ?"
        params.append(rows[0]["seq"])
    rows = gateway.db.execute(
        f"SELECT * FROM batches WHERE {where} ORDER BY seq DESC LIMIT ?", (*params, limit + 1)
    )
    page = rows[:limit]
    data = [_batch_object(gateway, row) for row in page]
    return {
        "object": "list",
        "data": data,
        "has_more": len(rows) > limit,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
    }


def get_batch(gateway: Gateway, key: KeyRecord, batch_id: str) -> Dict[str, Any]:
    """``GET /v1/batches/{batch_id}``."""
    return _batch_object(gateway, _batch_row(gateway, batch_id, key.owner))


def cancel_batch(gateway: Gateway, key: KeyRecord, batch_id: str) -> Dict[str, Any]:
    """``POST /v1/batches/{batch_id}/cancel``."""
    row = _batch_row(gateway, batch_id, key.owner)
    status = str(row["status"])
    if status in ("completed", "failed", "expired"):
        raise GatewayError(
            409, "conflict", f"Batch {batch_id!r} is already {status} and cannot be cancelled."
        )
    if status not in ("cancelling", "cancelled"):
        _set_status(gateway, batch_id, "cancelling")
        if not gateway.part(BatchJobs).is_running(batch_id):
            # Nothing is working on it (it was never picked up again): finish the cancel here.
            _set_status(gateway, batch_id, "cancelled")
    return _batch_object(gateway, _batch_row(gateway, batch_id))
