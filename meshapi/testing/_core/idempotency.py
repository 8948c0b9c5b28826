"""``Idempotency-Key``: the first answer to a POST, kept so a retry gets it again.

Rule: a key belongs to the API key that sent it (its tenant) and to one request: the same key
with the same method, path, query and body bytes within ``idempotency_ttl`` gets the first
answer back (status, headers, body; a stream's recorded events) without the work running
again. The same key with a different request is refused. Only a complete 2xx answer is kept:
an error, or an answer cut short, leaves the key free, so a retry runs the request for real.
The rows live in the gateway's database, so they survive a restart on a database file.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import TYPE_CHECKING, List, Optional, Tuple

if TYPE_CHECKING:
    from .gateway import Gateway

__all__ = ["Claim", "IdempotencyStore", "Recorded", "fingerprint", "tenant_of", "valid_key"]

_DDL = """
CREATE TABLE IF NOT EXISTS idempotency (
    tenant TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    state TEXT NOT NULL,
    status INTEGER,
    headers TEXT,
    body BLOB,
    created_at REAL NOT NULL,
    PRIMARY KEY (tenant, key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_at);
"""

RUNNING, DONE, UNRECORDED = "running", "done", "unrecorded"


def valid_key(value: str) -> bool:
    """1-255 printable ASCII characters."""
    return 0 < len(value) <= 255 and value.isascii() and value.isprintable()


def tenant_of(api_key: str) -> str:
    """Whom a key belongs to, without storing the secret itself."""
    return hashlib.sha256(api_key.encode("utf-8")).hexdigest()


def fingerprint(method: str, path: str, query: bytes, body: bytes) -> str:
    """What makes two requests "the same": method, path, query and body bytes."""
    digest = hashlib.sha256()
    for part in (method.encode(), path.encode("utf-8", "replace"), query, body):
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class Recorded:
    """A kept answer."""

    status: int
    headers: List[Tuple[str, str]]
    body: bytes


@dataclasses.dataclass(frozen=True)
class Claim:
    """What to do with a request: ``run`` it (the key is now ours), ``replay`` the kept
    answer, ``wait`` for the request still running, or refuse it (``mismatch``: another
    request used the key; ``unrecorded``: the first answer was too large to keep)."""

    action: str
    recorded: Optional[Recorded] = None


class IdempotencyStore:
    """The kept answers of one gateway (made once per gateway with ``gateway.part``)."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.db = gateway.db
        self.db.ensure_schema(_DDL)
        # The database file is this gateway's alone (see db.py): a "running" row left behind
        # belongs to a gateway that died mid-request, and its key is free again.
        self.db.execute("DELETE FROM idempotency WHERE state = ?", (RUNNING,))

    @property
    def ttl(self) -> float:
        return self.gateway.config.options.idempotency_ttl

    def claim(self, tenant: str, key: str, print_: str) -> Claim:
        """Decide what to do with a request carrying ``key``; claims the key to ``run``."""
        now = self.gateway.now()
        with self.db.transaction():
            self.db.execute("DELETE FROM idempotency WHERE created_at < ?", (now - self.ttl,))
            rows = self.db.execute(
                "SELECT fingerprint, state, status, headers, body FROM idempotency"
                " WHERE tenant = ? AND key = ?",
                (tenant, key),
            )
            if not rows:
                self.db.execute(
                    "INSERT INTO idempotency (tenant, key, fingerprint, state, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (tenant, key, print_, RUNNING, now),
                )
                return Claim("run")
        row = rows[0]
        if row["fingerprint"] != print_:
            return Claim("mismatch")
        if row["state"] == RUNNING:
            return Claim("wait")
        if row["state"] == UNRECORDED:
            return Claim("unrecorded")
        headers = [(str(k), str(v)) for k, v in json.loads(row["headers"])]
        return Claim("replay", Recorded(int(row["status"]), headers, bytes(row["body"])))

    def keep(self, tenant: str, key: str, answer: Optional[Recorded]) -> None:
        """Keep the answer of the request that claimed ``key`` (``None``: too large to keep)."""
        if answer is None:
            self.db.execute(
                "UPDATE idempotency SET state = ? WHERE tenant = ? AND key = ?",
                (UNRECORDED, tenant, key),
            )
            return
        self.db.execute(
            "UPDATE idempotency SET state = ?, status = ?, headers = ?, body = ?"
            " WHERE tenant = ? AND key = ?",
            (DONE, answer.status, json.dumps(answer.headers), answer.body, tenant, key),
        )

    def release(self, tenant: str, key: str) -> None:
        """Free a claimed key whose request failed or was cut short."""
        self.db.execute(
            "DELETE FROM idempotency WHERE tenant = ? AND key = ? AND state = ?",
            (tenant, key, RUNNING),
        )
