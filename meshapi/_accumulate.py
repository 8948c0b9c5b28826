"""Stream accumulation: chat completion chunks in, one ``ChatCompletionResponse`` out. No I/O.

Rule: the result is what the non-streaming call would have returned for the same answer.
Content, refusal and reasoning text are concatenated per choice; tool-call pieces are joined by
their ``index`` (the first piece brings ``id``, ``type`` and the function ``name``; ``arguments``
arrive in fragments); the last ``finish_reason`` of a choice wins; ``usage`` and ``cost`` come
from whichever chunk carries them (the final one, with ``choices == []``).

The sync and async chat streams both feed one :class:`ChatCompletionAccumulator`.
"""

from __future__ import annotations

from typing import Any, Dict, Iterable, List, Optional

from ._types import ChatCompletionChunk, ChatCompletionResponse, ChoiceDelta

__all__ = ["ChatCompletionAccumulator"]

_TEXT_ONLY = frozenset({"content"})


class _Choice:
    __slots__ = ("content", "finish_reason", "reasoning", "refusal", "role", "tool_calls")

    def __init__(self) -> None:
        self.role: Optional[str] = None
        self.content: List[str] = []
        self.refusal: List[str] = []
        self.reasoning: List[str] = []
        self.finish_reason: Optional[str] = None
        self.tool_calls: Dict[int, Dict[str, Any]] = {}


class ChatCompletionAccumulator:
    """Feed it every chunk with :meth:`add`; :meth:`snapshot` returns the completion so far."""

    __slots__ = ("_choices", "_chunks", "_cost", "_created", "_id", "_model", "_usage")

    def __init__(self) -> None:
        self._choices: Dict[int, _Choice] = {}
        self._id: Optional[str] = None
        self._model: Optional[str] = None
        self._created: Optional[int] = None
        self._usage: Any = None
        self._cost: Optional[str] = None
        self._chunks = 0

    @property
    def chunks(self) -> int:
        """How many chunks were added."""
        return self._chunks

    def add(self, chunk: ChatCompletionChunk) -> None:
        """Fold one chunk in."""
        self.extend((chunk,))

    def extend(self, chunks: Iterable[ChatCompletionChunk]) -> None:
        """Fold chunks in, in order.

        This runs for every streamed chunk, so the common chunk (one choice, some text) takes a
        short path that reads the models' field values from their ``__dict__`` (where pydantic
        keeps them: half the cost of attribute access) and asks pydantic's own bookkeeping which
        fields the frame carried; anything else goes through :meth:`_fold_all_but_text`.
        """
        states = self._choices
        for chunk in chunks:
            self._chunks += 1
            fields = chunk.__dict__
            if self._id is None:
                self._id = chunk.id
                self._model = chunk.model
                self._created = chunk.created
            if fields["usage"] is not None:
                self._usage = chunk.usage
            if fields["cost"] is not None:
                self._cost = chunk.cost
            for choice in fields["choices"]:
                values = choice.__dict__
                index = values["index"]
                state = states.get(index)
                if state is None:
                    state = states[index] = _Choice()
                delta = values["delta"]
                content = delta.__dict__["content"]
                if content:
                    state.content.append(content)
                finish = values["finish_reason"]
                if finish is not None or not delta.__pydantic_fields_set__ <= _TEXT_ONLY:
                    self._fold_all_but_text(state, finish, delta)

    @staticmethod
    def _fold_all_but_text(
        state: _Choice, finish_reason: Optional[str], delta: ChoiceDelta
    ) -> None:
        """Role, refusal, reasoning, tool-call pieces and the finish reason of one delta."""
        if delta.role:
            state.role = delta.role
        if delta.refusal:
            state.refusal.append(delta.refusal)
        reasoning = delta.reasoning or delta.reasoning_content
        if reasoning:
            state.reasoning.append(reasoning)
        for piece in delta.tool_calls or ():
            call = state.tool_calls.get(piece.index)
            if call is None:
                call = state.tool_calls[piece.index] = {
                    "id": None,
                    "type": "function",
                    "function": {"name": "", "arguments": ""},
                }
            if piece.id:
                call["id"] = piece.id
            if piece.type:
                call["type"] = piece.type
            fn = piece.function
            if fn is not None:
                if fn.name:
                    call["function"]["name"] += fn.name
                if fn.arguments:
                    call["function"]["arguments"] += fn.arguments
        if finish_reason is not None:
            state.finish_reason = finish_reason

    def snapshot(self) -> ChatCompletionResponse:
        """The completion assembled from the chunks added so far."""
        if self._id is None:
            raise ValueError("no chunk has been added: there is nothing to assemble")
        choices = []
        for index in sorted(self._choices):
            state = self._choices[index]
            message: Dict[str, Any] = {
                "role": state.role or "assistant",
                "content": "".join(state.content) if state.content else None,
            }
            if state.refusal:
                message["refusal"] = "".join(state.refusal)
            if state.reasoning:
                message["reasoning"] = "".join(state.reasoning)
            if state.tool_calls:
                message["tool_calls"] = [state.tool_calls[i] for i in sorted(state.tool_calls)]
            choices.append(
                {"index": index, "message": message, "finish_reason": state.finish_reason}
            )
        return ChatCompletionResponse.model_validate(
            {
                "id": self._id,
                "object": "chat.completion",
                "created": self._created,
                "model": self._model,
                "choices": choices,
                "usage": self._usage,
                "cost": self._cost,
            }
        )
