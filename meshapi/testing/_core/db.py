"""The gateway's SQLite database: one connection, guarded by a re-entrant lock.

Handlers run on the server's event loop, background work may run on other threads, and tests
poke at state from theirs, so every statement goes through the lock.

Rule: one database file serves one running gateway. Two gateways on one file would both run
every unfinished batch and embedding job (billing twice), so the file is claimed with an
exclusive lock on ``<file>.lock`` before it is opened, and a second gateway (in this process or
another) is refused with :class:`DatabaseInUseError`. The operating system drops the lock when
the process dies, so a killed gateway never leaves the file claimed.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import sys
import threading
from typing import IO, Any, Iterator, List, Mapping, Optional, Sequence, Union

__all__ = ["Database", "DatabaseInUseError"]


class DatabaseInUseError(RuntimeError):
    """The database file is already served by another running gateway."""


def _try_lock(handle: IO[str]) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


def _claim(path: str) -> IO[str]:
    """Open and lock ``<path>.lock``; :class:`DatabaseInUseError` if another gateway holds it."""
    lock_path = path + ".lock"
    handle = open(lock_path, "a+", encoding="utf-8")  # noqa: SIM115 - held until close()
    if not _try_lock(handle):
        handle.seek(0)
        holder = handle.read().strip() or "unknown"
        handle.close()
        raise DatabaseInUseError(
            f"the database file {path!r} is already used by another running gateway"
            f" (process {holder}); one file serves one gateway at a time: stop the other"
            " gateway or give this one its own file"
        )
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


class Database:
    """A thread-safe wrapper around one SQLite connection (``:memory:`` or a file).

    Statements run in autocommit mode; :meth:`transaction` groups several of them atomically.
    The lock is re-entrant, so a transaction may call :meth:`execute` freely.
    """

    def __init__(self, path: Optional[str] = None) -> None:
        self.path = path or ":memory:"
        self._lock = threading.RLock()
        self._claim: Optional[IO[str]] = _claim(self.path) if self.path != ":memory:" else None
        try:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        except BaseException:
            self._release()
            raise
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
        """Close the connection and give up the file (idempotent)."""
        with self._lock:
            if not self._closed:
                self._closed = True
                self._conn.close()
                self._release()

    def _release(self) -> None:
        if self._claim is not None:
            self._claim.close()  # closing the descriptor drops the lock
            self._claim = None
