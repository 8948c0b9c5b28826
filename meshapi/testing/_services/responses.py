"""POST /v1/responses: the Responses API (create and typed event stream).

Rule: the reply comes from the same engine as chat. Reasoning models spend deterministic
reasoning tokens first (they count against ``max_output_tokens``); running out of budget gives
``status: "incomplete"`` with ``incomplete_details.reason = "max_output_tokens"``.

Responses are kept (unless ``store: false``), per gateway and per key owner, the newest 1000:
``previous_response_id`` continues the conversation of a kept response (its input and output,
not its ``instructions``, as in OpenAI's API), and ``GET /v1/responses/{id}`` returns one. An
unknown id, or another owner's, is 404 ``not_found``. ``GET /v1/responses`` lists them, newest
first, with a cursor (``after``, ``limit``). A ``background: true`` response is answered at once
as ``in_progress`` (no output) and reads ``completed`` after
``GatewayOptions.responses_background_seconds``; it cannot be streamed nor have ``store: false``.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from typing import (
    Annotated,
    Any,
    AsyncIterator,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

import pydantic

from .._core.billing import format_cost, model_cost
from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.validation import validate_body
from .._engines import text as _engine
from .._engines.router import prompt_of
from .._formats.audio import audio_seconds, decode_base64
from .._formats.sse import SSEEvent
from .chat import apply_limits, resolve_model
from .router import AUTO, auto_select
from .templates import render_template

__all__ = [
    "ResponseStore",
    "ResponsesRequest",
    "build_result",
    "events",
    "list_responses",
    "retrieve",
]

_MAX_KEPT = 1000


class _Model(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")


class ReasoningOptions(_Model):
    effort: Optional[Literal["none", "minimal", "low", "medium", "high"]] = None
    summary: Optional[Literal["auto", "concise", "detailed"]] = None


class InputText(_Model):
    type: Literal["input_text", "text"]
    text: str


class OutputText(_Model):
    type: Literal["output_text"]
    text: str


class Refusal(_Model):
    type: Literal["refusal"]
    refusal: str = ""


class InputImage(_Model):
    type: Literal["input_image"]
    image_url: Optional[str] = None
    file_id: Optional[str] = None
    detail: Optional[str] = None


class InputAudioData(_Model):
    data: str
    format: str = "wav"


class InputAudioPart(_Model):
    type: Literal["input_audio"]
    input_audio: InputAudioData


class InputFile(_Model):
    type: Literal["input_file"]


ContentPart = Annotated[
    Union[InputText, OutputText, Refusal, InputImage, InputAudioPart, InputFile],
    pydantic.Field(discriminator="type"),
]


class MessageItem(_Model):
    type: Literal["message"] = "message"
    role: Literal["user", "assistant", "system", "developer"]
    content: Union[str, List[ContentPart]]


class FunctionCallItem(_Model):
    type: Literal["function_call"]
    call_id: str = pydantic.Field(min_length=1)
    name: str = pydantic.Field(min_length=1)
    arguments: str = ""


class FunctionCallOutputItem(_Model):
    type: Literal["function_call_output"]
    call_id: str = pydantic.Field(min_length=1)
    output: Union[str, List[Any], Dict[str, Any]] = ""


class OpaqueItem(_Model):
    type: Literal["reasoning", "item_reference"]


# A message item may omit "type"; it is filled in before validation (see ResponsesRequest) so a
# plain field discriminator works on every pydantic 2 release.
InputItem = Annotated[
    Union[MessageItem, FunctionCallItem, FunctionCallOutputItem, OpaqueItem],
    pydantic.Field(discriminator="type"),
]


class ResponsesRequest(_Model):
    """The Responses API body."""

    model: Optional[str] = None
    models: Optional[List[str]] = None
    input: Union[str, Annotated[List[InputItem], pydantic.Field(min_length=1)]]
    instructions: Optional[str] = None
    reasoning: Optional[ReasoningOptions] = None
    max_output_tokens: Optional[int] = pydantic.Field(default=None, ge=1)
    tools: Optional[List[Dict[str, Any]]] = None
    tool_choice: Optional[Union[Literal["none", "auto", "required"], Dict[str, Any]]] = None
    parallel_tool_calls: Optional[bool] = None
    response_format: Optional[Dict[str, Any]] = None
    text: Optional[Dict[str, Any]] = None
    temperature: Optional[float] = pydantic.Field(default=None, ge=0, le=2)
    top_p: Optional[float] = pydantic.Field(default=None, ge=0, le=1)
    seed: Optional[int] = None
    stream: bool = False
    store: Optional[bool] = None
    background: Optional[bool] = None
    metadata: Optional[Dict[str, Any]] = None
    previous_response_id: Optional[str] = None
    user: Optional[str] = pydantic.Field(default=None, max_length=256)
    timeout: Optional[float] = pydantic.Field(default=None, gt=0)
    max_tool_calls: Optional[int] = pydantic.Field(default=None, ge=1, le=10)

    @pydantic.field_validator("input", mode="before")
    @classmethod
    def _default_item_type(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [
                {**item, "type": "message"}
                if isinstance(item, dict) and "type" not in item
                else item
                for item in value
            ]
        return value


def _invalid(loc: List[Any], message: str) -> GatewayError:
    return GatewayError(
        422,
        "validation_error",
        message,
        details=[validation_detail(["body", *loc], message, "value_error")],
    )


def _turns(
    request: ResponsesRequest, history: Sequence[_engine.Turn] = ()
) -> tuple[List[_engine.Turn], int]:
    """Engine turns and prompt tokens for ``instructions`` + the earlier turns + ``input``."""
    turns: List[_engine.Turn] = []
    tokens = 3
    if request.instructions:
        turns.append(_engine.Turn(role="system", text=request.instructions))
        tokens += 4 + _engine.count_tokens(request.instructions)
    for turn in history:
        turns.append(turn)
        tokens += 4 + _engine.count_tokens(turn.text)
        tokens += sum(_engine.count_tokens(c["name"] + c["arguments"]) for c in turn.tool_calls)
    if isinstance(request.input, str):
        turns.append(_engine.Turn(role="user", text=request.input))
        return turns, tokens + 4 + _engine.count_tokens(request.input)
    for index, item in enumerate(request.input):
        if isinstance(item, MessageItem):
            texts: List[str] = []
            attachments: List[_engine.Attachment] = []
            parts = (
                [InputText(type="input_text", text=item.content)]
                if isinstance(item.content, str)
                else item.content
            )
            for p_index, part in enumerate(parts):
                if isinstance(part, (InputText, OutputText)):
                    texts.append(part.text)
                elif isinstance(part, InputImage):
                    where = part.image_url or part.file_id or ""
                    attachments.append(_engine.Attachment("image", where[:60]))
                    tokens += 85
                elif isinstance(part, InputAudioPart):
                    raw = decode_base64(part.input_audio.data)
                    if raw is None:
                        raise _invalid(
                            ["input", index, "content", p_index, "input_audio", "data"],
                            "input_audio.data is not valid base64",
                        )
                    fmt = part.input_audio.format
                    attachments.append(_engine.Attachment("audio", fmt, audio_seconds(raw, fmt)))
                elif isinstance(part, InputFile):
                    attachments.append(_engine.Attachment("file"))
                    tokens += 50
            text = "\n".join(texts)
            tokens += 4 + _engine.count_tokens(text)
            turns.append(_engine.Turn(role=item.role, text=text, attachments=attachments))
        elif isinstance(item, FunctionCallItem):
            call = {"id": item.call_id, "name": item.name, "arguments": item.arguments}
            tokens += _engine.count_tokens(call["name"] + call["arguments"]) + 3
            if turns and turns[-1].role == "assistant" and turns[-1].tool_calls:
                turns[-1].tool_calls.append(call)
            else:
                turns.append(_engine.Turn(role="assistant", tool_calls=[call]))
        elif isinstance(item, FunctionCallOutputItem):
            output = item.output if isinstance(item.output, str) else json.dumps(item.output)
            tokens += 4 + _engine.count_tokens(output)
            turns.append(_engine.Turn(role="tool", text=output, tool_call_id=item.call_id))
        # Reasoning items and item references carry nothing the local engine reads.
    return turns, tokens


def _tools(request: ResponsesRequest) -> List[_engine.ToolSpec]:
    specs: List[_engine.ToolSpec] = []
    for index, tool in enumerate(request.tools or []):
        if tool.get("type") == "function":
            name = tool.get("name")
            if not isinstance(name, str) or not name:
                raise _invalid(["tools", index, "name"], "function tools need a name")
            params = tool.get("parameters")
            specs.append(
                _engine.ToolSpec(
                    name=name,
                    description=str(tool.get("description") or ""),
                    parameters=params if isinstance(params, dict) else {},
                )
            )
        elif not isinstance(tool.get("type"), str):
            raise _invalid(["tools", index, "type"], "each tool needs a type")
        # Built-in tools (web_search, file_search, ...) are accepted; the local engine never
        # calls them, which is a valid model behaviour.
    return specs


def _format(request: ResponsesRequest) -> Dict[str, Any]:
    fmt = (request.text or {}).get("format") or request.response_format or {"type": "text"}
    kind = fmt.get("type") if isinstance(fmt, dict) else None
    if kind not in ("text", "json_object", "json_schema"):
        raise _invalid(["text", "format"], "format type must be text, json_object or json_schema")
    return fmt


def _model_name(gateway: Gateway, request: ResponsesRequest) -> Optional[str]:
    """The model asked for; ``"auto"`` is resolved by the auto router from the input."""
    if request.model != AUTO:
        return request.model
    if isinstance(request.input, str):
        prompt = prompt_of([{"content": request.input}])
    else:
        prompt = prompt_of([item.model_dump() for item in request.input])
    return auto_select(gateway, prompt, "responses").model


class ResponseStore:
    """The responses one gateway keeps: id -> (owner, conversation so far, the result)."""

    def __init__(self, gateway: Gateway) -> None:
        self._lock = threading.Lock()
        self._kept: OrderedDict[str, Tuple[str, List[_engine.Turn], _Result]] = OrderedDict()

    def keep(self, owner: str, turns: List[_engine.Turn], result: _Result) -> None:
        with self._lock:
            self._kept[result.id] = (owner, turns, result)
            while len(self._kept) > _MAX_KEPT:
                self._kept.popitem(last=False)

    def page(self, owner: str, after: Optional[str], limit: int) -> Dict[str, Any]:
        """``GET /v1/responses``: the owner's kept responses, newest first, ``limit`` after the
        one with id ``after``."""
        with self._lock:
            mine = [r for o, _, r in reversed(self._kept.values()) if o == owner]
        start = 0
        if after is not None:
            ids = [r.id for r in mine]
            if after not in ids:
                raise GatewayError(
                    400, "invalid_request", f"after={after!r} names no response of this key."
                )
            start = ids.index(after) + 1
        chosen = mine[start : start + limit]
        data = [r.list_item() for r in chosen]
        return {
            "object": "list",
            "data": data,
            "has_more": start + limit < len(mine),
            "first_id": data[0]["id"] if data else None,
            "last_id": data[-1]["id"] if data else None,
        }

    def find(self, response_id: str, owner: str) -> Tuple[List[_engine.Turn], _Result]:
        """The conversation and result of a kept response; 404 when unknown or not the owner's."""
        with self._lock:
            entry = self._kept.get(response_id)
        if entry is None or entry[0] != owner:
            raise GatewayError(404, "not_found", f"Response with id '{response_id}' not found.")
        return entry[1], entry[2]


def retrieve(gateway: Gateway, response_id: str, key: KeyRecord) -> Dict[str, Any]:
    """``GET /v1/responses/{id}``: a kept response, as it was answered (a background one is
    ``in_progress`` until its time has come)."""
    return gateway.part(ResponseStore).find(response_id, key.owner)[1].response()


def list_responses(
    gateway: Gateway, key: KeyRecord, *, after: Optional[str], limit: int
) -> Dict[str, Any]:
    """``GET /v1/responses``: one page of the key owner's kept responses, newest first."""
    return gateway.part(ResponseStore).page(key.owner, after, limit)


class _Result:
    """Everything the response object and the event stream are built from."""

    def __init__(self, gateway: Gateway, request: ResponsesRequest, key: KeyRecord) -> None:
        history: List[_engine.Turn] = []
        if request.previous_response_id:
            history = list(
                gateway.part(ResponseStore).find(request.previous_response_id, key.owner)[0]
            )
        model, attempts, fallback = resolve_model(
            gateway, _model_name(gateway, request), request.models, purpose="responses"
        )
        self.model = model
        self.routing = {
            "X-Mesh-Routing-Model": model["id"],
            "X-Mesh-Routing-Attempts": str(attempts),
        }
        if fallback:
            self.routing["X-Mesh-Routing-Fallback"] = "true"
        self.request = request
        thinking = bool(model.get("supports_thinking"))
        is_reasoning = model.get("model_type") == "reasoning"
        if (
            request.reasoning is not None
            and request.reasoning.effort not in {None, "none"}
            and not thinking
        ):
            raise GatewayError(
                400, "invalid_request", f"Model {model['id']!r} does not support reasoning."
            )
        self.turns, self.input_tokens = _turns(request, history)
        tools = _tools(request)
        for tool in tools:
            self.input_tokens += _engine.count_tokens(
                tool.name + tool.description + str(tool.parameters)
            )
        fmt = _format(request)
        effort = request.reasoning.effort if request.reasoning else None
        reasons = is_reasoning or (thinking and request.reasoning is not None and effort != "none")
        self.effort = (effort or "medium") if reasons else None
        self.reasoning_tokens = (
            _engine.reasoning_tokens_for(self.effort, self.input_tokens) if reasons else 0
        )
        want_summary = bool(request.reasoning and request.reasoning.summary)
        prompt = next((t.text for t in reversed(self.turns) if t.role == "user"), "")
        self.summary = (
            _engine.reasoning_summary(prompt, self.effort) if reasons and want_summary else None
        )
        tool_choice: Any = request.tool_choice
        if isinstance(tool_choice, dict):
            tool_choice = {"name": tool_choice.get("name")}
            if tool_choice["name"] not in {t.name for t in tools}:
                raise GatewayError(
                    400,
                    "invalid_request",
                    "tool_choice names a function that is not among the tools.",
                )
        reply = _engine.generate_reply(
            _engine.ReplyRequest(
                turns=self.turns,
                model=model["id"],
                tools=tools,
                tool_choice=tool_choice,
                parallel_tool_calls=request.parallel_tool_calls is not False,
                seed=request.seed,
                temperature=request.temperature,
                top_p=request.top_p,
                json_schema=fmt.get("schema") if fmt["type"] == "json_schema" else None,
                json_mode=fmt["type"] == "json_object",
            )
        )
        self.format = fmt
        budget = request.max_output_tokens
        self.incomplete = False
        self.text: Optional[str] = None
        self.calls = reply.tool_calls
        if budget is not None and self.reasoning_tokens >= budget:
            self.reasoning_tokens = budget
            self.incomplete = True
            self.calls = []
            self.output_tokens = budget
        elif self.calls:
            used = sum(_engine.count_tokens(c["name"] + c["arguments"]) + 3 for c in self.calls)
            self.output_tokens = self.reasoning_tokens + used
        else:
            remaining = None if budget is None else budget - self.reasoning_tokens
            text, finish, used = apply_limits(reply.text or "", [], remaining)
            self.text = text
            self.incomplete = finish == "length"
            self.output_tokens = self.reasoning_tokens + used
        self.id = "resp_" + gateway.new_id("x")[2:]
        self.message_id = "msg_" + gateway.new_id("x")[2:]
        self.reasoning_id = "rs_" + gateway.new_id("x")[2:]
        self.call_item_ids = ["fc_" + gateway.new_id("x")[2:] for _ in self.calls]
        self.created = int(time.time())
        self.background = bool(request.background)
        self.ready_at = time.time() + (
            gateway.config.options.responses_background_seconds if self.background else 0.0
        )
        cost = model_cost(model, self.input_tokens, self.output_tokens)
        gateway.charge(key, cost)
        self.cost = format_cost(cost)
        if request.store is not False:
            said = _engine.Turn(role="assistant", text=self.text or "", tool_calls=list(self.calls))
            conversation = [t for t in self.turns if t.role not in ("system", "developer")]
            gateway.part(ResponseStore).keep(key.owner, [*conversation, said], self)

    # -- items ---------------------------------------------------------------------------------

    def reasoning_item(self) -> Optional[Dict[str, Any]]:
        if self.effort is None:
            return None
        summary = [{"type": "summary_text", "text": self.summary}] if self.summary else []
        return {"id": self.reasoning_id, "type": "reasoning", "summary": summary}

    def text_part(self, text: Optional[str] = None) -> Dict[str, Any]:
        return {
            "type": "output_text",
            "text": self.text if text is None else text,
            "annotations": [],
            "logprobs": [],
        }

    def message_item(self, done: bool = True) -> Optional[Dict[str, Any]]:
        if self.text is None:
            return None
        status = ("incomplete" if self.incomplete else "completed") if done else "in_progress"
        return {
            "id": self.message_id,
            "type": "message",
            "status": status,
            "role": "assistant",
            "content": [self.text_part()] if done else [],
        }

    def call_items(self, done: bool = True) -> List[Dict[str, Any]]:
        return [
            {
                "id": item_id,
                "type": "function_call",
                "status": "completed" if done else "in_progress",
                "call_id": call["id"],
                "name": call["name"],
                "arguments": call["arguments"] if done else "",
            }
            for item_id, call in zip(self.call_item_ids, self.calls)
        ]

    def output(self) -> List[Dict[str, Any]]:
        items: List[Dict[str, Any]] = []
        reasoning = self.reasoning_item()
        if reasoning is not None:
            items.append(reasoning)
        message = self.message_item()
        if message is not None:
            items.append(message)
        items.extend(self.call_items())
        return items

    def done(self) -> bool:
        """Whether the response is finished (a background one only once its time has come)."""
        return time.time() >= self.ready_at

    def list_item(self) -> Dict[str, Any]:
        """This response as an item of ``GET /v1/responses``."""
        done = self.done()
        return {
            "id": self.id,
            "object": "response",
            "model": self.model["id"],
            "provider": str(self.model.get("provider") or self.model["id"].split("/", 1)[0]),
            "status": self.response(final=done)["status"],
            "created_at": self.created,
            "completed_at": int(self.ready_at) if done else None,
            "usage_synced": done,
            "background": self.background,
        }

    def response(self, final: bool = True) -> Dict[str, Any]:
        request = self.request
        final = final and self.done()
        status = ("incomplete" if self.incomplete else "completed") if final else "in_progress"
        body: Dict[str, Any] = {
            "id": self.id,
            "object": "response",
            "created_at": self.created,
            "status": status,
            "error": None,
            "incomplete_details": {"reason": "max_output_tokens"}
            if final and self.incomplete
            else None,
            "instructions": request.instructions,
            "max_output_tokens": request.max_output_tokens,
            "model": self.model["id"],
            "output": self.output() if final else [],
            "parallel_tool_calls": request.parallel_tool_calls is not False,
            "previous_response_id": request.previous_response_id,
            "reasoning": {
                "effort": self.effort,
                "summary": request.reasoning.summary if request.reasoning else None,
            },
            "store": request.store is not False,
            "background": self.background,
            "temperature": request.temperature if request.temperature is not None else 1.0,
            "text": {"format": self.format},
            "tool_choice": request.tool_choice or "auto",
            "tools": request.tools or [],
            "top_p": request.top_p if request.top_p is not None else 1.0,
            "metadata": request.metadata or {},
            "usage": None,
        }
        if final:
            body["output_text"] = self.text or ""
            body["usage"] = {
                "input_tokens": self.input_tokens,
                "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
                "output_tokens": self.output_tokens,
                "output_tokens_details": {"reasoning_tokens": self.reasoning_tokens},
                "total_tokens": self.input_tokens + self.output_tokens,
            }
            body["cost"] = self.cost
        return body


def build_result(gateway: Gateway, body: Mapping[str, Any], key: KeyRecord) -> _Result:
    """Render the template, validate and generate."""
    rendered = render_template(gateway, body, key)
    request = validate_body(ResponsesRequest, rendered)
    if request.background and request.stream:
        raise GatewayError(
            400, "invalid_request", "A background response cannot be streamed: poll GET by id."
        )
    if request.background and request.store is False:
        raise GatewayError(
            400, "invalid_request", "A background response must be stored: drop store=false."
        )
    return _Result(gateway, request, key)


async def events(result: _Result) -> AsyncIterator[SSEEvent]:
    sequence = 0

    def event(kind: str, **fields: Any) -> SSEEvent:
        nonlocal sequence
        payload = {"type": kind, "sequence_number": sequence, **fields}
        sequence += 1
        return kind, payload

    yield event("response.created", response=result.response(final=False))
    yield event("response.in_progress", response=result.response(final=False))
    index = 0
    reasoning = result.reasoning_item()
    if reasoning is not None:
        rid = reasoning["id"]
        yield event(
            "response.output_item.added", output_index=index, item={**reasoning, "summary": []}
        )
        if result.summary:
            part = {"type": "summary_text", "text": ""}
            yield event(
                "response.reasoning_summary_part.added",
                item_id=rid,
                output_index=index,
                summary_index=0,
                part=part,
            )
            for piece in _engine.tokenize(result.summary):
                yield event(
                    "response.reasoning_summary_text.delta",
                    item_id=rid,
                    output_index=index,
                    summary_index=0,
                    delta=piece,
                )
            yield event(
                "response.reasoning_summary_text.done",
                item_id=rid,
                output_index=index,
                summary_index=0,
                text=result.summary,
            )
            yield event(
                "response.reasoning_summary_part.done",
                item_id=rid,
                output_index=index,
                summary_index=0,
                part={"type": "summary_text", "text": result.summary},
            )
        yield event("response.output_item.done", output_index=index, item=reasoning)
        index += 1
    message = result.message_item(done=False)
    if message is not None:
        mid = message["id"]
        yield event("response.output_item.added", output_index=index, item=message)
        yield event(
            "response.content_part.added",
            item_id=mid,
            output_index=index,
            content_index=0,
            part=result.text_part(""),
        )
        for piece in _engine.tokenize(result.text or ""):
            yield event(
                "response.output_text.delta",
                item_id=mid,
                output_index=index,
                content_index=0,
                delta=piece,
                logprobs=[],
            )
        yield event(
            "response.output_text.done",
            item_id=mid,
            output_index=index,
            content_index=0,
            text=result.text,
            logprobs=[],
        )
        yield event(
            "response.content_part.done",
            item_id=mid,
            output_index=index,
            content_index=0,
            part=result.text_part(),
        )
        yield event("response.output_item.done", output_index=index, item=result.message_item())
        index += 1
    for pending, item in zip(result.call_items(done=False), result.call_items()):
        yield event("response.output_item.added", output_index=index, item=pending)
        for piece in _engine.tokenize(item["arguments"]):
            yield event(
                "response.function_call_arguments.delta",
                item_id=item["id"],
                output_index=index,
                delta=piece,
            )
        yield event(
            "response.function_call_arguments.done",
            item_id=item["id"],
            output_index=index,
            arguments=item["arguments"],
        )
        yield event("response.output_item.done", output_index=index, item=item)
        index += 1
    final = "response.incomplete" if result.incomplete else "response.completed"
    yield event(final, response=result.response())
