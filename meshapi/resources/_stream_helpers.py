"""What the helper streams share (chat, compare, responses, images): reading to the end, and
yielding what a pure picker takes from each item. The folding itself is in ``meshapi._reducers``;
these shells only iterate (sync with ``for``, async with ``async for``)."""

from __future__ import annotations

import time
from typing import (
    Any,
    AsyncGenerator,
    AsyncIterator,
    Callable,
    Generator,
    Iterator,
    List,
    Optional,
    Tuple,
    TypeVar,
)

from .._errors import MeshAPIError
from .._reducers import (
    CompareReducer,
    ImageReducer,
    ResponsesReducer,
    compare_delta,
    response_text_delta,
)
from .._streaming import AsyncStream, Stream, _StreamBase
from .._types import (
    CompareResponse,
    CompareStreamEvent,
    ImageGenerationResponse,
    ImageStreamEvent,
    ResponsesResponse,
    ResponsesStreamEvent,
)

__all__ = [
    "AsyncCompareStream",
    "AsyncImageStream",
    "AsyncResponseStream",
    "CompareStream",
    "ImageStream",
    "ResponseStream",
]

T = TypeVar("T")
D = TypeVar("D")
S = TypeVar("S", bound="_HelperStream[Any]")
A = TypeVar("A", bound="_AsyncHelperStream[Any]")


class _Folding(_StreamBase[T]):
    def _reopenable(self) -> None:
        """Forget the failed response, so that the next iteration opens the stream again (on
        the fallback plan's next model). Only before any item was yielded."""
        self._closed = False
        self._response = None
        self._core = None

    @property
    def _finished(self) -> bool:
        return self._core is not None and self._core.done


class _HelperStream(_Folding[T], Stream[T]):
    """A sync stream with ``until_done()`` and picked deltas, which falls back to the next
    model when the stream fails before its first item (``_fallback``)."""

    def _iterate(self) -> Generator[T, None, None]:
        plan = self._fallback
        while True:
            started = False
            try:
                for item in super()._iterate():
                    started = True
                    yield item
                return
            except MeshAPIError as err:
                if plan is None or started or not plan.next(err):
                    raise
                self._reopenable()

    def until_done(self: S) -> S:
        """Read the stream to its end (if not there yet); returns the stream."""
        if not self._finished:
            self._drain()
        return self

    def _picked(self, pick: Callable[[T], Optional[D]]) -> Iterator[D]:
        for item in self:
            value = pick(item)
            if value is not None:
                yield value


class _AsyncHelperStream(_Folding[T], AsyncStream[T]):
    """An async stream with ``until_done()`` and picked deltas, which falls back to the next
    model when the stream fails before its first item (``_fallback``)."""

    async def _iterate(self) -> AsyncGenerator[T, None]:
        plan = self._fallback
        while True:
            started = False
            try:
                async for item in super()._iterate():
                    started = True
                    yield item
                return
            except MeshAPIError as err:
                if plan is None or started or not plan.next(err):
                    raise
                self._reopenable()

    async def until_done(self: A) -> A:
        """Read the stream to its end (if not there yet); returns the stream."""
        if not self._finished:
            await self._drain()
        return self

    async def _picked(self, pick: Callable[[T], Optional[D]]) -> AsyncIterator[D]:
        async for item in self:
            value = pick(item)
            if value is not None:
                yield value


# -- compare -------------------------------------------------------------------------------------


class _FoldsCompare(_StreamBase[CompareStreamEvent]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reducer = CompareReducer(created=int(time.time()))
        self._observe = self._reducer.feed_all

    def text_of(self, model: str) -> str:
        """``model``'s text so far (``"comparison"``: the synthesis)."""
        return self._reducer.text_of(model)


class CompareStream(_FoldsCompare, _HelperStream[CompareStreamEvent]):
    """A compare stream: iterate it for :class:`CompareStreamEvent` items, or
    ``text_deltas()`` for ``(model, text)`` pairs as each model's answer arrives;
    ``get_final_response()`` gives the whole comparison, shaped like ``compare.create()``'s."""

    def text_deltas(self) -> Iterator[Tuple[str, str]]:
        """``(model, text)`` as each answer arrives (``model == "comparison"``: the synthesis)."""
        return self._picked(compare_delta)

    def get_final_response(self) -> CompareResponse:
        """Read the rest of the stream and return the whole comparison."""
        return self.until_done()._reducer.snapshot()


class AsyncCompareStream(_FoldsCompare, _AsyncHelperStream[CompareStreamEvent]):
    """The async twin of :class:`CompareStream`."""

    def text_deltas(self) -> AsyncIterator[Tuple[str, str]]:
        """``(model, text)`` as each answer arrives (``model == "comparison"``: the synthesis)."""
        return self._picked(compare_delta)

    async def get_final_response(self) -> CompareResponse:
        """Read the rest of the stream and return the whole comparison."""
        return (await self.until_done())._reducer.snapshot()


# -- responses -----------------------------------------------------------------------------------


class _FoldsResponses(_StreamBase[ResponsesStreamEvent]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reducer = ResponsesReducer()
        self._observe = self._reducer.feed_all


class ResponseStream(_FoldsResponses, _HelperStream[ResponsesStreamEvent]):
    """A Responses API stream: iterate it for typed events, or ``text_deltas()`` for the output
    text as it arrives; ``get_final_response()`` gives the whole response."""

    def text_deltas(self) -> Iterator[str]:
        """The output text as it arrives (``response.output_text.delta``)."""
        return self._picked(response_text_delta)

    def get_final_response(self) -> ResponsesResponse:
        """Read the rest of the stream and return the response ``response.completed`` carried."""
        return self.until_done()._reducer.snapshot()


class AsyncResponseStream(_FoldsResponses, _AsyncHelperStream[ResponsesStreamEvent]):
    """The async twin of :class:`ResponseStream`."""

    def text_deltas(self) -> AsyncIterator[str]:
        """The output text as it arrives (``response.output_text.delta``)."""
        return self._picked(response_text_delta)

    async def get_final_response(self) -> ResponsesResponse:
        """Read the rest of the stream and return the response ``response.completed`` carried."""
        return (await self.until_done())._reducer.snapshot()


# -- images --------------------------------------------------------------------------------------


class _FoldsImages(_StreamBase[ImageStreamEvent]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._reducer = ImageReducer(created=int(time.time()))
        self._observe = self._reducer.feed_all

    @property
    def partial_images(self) -> List[str]:
        """The base64 partial images received so far."""
        return list(self._reducer.partials)


class ImageStream(_FoldsImages, _HelperStream[ImageStreamEvent]):
    """An image stream: iterate it for events; ``get_final_image()`` gives the finished images
    as an :class:`ImageGenerationResponse` (what ``images.generate()`` returns)."""

    def get_final_image(self) -> ImageGenerationResponse:
        """Read the rest of the stream and return the final images."""
        return self.until_done()._reducer.result()


class AsyncImageStream(_FoldsImages, _AsyncHelperStream[ImageStreamEvent]):
    """The async twin of :class:`ImageStream`."""

    async def get_final_image(self) -> ImageGenerationResponse:
        """Read the rest of the stream and return the final images."""
        return (await self.until_done())._reducer.result()
