"""``Stream`` / ``AsyncStream``: SSE bytes → typed items, and the connection always released.

Rule 1: nothing is lost silently. ``[DONE]`` ends a stream; EOF before it raises
``StreamInterruptedError`` (``stream_interrupted``); an in-band ``{"error": ...}`` frame raises the
error its code maps to; a frame that is not valid JSON, or not the expected shape, raises
``InvalidResponseError``.
Rule 2: a stream holds a connection only while it is being read. Reaching the end, ``break``-ing
out of the loop, ``close()``, leaving the ``with`` block or cancelling the task releases it.
Rule 3: the request is sent lazily, on entering the ``with`` block or on the first iteration, so a
stream object that is never used holds nothing.

``StreamCore`` does the deciding with no I/O; the two shells only read bytes.
"""

from __future__ import annotations

import json
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

from ._errors import (
    APITimeoutError,
    InvalidResponseError,
    MeshAPIError,
    StreamInterruptedError,
    error_from_payload,
)
from ._request import invalid_response_error
from ._sse import SSEDecoder

__all__ = [
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


def _raise_inband(payload: Dict[str, Any], request_id: Optional[str]) -> None:
    if payload.get("type") == "error" and not isinstance(payload.get("error"), dict):
        # The Responses API's shape: {"type": "error", "code": ..., "message": ...}
        payload = {"error": {k: v for k, v in payload.items() if k != "type"}}
    raise error_from_payload(payload, request_id=request_id)


def _loads_frame(data: str, request_id: Optional[str]) -> Any:
    try:
        return json.loads(data)
    except ValueError:
        excerpt = data if len(data) <= 120 else data[:117] + "..."
        raise InvalidResponseError(
            f"stream frame is not valid JSON: {excerpt!r}",
            error_code="invalid_response",
            request_id=request_id,
            body=data,
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
                _raise_inband(payload if isinstance(payload, dict) else {}, request_id)
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
                body=data,
            )
        if event == "error" or _envelope_in(payload):
            _raise_inband(payload, request_id)
        try:
            return build(event, payload)
        except ValidationError as exc:
            raise invalid_response_error(
                f"stream frame ({name})", data.encode(), exc, request_id=request_id
            ) from None

    return decode


class StreamCore(Generic[T]):
    """Bytes in, items out, and the end-of-stream verdict. No I/O."""

    __slots__ = ("_decode", "_decoder", "_deferred", "done", "request_id", "what")

    def __init__(self, decode: Decoder[T], request_id: Optional[str], what: str) -> None:
        self._decode = decode
        self._decoder = SSEDecoder()
        self.request_id = request_id
        self.what = what
        self.done = False
        # An error frame read in the same chunk as items before it: those items are delivered
        # first, and the error is raised by finish() (the read loops stop at `done`).
        self._deferred: Optional[BaseException] = None

    def feed(self, chunk: bytes) -> List[T]:
        try:
            events = self._decoder.feed_plain(chunk)
        except UnicodeDecodeError as exc:
            raise InvalidResponseError(
                f"stream of {self.what} is not valid UTF-8 ({exc.reason} at byte {exc.start})",
                error_code="invalid_response",
                request_id=self.request_id,
            ) from None
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

    def interrupted(self, cause: Optional[BaseException] = None) -> StreamInterruptedError:
        how = f" ({type(cause).__name__})" if cause is not None else ""
        return StreamInterruptedError(
            f"the stream of {self.what} ended before [DONE]{how}: the connection was cut "
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
        try:
            self._decoder.flush()
        except UnicodeDecodeError:
            pass  # a character cut in half is one more sign of the same interruption
        raise self.interrupted()


def _open_error(exc: httpx.HTTPError, core: StreamCore[Any]) -> MeshAPIError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(
            f"the stream of {core.what} stalled: no data within the read timeout",
            error_code="timeout",
            request_id=core.request_id,
        )
    err = core.interrupted(exc)
    err.__cause__ = exc
    return err


class _StreamBase(Generic[T]):
    """What a stream knows, shared by both shells: its response, its core, whether it is open
    or being read. No I/O."""

    def __init__(self, decode: Decoder[T], what: str) -> None:
        self._decode = decode
        self._what = what
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

    def _check_openable(self) -> None:
        if self._closed:
            raise MeshAPIError("this stream is closed", error_code="stream_closed")

    def _opened(self, response: httpx.Response) -> None:
        self._response = response
        self._core = StreamCore(self._decode, response.headers.get("x-request-id"), self._what)

    def _begin_iteration(self) -> None:
        if self._iterating:
            raise MeshAPIError("this stream is already being iterated", error_code="stream_busy")
        self._iterating = True


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
        what: str,
    ) -> None:
        super().__init__(decode, what)
        self._open_response = open_response
        self._live: Optional[weakref.ReferenceType[Generator[T, None, None]]] = None

    def _open(self) -> httpx.Response:
        self._check_openable()
        if self._response is None:
            self._opened(self._open_response())
        assert self._response is not None
        return self._response

    def __enter__(self) -> Stream[T]:
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
            core = self._core
            assert core is not None
            try:
                observe = self._observe
                for chunk in response.iter_bytes():
                    items = core.feed(chunk)
                    if observe is not None:
                        observe(items)
                    yield from items
                    if core.done:
                        break
            except httpx.HTTPError as exc:
                raise _open_error(exc, core) from exc
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
        what: str,
    ) -> None:
        super().__init__(decode, what)
        self._open_response = open_response
        self._live: Optional[weakref.ReferenceType[AsyncGenerator[T, None]]] = None

    async def _open(self) -> httpx.Response:
        self._check_openable()
        if self._response is None:
            self._opened(await self._open_response())
        assert self._response is not None
        return self._response

    def __await__(self) -> Generator[Any, None, AsyncStream[T]]:
        async def opened() -> AsyncStream[T]:
            await self._open()
            return self

        return opened().__await__()

    async def __aenter__(self) -> AsyncStream[T]:
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
            core = self._core
            assert core is not None
            chunks = response.aiter_bytes()
            try:
                observe = self._observe
                async for chunk in chunks:
                    items = core.feed(chunk)
                    if observe is not None:
                        observe(items)
                    for item in items:
                        yield item
                    if core.done:
                        break
            except httpx.HTTPError as exc:
                raise _open_error(exc, core) from exc
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
