"""Stream reducers: one pure fold per stream kind, shared by the sync and async streams. No I/O.

Rule: a reducer is fed the stream's items in order and can say, at any point, what the whole
answer is so far, shaped like the non-streaming call's answer; the chat reducer also turns each
chunk into typed events. Nothing here reads a socket: ``resources/chat.py``, ``compare.py``,
``responses.py`` and ``images.py`` feed them from their streams.

* :class:`ChatEventReducer`: chat chunks → :class:`ContentDeltaEvent`,
  :class:`RefusalDeltaEvent`, :class:`ToolCallArgumentsDeltaEvent` (the completion itself is
  folded by :class:`meshapi._accumulate.ChatCompletionAccumulator`), then a :class:`DoneEvent`.
* :class:`CompareReducer`: compare events → per-model text and a :class:`CompareResponse`.
* :class:`ResponsesReducer`: Responses API events → the final :class:`ResponsesResponse`.
* :class:`ImageReducer`: image stream events → the final :class:`ImageGenerationResponse`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Union

from ._accumulate import ChatCompletionAccumulator
from ._types import (
    ChatCompletionChunk,
    ChatCompletionResponse,
    CompareResponse,
    CompareStreamEvent,
    ImageGenerationResponse,
    ImageStreamEvent,
    ResponsesResponse,
    ResponsesStreamEvent,
)
from ._types._base import ResponseModel

__all__ = [
    "ChatEventReducer",
    "ChatStreamEvent",
    "CompareReducer",
    "ContentDeltaEvent",
    "DoneEvent",
    "ImageReducer",
    "RefusalDeltaEvent",
    "ResponsesReducer",
    "ToolCallArgumentsDeltaEvent",
    "chunk_text",
    "compare_delta",
    "response_text_delta",
]


# -- chat ----------------------------------------------------------------------------------------


class ContentDeltaEvent(ResponseModel):
    """Text added to a choice's content (``type == "content.delta"``)."""

    type: str = "content.delta"
    choice_index: int = 0
    delta: str


class RefusalDeltaEvent(ResponseModel):
    """Text added to a choice's refusal (``type == "refusal.delta"``)."""

    type: str = "refusal.delta"
    choice_index: int = 0
    delta: str


class ToolCallArgumentsDeltaEvent(ResponseModel):
    """A piece of a tool call's arguments (``type == "tool_calls.function.arguments.delta"``).
    ``index`` is the call's position in the choice's ``tool_calls``, ``name`` its function, ``id``
    its id (made up when the gateway sent none), ``arguments`` everything so far."""

    type: str = "tool_calls.function.arguments.delta"
    choice_index: int = 0
    index: int
    id: Optional[str] = None
    name: str
    arguments_delta: str
    arguments: str


class DoneEvent(ResponseModel):
    """The stream reached ``[DONE]``: ``completion`` is the whole answer (``type == "done"``)."""

    type: str = "done"
    completion: ChatCompletionResponse


ChatStreamEvent = Union[
    ContentDeltaEvent, RefusalDeltaEvent, ToolCallArgumentsDeltaEvent, DoneEvent
]


def chunk_text(chunk: ChatCompletionChunk, choice: int = 0) -> Optional[str]:
    """The text a chunk adds to choice ``choice``, if any."""
    for item in chunk.choices:
        if item.index == choice:
            return item.delta.content or None
    return None


class ChatEventReducer:
    """Folds chat chunks into ``accumulator`` and returns each chunk's typed events."""

    def __init__(self, accumulator: ChatCompletionAccumulator) -> None:
        self.accumulator = accumulator

    def feed(self, chunk: ChatCompletionChunk) -> List[ChatStreamEvent]:
        """Fold ``chunk`` in; the events it makes, in order (text, refusal, then tool-call
        argument pieces)."""
        events: List[ChatStreamEvent] = []
        for choice in chunk.choices:
            delta = choice.delta
            if delta.content:
                events.append(ContentDeltaEvent(choice_index=choice.index, delta=delta.content))
            if delta.refusal:
                events.append(RefusalDeltaEvent(choice_index=choice.index, delta=delta.refusal))
        accumulator = self.accumulator
        accumulator.tool_deltas = []
        try:
            accumulator.add(chunk)
            for choice_index, position, call, piece in accumulator.tool_deltas:
                events.append(
                    ToolCallArgumentsDeltaEvent(
                        choice_index=choice_index,
                        index=position,
                        id=call["id"],
                        name=call["function"]["name"],
                        arguments_delta=piece,
                        arguments=call["function"]["arguments"],
                    )
                )
        finally:
            accumulator.tool_deltas = None
        return events

    def done(self) -> DoneEvent:
        """The closing event, with the whole completion."""
        return DoneEvent(completion=self.accumulator.snapshot())


# -- compare -------------------------------------------------------------------------------------


class CompareReducer:
    """Folds compare stream events: each model's text as it arrives, then the whole comparison
    shaped like ``compare.create()``'s :class:`CompareResponse`."""

    def __init__(self, created: int = 0) -> None:
        # Compare events carry no creation time: the stream gives the time it was opened.
        self.created = created
        self.comparison_id: Optional[str] = None
        self.models: List[str] = []
        self.meta: Dict[str, Any] = {}
        self.texts: Dict[str, List[str]] = {}
        self.results: Dict[str, Dict[str, Any]] = {}
        self.comparison: List[str] = []
        self.done: Dict[str, Any] = {}

    def feed(self, event: CompareStreamEvent) -> Optional[Tuple[str, str]]:
        """Fold one event in; ``(model, text)`` when it added text to a model's answer
        (``model`` is ``"comparison"`` for the synthesis), else ``None``."""
        name, data = event.event, event.data
        if name == "meta":
            self.meta = dict(data)
            self.comparison_id = data.get("comparison_id")
            self.models = list(data.get("models") or [])
            return None
        if name == "model_chunk" and event.model:
            result = self.results.setdefault(event.model, {"model": event.model})
            for key in ("latency_ms", "error", "error_code", "usage"):
                if data.get(key) is not None:
                    result[key] = data[key]
            if event.delta:
                self.texts.setdefault(event.model, []).append(event.delta)
                return event.model, event.delta
            return None
        if name == "model_stream_done" and event.model:
            result = self.results.setdefault(event.model, {"model": event.model})
            for key in ("usage", "error", "error_code", "latency_ms"):
                if data.get(key) is not None:
                    result[key] = data[key]
            return None
        if name == "model_done":
            for item in event.results or ():
                self.results[item.model] = {
                    **self.results.get(item.model, {}),
                    **item.model_dump(exclude_none=True),
                }
            return None
        if name == "comparison_chunk":
            if event.delta:
                self.comparison.append(event.delta)
                return "comparison", event.delta
            return None
        if name == "done":
            self.done = dict(data)
        return None

    def feed_all(self, events: List[CompareStreamEvent]) -> None:
        """Fold events in, in order."""
        for event in events:
            self.feed(event)

    def text_of(self, model: str) -> str:
        """The text of ``model``'s answer so far (``"comparison"``: the synthesis)."""
        if model == "comparison":
            return "".join(self.comparison)
        return "".join(self.texts.get(model, ()))

    def snapshot(self) -> CompareResponse:
        """The comparison so far, as ``compare.create()`` returns it."""
        models = self.models or list(self.results)
        results = []
        for model in models + [m for m in self.results if m not in models]:
            result = dict(self.results.get(model, {"model": model}))
            if "content" not in result and model in self.texts:
                result["content"] = self.text_of(model)
            results.append(result)
        body: Dict[str, Any] = {
            "object": "compare.completion",
            "comparison_id": self.comparison_id or self.done.get("comparison_id") or "",
            "created": self.done.get("created", self.meta.get("created", self.created)),
            "total_latency_ms": self.done.get("total_latency_ms", 0.0),
            "models": models,
            "results": results,
            "comparison": "".join(self.comparison) if self.comparison else None,
            "skip_comparison": self.meta.get("skip_comparison"),
        }
        for key in ("comparison_model", "comparison_fallback_used", "partial"):
            value = self.done.get(key, self.meta.get(key))
            if value is not None:
                body[key] = value
        if "partial" not in body:
            body["partial"] = any(r.get("error") for r in results)
        return CompareResponse.model_validate(body)


def compare_delta(event: CompareStreamEvent) -> Optional[Tuple[str, str]]:
    """``(model, text)`` when a compare event adds text to a model's answer (``"comparison"``
    for the synthesis), else ``None``."""
    if event.event == "model_chunk" and event.model and event.delta:
        return event.model, event.delta
    if event.event == "comparison_chunk" and event.delta:
        return "comparison", event.delta
    return None


def response_text_delta(event: ResponsesStreamEvent) -> Optional[str]:
    """The output text a Responses API event adds, if any."""
    if event.type == "response.output_text.delta" and event.delta:
        return event.delta
    return None


# -- responses -----------------------------------------------------------------------------------


class ResponsesReducer:
    """Folds Responses API events into the final response: the one ``response.completed`` (or
    ``.incomplete`` / ``.failed``) carries, else the latest response seen with the output items
    finished so far."""

    def __init__(self) -> None:
        self.response: Optional[ResponsesResponse] = None
        self.final = False
        self.items: Dict[int, Any] = {}

    def feed(self, event: ResponsesStreamEvent) -> Optional[str]:
        """Fold one event in; the text it added (``response.output_text.delta``), if any."""
        if event.response is not None and not self.final:
            self.response = event.response
            self.final = event.type in {
                "response.completed",
                "response.incomplete",
                "response.failed",
            }
        if event.type == "response.output_item.done" and event.item is not None:
            self.items[event.output_index or len(self.items)] = event.item
        if event.type == "response.output_text.delta" and event.delta:
            return event.delta
        return None

    def feed_all(self, events: List[ResponsesStreamEvent]) -> None:
        """Fold events in, in order."""
        for event in events:
            self.feed(event)

    def snapshot(self) -> ResponsesResponse:
        """The response so far."""
        if self.response is None:
            raise ValueError("no response event has arrived: there is nothing to assemble")
        if self.final or not self.items:
            return self.response
        output = [self.items[i] for i in sorted(self.items)]
        return self.response.model_copy(update={"output": output})


# -- images --------------------------------------------------------------------------------------


class ImageReducer:
    """Folds image stream events into the final :class:`ImageGenerationResponse` (partial images
    are kept apart: ``partials``)."""

    def __init__(self, created: int = 0) -> None:
        self.created = created  # when an event carries no ``created``: the stream's open time
        self.partials: List[str] = []
        self.final: Optional[ImageGenerationResponse] = None

    def feed(self, event: ImageStreamEvent) -> None:
        """Fold one event in."""
        kind = event.type or ""
        if kind.endswith("partial_image") and event.b64_json:
            self.partials.append(event.b64_json)
            return
        completed = event.status == "completed" or kind.endswith(".completed")
        if not completed:
            return
        data = [d.model_dump() for d in event.data or ()]
        if not data and event.b64_json:
            data = [{"b64_json": event.b64_json}]
        created = event.created if event.created is not None else self.created
        body: Dict[str, Any] = {"created": created, "data": data}
        if event.usage is not None:
            body["usage"] = event.usage.model_dump()
        for key in ("size", "quality", "background", "output_format"):
            value = (event.model_extra or {}).get(key)
            if value is not None:
                body[key] = value
        if self.final is not None and data:
            # Several completed events (n > 1 as separate events): keep every image.
            body["data"] = [d.model_dump() for d in self.final.data] + data
        self.final = ImageGenerationResponse.model_validate(body)

    def feed_all(self, events: List[ImageStreamEvent]) -> None:
        """Fold events in, in order."""
        for event in events:
            self.feed(event)

    def result(self) -> ImageGenerationResponse:
        """The final images; ``ValueError`` when no completed event arrived."""
        if self.final is None:
            raise ValueError(
                "the image stream ended without a completed image "
                f"({len(self.partials)} partial image(s) arrived)"
            )
        return self.final
