"""How big and how long: the client's size caps and the per-call deadline. No I/O.

Rule 1: nothing the server sends can make the client hold unbounded memory. A body is read
incrementally and given up on once it passes its cap: ``max_response_bytes`` for a successful
answer (counted after decompression, so a gzip bomb stops at the cap), ``max_event_bytes`` for
one line or one event of an event stream, ``max_error_body_bytes`` for an error answer (of which
the first bytes are kept for the error's message and ``body``; the rest is not read).
Rule 2: nothing the server does can make a call wait for ever. A non-streaming call ends at its
deadline (``total_timeout`` seconds after it started, retries and their waits included) even when
bytes keep trickling in; a stream ends when no event completes within the read timeout (see
``StreamCore``), keep-alive comments notwithstanding.

The twins in ``_http`` feed each chunk they read to a :class:`BodyReader` and sleep only as long
as :meth:`Deadline.allows` says; every verdict is made here, with the clock passed in.
"""

from __future__ import annotations

import math
import time
import zlib
from typing import Any, Callable, Iterator, List, Optional

import httpx

from ._errors import APITimeoutError, InvalidResponseError, ResponseTooLargeError

__all__ = [
    "DEFAULT_MAX_ERROR_BODY_BYTES",
    "DEFAULT_MAX_EVENT_BYTES",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_TOTAL_TIMEOUT",
    "BodyReader",
    "Deadline",
    "Limits",
    "Timeout",
    "too_large",
]

DEFAULT_TOTAL_TIMEOUT = 600.0
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_EVENT_BYTES = 16 * 1024 * 1024
DEFAULT_MAX_ERROR_BODY_BYTES = 8 * 1024


class Timeout(httpx.Timeout):
    """An ``httpx.Timeout`` with a ``total``: the most seconds one non-streaming call may take,
    retries and their waits included (``None``: the client's ``total_timeout``).

    >>> client.models.list(timeout=meshapi.Timeout(10.0, total=30.0))
    """

    def __init__(self, *args: Any, total: Optional[float] = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.total = _seconds("total", total)

    def __eq__(self, other: Any) -> bool:
        return super().__eq__(other) and self.total == getattr(other, "total", None)

    def __repr__(self) -> str:
        return f"{super().__repr__()[:-1]}, total={self.total})"


def _seconds(name: str, value: Optional[float]) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{name} must be a positive number of seconds or None, got {value!r}")
    if math.isinf(value):
        return None
    return float(value)


def _cap(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be an int >= 1 (bytes), got {value!r}")
    return value


class Limits:
    """The client's caps and default deadline, validated once."""

    __slots__ = ("max_error_body_bytes", "max_event_bytes", "max_response_bytes", "total_timeout")

    def __init__(
        self,
        *,
        total_timeout: Optional[float] = DEFAULT_TOTAL_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_error_body_bytes: int = DEFAULT_MAX_ERROR_BODY_BYTES,
    ) -> None:
        self.total_timeout = _seconds("total_timeout", total_timeout)
        self.max_response_bytes = _cap("max_response_bytes", max_response_bytes)
        self.max_event_bytes = _cap("max_event_bytes", max_event_bytes)
        self.max_error_body_bytes = _cap("max_error_body_bytes", max_error_body_bytes)

    def total_for(self, timeout: Any) -> Optional[float]:
        """The deadline in seconds of one call whose per-call ``timeout`` is ``timeout``."""
        total = getattr(timeout, "total", None) if isinstance(timeout, Timeout) else None
        return total if total is not None else self.total_timeout

    def __repr__(self) -> str:
        return (
            f"Limits(total_timeout={self.total_timeout}, max_response_bytes="
            f"{self.max_response_bytes}, max_event_bytes={self.max_event_bytes}, "
            f"max_error_body_bytes={self.max_error_body_bytes})"
        )


class Deadline:
    """When one call must be over. ``clock`` is a monotonic clock (injected by tests)."""

    __slots__ = ("_clock", "at", "seconds")

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self.at = clock() + seconds

    def remaining(self) -> float:
        """Seconds left (negative once it has passed)."""
        return self.at - self._clock()

    def allows(self, delay: float) -> bool:
        """Whether sleeping ``delay`` seconds before another attempt still ends in time."""
        return delay < self.remaining()

    def check(self, what: str, request_id: Optional[str] = None) -> None:
        """Raise ``APITimeoutError`` once the deadline has passed."""
        if self._clock() >= self.at:
            raise APITimeoutError(
                f"{what}: no complete answer within total_timeout={self.seconds:g}s "
                "(the server kept the response open); raise total_timeout if this call is slow",
                error_code="timeout",
                request_id=request_id,
            )


def too_large(
    what: str, option: str, limit: int, request_id: Optional[str]
) -> ResponseTooLargeError:
    """The error for an answer that passed the cap ``option`` (``limit`` bytes)."""
    return ResponseTooLargeError(
        f"{what} is larger than {option}={limit} bytes; nothing more was read "
        f"(raise {option} on the client if such answers are expected)",
        error_code="response_too_large",
        request_id=request_id,
        limit=option,
        limit_bytes=limit,
    )


# Decompressed output is produced at most this much at a time, so that a small compressed chunk
# that inflates a thousandfold (a "gzip bomb") is refused at the cap, not after inflating it all.
_INFLATE_STEP = 64 * 1024


class _Inflater:
    """gzip / deflate decoding in bounded steps (what httpx would decode, but step by step)."""

    __slots__ = ("_first", "_obj", "encoding")

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self._first = True
        self._obj = zlib.decompressobj(
            zlib.MAX_WBITS | 16 if "gzip" in encoding else zlib.MAX_WBITS
        )

    def decode(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                piece = self._obj.decompress(data, _INFLATE_STEP)
            except zlib.error:
                if self._first and self.encoding == "deflate":
                    # "deflate" is sent both zlib-wrapped and raw; httpx accepts both, so do we.
                    self._first = False
                    self._obj = zlib.decompressobj(-zlib.MAX_WBITS)
                    continue
                raise
            self._first = False
            data = self._obj.unconsumed_tail
            if piece:
                yield piece

    def flush(self) -> bytes:
        return self._obj.flush()


def _inflater(content_encoding: Optional[str]) -> Optional[_Inflater]:
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        return _Inflater(encoding)
    return None


class BodyReader:
    """Collects a body read in chunks, under a cap and a deadline.

    ``truncate=False`` (a successful answer): passing ``limit`` raises
    :class:`ResponseTooLargeError`. ``truncate=True`` (an error answer): the first ``limit``
    bytes are kept, :attr:`truncated` is set and :attr:`full` tells the reader to stop.

    With ``content_encoding`` gzip or deflate, :attr:`raw` is true: the caller feeds the bytes as
    they came off the wire and they are inflated here a bounded step at a time. Any other
    encoding is left to the HTTP library (``raw`` false: feed its decoded chunks).
    """

    __slots__ = (
        "_chunks",
        "_deadline",
        "_inflater",
        "_option",
        "_request_id",
        "_truncate",
        "_what",
        "full",
        "limit",
        "size",
        "truncated",
    )

    def __init__(
        self,
        limit: int,
        *,
        option: str,
        what: str,
        deadline: Optional[Deadline] = None,
        truncate: bool = False,
        request_id: Optional[str] = None,
        content_encoding: Optional[str] = None,
    ) -> None:
        self._inflater = _inflater(content_encoding)
        self.limit = limit
        self._option = option
        self._what = what
        self._deadline = deadline
        self._truncate = truncate
        self._request_id = request_id
        self._chunks: List[bytes] = []
        self.size = 0
        self.truncated = False
        self.full = False

    @property
    def raw(self) -> bool:
        """Whether to feed the body's bytes as sent (this reader decompresses them)."""
        return self._inflater is not None

    def feed(self, chunk: bytes) -> None:
        """Take one chunk; raises when a cap or the deadline is passed."""
        inflater = self._inflater
        if inflater is None:
            self._take(chunk)
            return
        try:
            for piece in inflater.decode(chunk):
                self._take(piece)
                if self.full:
                    return
        except zlib.error as exc:
            raise self._undecodable(exc) from None

    def finish(self) -> bytes:
        """The whole body, once the last chunk has been fed."""
        if self._inflater is not None and not self.full:
            try:
                self._take(self._inflater.flush())
            except zlib.error as exc:
                raise self._undecodable(exc) from None
        return self.result()

    def _undecodable(self, exc: zlib.error) -> InvalidResponseError:
        encoding = self._inflater.encoding if self._inflater is not None else "?"
        return InvalidResponseError(
            f"{self._what} is not valid {encoding} ({exc})",
            error_code="invalid_response",
            request_id=self._request_id,
        )

    def _take(self, chunk: bytes) -> None:
        size = self.size + len(chunk)
        if size > self.limit:
            if not self._truncate:
                raise too_large(self._what, self._option, self.limit, self._request_id)
            chunk = chunk[: self.limit - self.size]
            size = self.limit
            self.truncated = self.full = True
        self._chunks.append(chunk)
        self.size = size
        if self._deadline is not None and not self.full:
            self._deadline.check(self._what, self._request_id)

    def result(self) -> bytes:
        """The body collected so far."""
        chunks = self._chunks
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)
