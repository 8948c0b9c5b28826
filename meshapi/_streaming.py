"""``Stream`` / ``AsyncStream``: SSE bytes → typed items, and the connection always released.

Rule 1: nothing is lost silently. ``[DONE]`` ends a stream; EOF before it raises
``StreamInterruptedError`` (``stream_interrupted``); an in-band ``{"error": ...}`` frame raises the
error its code maps to; a frame that is not valid JSON, or not the expected shape, raises
``InvalidResponseError``.
Rule 2: a stream holds a connection only while it is being read. Reaching the end, ``break``-ing
out of the loop, ``close()``, leaving the ``with`` block or cancelling the task releases it.
Rule 3: the request is sent lazily, on entering the ``with`` block or on the first iteration, so a
stream object that is never used holds nothing.
Rule 4: a stream never hangs and never hoards. When no event completes within the read timeout
(keep-alive comments and half-sent events do not count) it raises ``APITimeoutError``; a line or
an event longer than the client's ``max_event_bytes`` raises ``ResponseTooLargeError``. Bytes
that are not UTF-8 become U+FFFD, as the event-stream standard says.

``StreamCore`` does the deciding with no I/O; the two shells only read bytes.
"""

from __future__ import annotations

import json
import time
import weakref
from types import TracebackType
from typing import (
    Any,
    AsyncGenerator,
    AsyncIterator,
    Awaitable,
    Callable,
    Dict,
    Generator,
    Generic,
    Iterator,
    List,
    Optional,
    Type,
    TypeVar,
)

import httpx
from pydantic import BaseModel, ValidationError
from typing_extensions import Self

from ._errors import (
    MAX_KEPT_TEXT,
    APITimeoutError,
    InvalidResponseError,
    MeshAPIError,
    StreamInterruptedError,
    clip_text,
    error_from_payload,
)
from ._limits import too_large
from ._meta import ResponseMeta, response_meta
from ._request import invalid_response_error
from ._sse import SSEDecoder, SSELimitError

__all__ = [
    "APIResponse",
    "AsyncAPIResponse",
    "AsyncStream",
    "Decoder",
    "Stream",
    "StreamCore",
    "dict_decoder",
    "model_decoder",
]

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

# A decoder turns one SSE event (its ``event:`` name, or None, and its data) into one item;
# request_id is for the errors it raises.
Decoder = Callable[[Optional[str], str, Optional[str]], T]


def _error_in(payload: Any) -> bool:
    """Whether a chunk-stream frame is the gateway's in-band error rather than a chunk."""
    if not isinstance(payload, dict):
        return False
    if payload.get("type") == "error":
        return True
    return "error" in payload and payload["error"] is not None and "choices" not in payload


def _envelope_in(payload: Dict[str, Any]) -> bool:
    """Whether an event-stream frame is an error envelope for the whole stream.

    Compare events report ONE model's failure as ``{"model": ..., "error": "text", "error_code":
    ...}``: that is a result to show, not a reason to stop the stream. Only an error object that
    belongs to no model (``{"error": {"code", "message"}}``) ends it.
    """
    if payload.get("type") == "error":
        return True
    return isinstance(payload.get("error"), dict) and "model" not in payload


def _raise_inband(payload: Dict[str, Any], request_id: Optional[str], data: str) -> None:
    if payload.get("type") == "error" and not isinstance(payload.get("error"), dict):
        # The Responses API's shape: {"type": "error", "code": ..., "message": ...}
        payload = {"error": {k: v for k, v in payload.items() if k != "type"}}
    # An error frame of megabytes is kept as the start of its text, not as the whole object.
    body = payload if len(data) <= MAX_KEPT_TEXT else clip_text(data)
    raise error_from_payload(payload, request_id=request_id, body=body)


def _loads_frame(data: str, request_id: Optional[str]) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        excerpt = data if len(data) <= 120 else data[:117] + "..."
        raise InvalidResponseError(
            f"stream frame is not valid JSON: {excerpt!r}",
            error_code="invalid_response",
            request_id=request_id,
            body=clip_text(data),
        ) from None


def model_decoder(model: Type[M]) -> Decoder[M]:
    """Decode each frame straight from its text into ``model`` (one parse, no dict round trip).

    Only a frame that mentions ``"error"`` is looked at as a dict first, so the common chunk
    costs one pydantic call.
    """
    name = model.__name__

    def decode(event: Optional[str], data: str, request_id: Optional[str]) -> M:
        if event == "error" or '"error"' in data:
            payload = _loads_frame(data, request_id)
            if event == "error" or _error_in(payload):
                _raise_inband(payload if isinstance(payload, dict) else {}, request_id, data)
        try:
            # The validator itself, not model_validate_json: one Python call less per chunk.
            # Looked up per call: reading it at import would build the deferred schema.
            result: M = model.__pydantic_validator__.validate_json(data)
            return result
        except ValidationError as exc:
            raise invalid_response_error(
                f"stream frame ({name})", data.encode(), exc, request_id=request_id
            ) from None

    return decode


def dict_decoder(build: Callable[[Optional[str], Dict[str, Any]], T], name: str) -> Decoder[T]:
    """Decode frames whose event name matters (compare): JSON → ``build(event, payload)``."""

    def decode(event: Optional[str], data: str, request_id: Optional[str]) -> T:
        payload = _loads_frame(data, request_id)
        if not isinstance(payload, dict):
            raise InvalidResponseError(
                f"stream frame ({name}) is not a JSON object: {data[:120]!r}",
                error_code="invalid_response",
                request_id=request_id,
                body=clip_text(data),
            )
        if event == "error" or _envelope_in(payload):
            _raise_inband(payload, request_id, data)
        try:
            return build(event, payload)
        except ValidationError as exc:
            raise invalid_response_error(
                f"stream frame ({name})", data.encode(), exc, request_id=request_id
            ) from None

    return decode


class StreamCore(Generic[T]):
    """Bytes in, items out, and the end-of-stream verdict. No I/O.

    ``stall_timeout``: the most seconds between two complete events (the request's read
    timeout); ``clock``: a monotonic clock, read once per network read (tests pass their own).
    """

    __slots__ = (
        "_clock",
        "_decode",
        "_decoder",
        "_deferred",
        "_last_event",
        "done",
        "max_event_bytes",
        "request_id",
        "request_label",
        "stall_timeout",
    )

    def __init__(
        self,
        decode: Decoder[T],
        request_id: Optional[str],
        request_label: str,
        *,
        max_event_bytes: Optional[int] = None,
        stall_timeout: Optional[float] = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._decode = decode
        self._decoder = SSEDecoder(max_event_bytes)
        self.request_id = request_id
        self.request_label = request_label
        self.done = False
        self.max_event_bytes = max_event_bytes
        self.stall_timeout = stall_timeout
        self._clock = clock
        self._last_event = clock()
        # An error frame read in the same chunk as items before it: those items are delivered
        # first, and the error is raised by finish() (the read loops stop at `done`).
        self._deferred: Optional[BaseException] = None

    def feed(self, chunk: bytes) -> List[T]:
        try:
            events = self._decoder.feed_data_or_events(chunk)
        except SSELimitError as exc:
            raise too_large(
                f"a{'n' if exc.what == 'event' else ''} {exc.what} of the stream of "
                f"{self.request_label}",
                "max_event_bytes",
                exc.limit,
                self.request_id,
            ) from None
        if events:
            self._last_event = self._clock()
        elif self.stall_timeout is not None:
            self.check_stall()
        items: List[T] = []
        decode = self._decode
        for event in events:
            # Bare data frames come as their text (no object per frame); named ones as events.
            if isinstance(event, str):
                name, data = None, event
            else:
                name, data = event.event, event.data
            if data == "[DONE]":
                self.done = True
                break
            try:
                items.append(decode(name, data, self.request_id))
            except Exception as exc:
                if not items:
                    raise
                self._deferred = exc
                self.done = True
                break
        return items

    def check_stall(self) -> None:
        """Raise ``APITimeoutError`` when no event has completed within the stall timeout:
        bytes that complete nothing (keep-alive comments, an event sent a byte at a time) do not
        keep a stream alive."""
        limit = self.stall_timeout
        if limit is not None and self._clock() - self._last_event > limit:
            raise APITimeoutError(
                f"the stream of {self.request_label} stalled: no event completed within the read "
                f"timeout ({limit:g}s); the server sent only keep-alives or an unfinished event",
                error_code="timeout",
                request_id=self.request_id,
            )

    def interrupted(self, cause: Optional[BaseException] = None) -> StreamInterruptedError:
        how = f" ({type(cause).__name__})" if cause is not None else ""
        return StreamInterruptedError(
            f"the stream of {self.request_label} ended before [DONE]{how}: the connection was cut "
            "and the rest of the answer is lost",
            error_code="stream_interrupted",
            request_id=self.request_id,
        )

    def finish(self) -> None:
        """Called at the end (EOF or ``done``): raises an error frame that came after items in
        one chunk, or, when the stream did not reach ``[DONE]``, that it was cut off."""
        if self._deferred is not None:
            deferred, self._deferred = self._deferred, None
            raise deferred
        if self.done:
            return
        raise self.interrupted()


def _read_error(exc: httpx.HTTPError, core: StreamCore[Any]) -> MeshAPIError:
    """The error for a transport failure while reading the stream: a stall or a cut."""
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"the stream of {core.request_label} stalled: no data within the read timeout",
            error_code="timeout",
            request_id=core.request_id,
        )
    err = core.interrupted(exc)
    err.__cause__ = exc
    return err


def _read_timeout(response: httpx.Response) -> Optional[float]:
    """The read timeout the request was sent with (the stall timeout of its stream)."""
    try:
        timeouts = response.request.extensions.get("timeout") or {}
    except RuntimeError:  # a response built without a request
        return None
    value = timeouts.get("read")
    return float(value) if isinstance(value, (int, float)) else None


class _StreamBase(Generic[T]):
    """What a stream knows, shared by both shells: its response, its core, whether it is open
    or being read. No I/O."""

    # A client-side model fallback plan (meshapi/_fallback.py), set by the resource base when
    # the call has fallback models; the helper streams reopen on the next model with it.
    _fallback: Any = None

    def __init__(
        self, decode: Decoder[T], request_label: str, max_event_bytes: Optional[int]
    ) -> None:
        self._decode = decode
        self._request_label = request_label
        self._max_event_bytes = max_event_bytes
        self._response: Optional[httpx.Response] = None
        self._core: Optional[StreamCore[T]] = None
        self._closed = False
        self._iterating = False
        # Subclasses that build something from the items (a final completion) set this; it is
        # called once per network read with the items that read completed, before any of them
        # is yielded, so once the core has seen [DONE] the observer has seen every item.
        self._observe: Optional[Callable[[List[T]], None]] = None

    @property
    def response(self) -> Optional[httpx.Response]:
        """The HTTP response once the stream is open (headers, status)."""
        return self._response

    @property
    def request_id(self) -> Optional[str]:
        """The gateway's request id (``x-request-id``), once the stream is open."""
        return self._core.request_id if self._core else None

    @property
    def _meta(self) -> Optional[ResponseMeta]:
        """How the stream was answered (request id, status, headers, retries, time to the
        headers), once it is open; ``None`` before."""
        return response_meta(self._response) if self._response is not None else None

    def _check_openable(self) -> None:
        if self._closed:
            raise MeshAPIError(
                "this stream is closed: a stream is read once; call stream() again for a new one",
                error_code="stream_closed",
            )

    def _opened(self, response: httpx.Response) -> None:
        self._response = response
        self._core = StreamCore(
            self._decode,
            response.headers.get("x-request-id"),
            self._request_label,
            max_event_bytes=self._max_event_bytes,
            stall_timeout=_read_timeout(response),
        )

    def _begin_iteration(self) -> None:
        if self._iterating:
            raise MeshAPIError("this stream is already being iterated", error_code="stream_busy")
        self._iterating = True

    def _opened_core(self) -> StreamCore[T]:
        core = self._core
        assert core is not None, "the stream is read only once it is open"
        return core

    def _items(self, core: StreamCore[T], chunk: bytes) -> List[T]:
        """The items one network read completed, shown to the observer before any is yielded."""
        items = core.feed(chunk)
        if self._observe is not None:
            self._observe(items)
        return items


class Stream(_StreamBase[T]):
    """An SSE stream: iterate it for items, use it as a context manager to bound its life.

    >>> with client.chat.completions.stream(params) as stream:
    ...     for chunk in stream:
    ...         print(chunk.choices[0].delta.content or "", end="")
    """

    def __init__(
        self,
        open_response: Callable[[], httpx.Response],
        decode: Decoder[T],
        request_label: str,
        *,
        max_event_bytes: Optional[int] = None,
    ) -> None:
        super().__init__(decode, request_label, max_event_bytes)
        self._open_response = open_response
        self._live: Optional[weakref.ReferenceType[Generator[T, None, None]]] = None

    def _open(self) -> httpx.Response:
        self._check_openable()
        if self._response is None:
            self._opened(self._open_response())
        assert self._response is not None
        return self._response

    def __enter__(self) -> Self:
        self._open()
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[T]:
        # A fresh generator each time, held here only weakly: when the caller breaks out of the
        # loop it is dropped and its `finally` closes the connection at once.
        generator = self._iterate()
        self._live = weakref.ref(generator)
        return generator

    def _drain(self) -> None:
        """Read to the end: through the iterator the caller still holds, if any, else anew."""
        live = self._live() if self._live is not None else None
        for _ in live if live is not None else self:
            pass

    def _iterate(self) -> Generator[T, None, None]:
        self._begin_iteration()
        try:
            response = self._open()
            core = self._opened_core()
            chunks = response.iter_bytes()
            try:
                for chunk in chunks:
                    yield from self._items(core, chunk)
                    if core.done:
                        break
            except httpx.HTTPError as exc:
                raise _read_error(exc, core) from exc
            finally:
                # Left at [DONE] or by an error, the byte iterator is still open: close it now.
                chunks.close()  # type: ignore[attr-defined]
            core.finish()
        finally:
            self._iterating = False
            self.close()

    def close(self) -> None:
        """Release the connection. Safe to call more than once."""
        self._closed = True
        if self._response is not None:
            self._response.close()


class AsyncStream(_StreamBase[T]):
    """The async twin of :class:`Stream`: ``async for`` it, ``async with`` it, or ``await`` it."""

    def __init__(
        self,
        open_response: Callable[[], Awaitable[httpx.Response]],
        decode: Decoder[T],
        request_label: str,
        *,
        max_event_bytes: Optional[int] = None,
    ) -> None:
        super().__init__(decode, request_label, max_event_bytes)
        self._open_response = open_response
        self._live: Optional[weakref.ReferenceType[AsyncGenerator[T, None]]] = None

    async def _open(self) -> httpx.Response:
        self._check_openable()
        if self._response is None:
            self._opened(await self._open_response())
        assert self._response is not None
        return self._response

    def __await__(self) -> Generator[Any, None, Self]:
        async def opened() -> Self:
            await self._open()
            return self

        return opened().__await__()

    async def __aenter__(self) -> Self:
        await self._open()
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    def __aiter__(self) -> AsyncIterator[T]:
        # Held only weakly, as in Stream.__iter__.
        generator = self._iterate()
        self._live = weakref.ref(generator)
        return generator

    async def _drain(self) -> None:
        """Read to the end: through the iterator the caller still holds, if any, else anew."""
        live = self._live() if self._live is not None else None
        async for _ in live if live is not None else self:
            pass

    async def _iterate(self) -> AsyncGenerator[T, None]:
        self._begin_iteration()
        try:
            response = await self._open()
            core = self._opened_core()
            chunks = response.aiter_bytes()
            try:
                async for chunk in chunks:
                    for item in self._items(core, chunk):
                        yield item
                    if core.done:
                        break
            except httpx.HTTPError as exc:
                raise _read_error(exc, core) from exc
            finally:
                # Left at [DONE] or by an error, the byte iterator is still open: close it here,
                # on this loop, rather than leave it to a garbage-collection hook that may run
                # after the loop is gone.
                await chunks.aclose()  # type: ignore[attr-defined]
            core.finish()
        finally:
            self._iterating = False
            await self.close()

    async def close(self) -> None:
        """Release the connection. Safe to call more than once."""
        self._closed = True
        if self._response is not None:
            await self._response.aclose()


# -- raw responses (client.with_raw_response / with_streaming_response) ------------------------


class _APIResponseBase(Generic[T]):
    """What both twins share: the ``httpx.Response``, what it said, and its parser."""

    def __init__(self, response: httpx.Response, parse: Callable[[httpx.Response], T]) -> None:
        self.http_response = response
        self._parse = parse
        self._parsed: List[T] = []

    @property
    def headers(self) -> httpx.Headers:
        """The response headers (case-insensitive)."""
        return self.http_response.headers

    @property
    def status_code(self) -> int:
        """The HTTP status."""
        return self.http_response.status_code

    @property
    def request_id(self) -> Optional[str]:
        """The gateway's request id."""
        return response_meta(self.http_response).request_id

    @property
    def _meta(self) -> ResponseMeta:
        """Request id, status, headers, retries and time taken (as on a parsed answer)."""
        return response_meta(self.http_response)

    def _parsed_once(self) -> T:
        if not self._parsed:
            self._parsed.append(self._parse(self.http_response))
        return self._parsed[0]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}] request_id={self.request_id!r}>"


class APIResponse(_APIResponseBase[T]):
    """An answer before parsing: ``client.with_raw_response.<resource>.<method>(...)`` (body
    read) and ``with client.with_streaming_response.<resource>.<method>(...) as response:``
    (body not read until asked: ``iter_bytes()``, ``iter_lines()``, ``read()``, ``parse()``).
    """

    def parse(self) -> T:
        """The parsed answer, as the method itself returns it (reads the body first)."""
        self.read()
        return self._parsed_once()

    def read(self) -> bytes:
        """The whole body."""
        try:
            return self.http_response.read()
        finally:
            self.http_response.close()

    def iter_bytes(self, chunk_size: Optional[int] = None) -> Iterator[bytes]:
        """The body as it arrives."""
        return self.http_response.iter_bytes(chunk_size)

    def iter_lines(self) -> Iterator[str]:
        """The body as text lines, as they arrive."""
        return self.http_response.iter_lines()

    def close(self) -> None:
        """Release the connection (the ``with`` block does it)."""
        self.http_response.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class AsyncAPIResponse(_APIResponseBase[T]):
    """The async twin of :class:`APIResponse` (``await response.parse()``)."""

    async def parse(self) -> T:
        """The parsed answer, as the method itself returns it (reads the body first)."""
        await self.read()
        return self._parsed_once()

    async def read(self) -> bytes:
        """The whole body."""
        try:
            return await self.http_response.aread()
        finally:
            await self.http_response.aclose()

    def iter_bytes(self, chunk_size: Optional[int] = None) -> AsyncIterator[bytes]:
        """The body as it arrives."""
        return self.http_response.aiter_bytes(chunk_size)

    def iter_lines(self) -> AsyncIterator[str]:
        """The body as text lines, as they arrive."""
        return self.http_response.aiter_lines()

    async def close(self) -> None:
        """Release the connection (the ``async with`` block does it)."""
        await self.http_response.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()
