"""``client.with_raw_response`` and ``client.with_streaming_response``. No I/O.

Rule: a mode is a context variable set around one method call, and read by the resource base's
``_call``: in ``"raw"`` mode it returns an :class:`~meshapi._streaming.APIResponse` (body read)
instead of the parsed answer, in ``"streaming"`` mode one whose body is still unread. The proxy
below wraps any client, resource or method, so every endpoint, the ones added later too, has
both modes with nothing declared. Stream methods (``stream()``) already expose their response
(``stream.response``, ``stream._meta``) and refuse a mode.
"""

from __future__ import annotations

import inspect
from contextvars import ContextVar
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Generator,
    Generic,
    Optional,
    Type,
    TypeVar,
    cast,
)

from typing_extensions import ParamSpec

if TYPE_CHECKING:
    from ._streaming import APIResponse, AsyncAPIResponse

__all__ = [
    "RESPONSE_MODE",
    "AsyncResponseContext",
    "ResponseModeProxy",
    "to_async_raw",
    "to_async_streaming",
    "to_raw",
]

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

RESPONSE_MODE: ContextVar[Optional[str]] = ContextVar("meshapi_response_mode", default=None)


class ResponseModeProxy:
    """A client or resource whose methods return the response instead of the parsed answer.

    >>> raw = client.with_raw_response.chat.completions.create(model=..., messages=[...])
    >>> raw.headers["x-request-id"], raw.http_response, raw.parse()
    """

    __slots__ = ("_mode", "_target")

    def __init__(self, target: Any, mode: str) -> None:
        self._target = target
        self._mode = mode

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        value = getattr(self._target, name)
        if inspect.ismethod(value):
            if inspect.iscoroutinefunction(value):
                return _async_method(value, self._mode)
            return _sync_method(value, self._mode)
        if type(value).__module__.startswith("meshapi.resources."):
            return ResponseModeProxy(value, self._mode)
        return value

    def __dir__(self) -> Any:
        return [n for n in dir(self._target) if not n.startswith("_")]

    def __repr__(self) -> str:
        return f"<{self._mode} responses of {self._target!r}>"


def _sync_method(method: Callable[..., Any], mode: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        token = RESPONSE_MODE.set(mode)
        try:
            return method(*args, **kwargs)
        finally:
            RESPONSE_MODE.reset(token)

    call.__doc__ = method.__doc__
    call.__name__ = getattr(method, "__name__", "call")
    return call


def _async_method(method: Callable[..., Awaitable[Any]], mode: str) -> Callable[..., Any]:
    async def run(args: Any, kwargs: Any) -> Any:
        token = RESPONSE_MODE.set(mode)
        try:
            return await method(*args, **kwargs)
        finally:
            RESPONSE_MODE.reset(token)

    def call(*args: Any, **kwargs: Any) -> Any:
        # Awaited (raw) or entered with `async with` (streaming): both run the call.
        return AsyncResponseContext(run(args, kwargs))

    call.__doc__ = method.__doc__
    call.__name__ = getattr(method, "__name__", "call")
    return call


class AsyncResponseContext(Generic[T]):
    """``await`` it for the response, or ``async with`` it to have the response closed."""

    __slots__ = ("_coro", "_response")

    def __init__(self, coro: Any) -> None:
        self._coro = coro
        self._response: Any = None

    def __await__(self) -> Generator[Any, None, T]:
        return cast("Generator[Any, None, T]", self._coro.__await__())

    async def __aenter__(self) -> T:
        self._response = await self._coro
        return cast(T, self._response)

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        if self._response is not None:
            await self._response.close()


# -- the types of the wrapped methods (meshapi/_response_types.py uses them) -------------------


def to_raw(method: Callable[P, R]) -> Callable[P, APIResponse[R]]:
    """``method`` returning its :class:`~meshapi.APIResponse` (raw mode)."""
    return cast("Callable[P, APIResponse[R]]", _sync_method(method, "raw"))


def to_async_raw(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContext[AsyncAPIResponse[R]]]:
    """The async ``method`` returning its :class:`~meshapi.AsyncAPIResponse` when awaited."""
    return cast(
        "Callable[P, AsyncResponseContext[AsyncAPIResponse[R]]]", _async_method(method, "raw")
    )


def to_async_streaming(
    method: Callable[P, Awaitable[R]],
) -> Callable[P, AsyncResponseContext[AsyncAPIResponse[R]]]:
    """The async ``method`` for ``async with``: its response, body unread."""
    return cast(
        "Callable[P, AsyncResponseContext[AsyncAPIResponse[R]]]",
        _async_method(method, "streaming"),
    )
