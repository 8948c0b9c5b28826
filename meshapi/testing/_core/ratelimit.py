"""Per-key request limits (RPM and RPD)."""

from __future__ import annotations

import datetime as _dt
import math
import threading
import time
from collections import deque
from typing import Callable, Deque, Dict, Optional, Tuple

from .errors import GatewayError

__all__ = ["RateLimiter"]


class RateLimiter:
    """Per-key request limits: RPM over a sliding 60 s window, RPD per UTC calendar day.

    A rejected request is not counted, so a client that waits the advertised ``Retry-After``
    gets through.
    """

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._minute: Dict[str, Deque[float]] = {}
        self._day: Dict[str, Tuple[str, int]] = {}

    def check(self, key: str, rpm: Optional[int], rpd: Optional[int]) -> None:
        """Count one request for ``key`` or raise 429 ``rate_limit_exceeded``."""
        now = self._clock()
        with self._lock:
            window = self._minute.setdefault(key, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if rpm is not None and len(window) >= rpm:
                wait = max(1.0, window[0] + 60.0 - now)
                raise GatewayError(
                    429,
                    "rate_limit_exceeded",
                    f"Rate limit exceeded: {rpm} requests per minute. Retry in {math.ceil(wait)}s.",
                    retry_after=wait,
                    extra={"limit_type": "rpm"},
                )
            today = _dt.datetime.fromtimestamp(now, _dt.timezone.utc)
            day_key = today.strftime("%Y-%m-%d")
            day, count = self._day.get(key, (day_key, 0))
            if day != day_key:
                count = 0
            if rpd is not None and count >= rpd:
                midnight = (today + _dt.timedelta(days=1)).replace(
                    hour=0, minute=0, second=0, microsecond=0
                )
                wait = max(1.0, (midnight - today).total_seconds())
                raise GatewayError(
                    429,
                    "rate_limit_exceeded",
                    f"Daily request limit of {rpd} reached; it resets at midnight UTC"
                    f" (in {math.ceil(wait)} seconds).",
                    retry_after=wait,
                    extra={"limit_type": "rpd"},
                )
            window.append(now)
            self._day[key] = (day_key, count + 1)

    def usage(self, key: str) -> Tuple[int, int]:
        """Requests counted for ``key`` in the current minute window and UTC day."""
        now = self._clock()
        with self._lock:
            window = self._minute.get(key, deque())
            minute = sum(1 for t in window if t > now - 60.0)
            day_key = _dt.datetime.fromtimestamp(now, _dt.timezone.utc).strftime("%Y-%m-%d")
            day, count = self._day.get(key, (day_key, 0))
            return minute, count if day == day_key else 0
