"""Stream accumulation: chat completion chunks in, one ``ChatCompletionResponse`` out. No I/O.

Rule: the result is what the non-streaming call would have returned for the same answer.
Content, refusal and reasoning text are concatenated per choice; tool-call pieces are joined by
their ``index`` (the first piece brings ``id``, ``type`` and the function ``name``; ``arguments``
arrive in fragments), coping with gateways that leave the index out, number the arguments apart
from the name or send no id (a deterministic one is made up, so tool results can be paired:
see :meth:`ChatCompletionAccumulator._call_of`); the last ``finish_reason`` of a choice wins;
``usage`` and ``cost`` come from whichever chunk carries them (the final one, with
``choices == []``).

The sync and async chat streams both feed one :class:`ChatCompletionAccumulator`.
"""

from __future__ import annotations

import hashlib
from typing import Any, Dict, Iterable, List, Optional, Tuple

from ._types import ChatCompletionChunk, ChatCompletionResponse, ChoiceDelta, ChoiceDeltaToolCall

__all__ = ["ChatCompletionAccumulator", "made_up_call_id"]

_TEXT_ONLY = frozenset({"content"})


class _Choice:
    __slots__ = (
        "by_id",
        "by_wire_index",
        "content",
        "finish_reason",
        "last_call",
        "reasoning",
        "refusal",
        "role",
        "tool_calls",
    )

    def __init__(self) -> None:
        self.role: Optional[str] = None
        self.content: List[str] = []
        self.refusal: List[str] = []
        self.reasoning: List[str] = []
        self.finish_reason: Optional[str] = None
        # Tool calls by position (the order they started in); how the gateway's pieces find
        # their call: by id, by the gateway's own index, else the call still open (last_call).
        self.tool_calls: Dict[int, Dict[str, Any]] = {}
        self.by_id: Dict[str, int] = {}
        self.by_wire_index: Dict[int, int] = {}
        self.last_call: Optional[int] = None


def made_up_call_id(completion_id: Optional[str], choice: int, position: int) -> str:
    """A deterministic id for a tool call the gateway sent without one, so that the tool's
    result can be paired with it (the same stream always gives the same id)."""
    seed = f"{completion_id}:{choice}:{position}".encode()
    return "call_" + hashlib.sha256(seed).hexdigest()[:24]


class ChatCompletionAccumulator:
    """Feed it every chunk with :meth:`add`; :meth:`snapshot` returns the completion so far."""

    __slots__ = (
        "_choices",
        "_chunks",
        "_cost",
        "_created",
        "_id",
        "_model",
        "_usage",
        "tool_deltas",
    )

    def __init__(self) -> None:
        self._choices: Dict[int, _Choice] = {}
        self._id: Optional[str] = None
        self._model: Optional[str] = None
        self._created: Optional[int] = None
        self._usage: Any = None
        self._cost: Optional[str] = None
        self._chunks = 0
        # Set to a list to have every tool-call arguments piece recorded there as
        # ``(choice index, call position, call, arguments piece)`` (the typed-events reducer).
        self.tool_deltas: Optional[List[Tuple[int, int, Dict[str, Any], str]]] = None

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
                    self._fold_all_but_text(state, index, finish, delta)

    def _fold_all_but_text(
        self, state: _Choice, choice_index: int, finish_reason: Optional[str], delta: ChoiceDelta
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
            position, call = self._call_of(state, choice_index, piece)
            if piece.id and call["id"] != piece.id:
                call["id"] = piece.id
                state.by_id[piece.id] = position
            if piece.type:
                call["type"] = piece.type
            fn = piece.function
            if fn is not None:
                name = call["function"]["name"]
                if fn.name and fn.name != name:  # some gateways repeat the name on every piece
                    call["function"]["name"] = name + fn.name
                if fn.arguments:
                    call["function"]["arguments"] += fn.arguments
                    if self.tool_deltas is not None:
                        self.tool_deltas.append((choice_index, position, call, fn.arguments))
        if finish_reason is not None:
            state.finish_reason = finish_reason

    def _call_of(
        self, state: _Choice, choice_index: int, piece: ChoiceDeltaToolCall
    ) -> Tuple[int, Dict[str, Any]]:
        """The call a tool-call piece belongs to, made when the piece starts one.

        As gateways send them: a piece with a known ``id`` joins that call; one with an ``index``
        already seen joins the call that index started; one with a new ``id`` or a ``name``
        starts a call; one with only arguments (no ``index``, or an ``index`` never seen: some
        gateways number the arguments apart from the name) joins the call still open.
        """
        has_index = "index" in piece.model_fields_set
        fn = piece.function
        position: Optional[int] = None
        if piece.id and piece.id in state.by_id:
            position = state.by_id[piece.id]
        elif has_index and piece.index in state.by_wire_index:
            position = state.by_wire_index[piece.index]
        elif not piece.id and not (fn is not None and fn.name):
            position = state.last_call
        if position is None:
            position = len(state.tool_calls)
            state.tool_calls[position] = {
                "id": piece.id or made_up_call_id(self._id, choice_index, position),
                "type": "function",
                "function": {"name": "", "arguments": ""},
            }
            if piece.id:
                state.by_id[piece.id] = position
        if has_index:
            state.by_wire_index.setdefault(piece.index, position)
        state.last_call = position
        return position, state.tool_calls[position]

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
