"""The gateway's SQLite database: one connection, guarded by a re-entrant lock.

Handlers run on the server's event loop, background work may run on other threads, and tests
poke at state from theirs, so every statement goes through the lock.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from typing import Any, Iterator, List, Mapping, Optional, Sequence, Union

__all__ = ["Database"]


class Database:
    """A thread-safe wrapper around one SQLite connection (``:memory:`` or a file).

    Statements run in autocommit mode; :meth:`transaction` groups several of them atomically.
    The lock is re-entrant, so a transaction may call :meth:`execute` freely.
    """

    def __init__(self, path: Optional[str] = None) -> None:
        self.path = path or ":memory:"
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._closed = False

    def execute(
        self, sql: str, params: Union[Sequence[Any], Mapping[str, Any]] = ()
    ) -> List[sqlite3.Row]:
        """Run one statement and return all its rows (empty for writes)."""
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    def executemany(self, sql: str, seq: Sequence[Sequence[Any]]) -> None:
        """Run one statement for each parameter tuple."""
        with self._lock:
            self._conn.executemany(sql, seq)

    def ensure_schema(self, ddl: str) -> None:
        """Run idempotent DDL (``CREATE TABLE IF NOT EXISTS ...``), possibly several statements."""
        with self._lock:
            self._conn.executescript(ddl)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """``with db.transaction(): ...`` commits at the end, rolls back on an exception."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        """Close the connection (idempotent)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()
