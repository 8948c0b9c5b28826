"""Ids: ULIDs for objects and requests, and fresh API keys."""

from __future__ import annotations

import secrets
import threading
import time

__all__ = ["new_api_key", "new_ulid"]


def new_api_key() -> str:
    """A fresh data-plane key in the production shape (``rsk_`` + 48 hex characters)."""
    return "rsk_" + secrets.token_hex(24)


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class _UlidFactory:
    """ULIDs (48-bit millisecond time + 80 random bits), strictly increasing within a process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0

    def __call__(self) -> str:
        with self._lock:
            value = (int(time.time() * 1000) << 80) | secrets.randbits(80)
            if value <= self._last:
                value = self._last + 1
            self._last = value
        chars = []
        for _ in range(26):
            chars.append(_CROCKFORD[value & 31])
            value >>= 5
        return "".join(reversed(chars))


_ulid = _UlidFactory()


def new_ulid() -> str:
    """A 26-character ULID, sortable by creation time."""
    return _ulid()
