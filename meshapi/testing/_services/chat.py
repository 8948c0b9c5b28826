"""POST /v1/chat/completions: validation, model routing, completion objects and chunks.

Rule: :func:`plan_chat` does every check that can fail (body, template, model, capabilities)
before anything is generated, so a stream never starts for a request that is going to be
rejected; :func:`complete` and :func:`stream_chunks` only render an already valid plan.
"""

from __future__ import annotations

import base64
import dataclasses
import time
from typing import (
    Annotated,
    Any,
    AsyncIterator,
    Dict,
    List,
    Literal,
    Mapping,
    Optional,
    Union,
)

import pydantic

from .._core.billing import format_cost, model_cost
from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.validation import validate_body
from .._engines import text as _engine
from .._engines.audio import synthesize_pcm16
from .._engines.images import render_image
from .._engines.router import prompt_of
from .._formats.audio import audio_seconds, decode_base64, wav_bytes
from .router import AUTO, auto_select
from .templates import render_template

__all__ = [
    "ChatPlan",
    "ChatRequest",
    "chat_completion",
    "chat_completion_chunks",
    "complete",
    "plan_chat",
    "stream_chunks",
]

_FINGERPRINT = "fp_meshapi_local"

# --------------------------------------------------------------------------------------------
# Request schema (extra fields are accepted: production adds fields over time)


class _Model(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="allow")


class TextPart(_Model):
    type: Literal["text"]
    text: str


class ImageUrl(_Model):
    url: str = pydantic.Field(min_length=1)
    detail: Optional[str] = None


class ImagePart(_Model):
    type: Literal["image_url"]
    image_url: ImageUrl


class InputAudio(_Model):
    data: Optional[str] = pydantic.Field(default=None, min_length=1)
    uri: Optional[str] = pydantic.Field(default=None, min_length=1)
    url: Optional[str] = pydantic.Field(default=None, min_length=1)
    format: str = "wav"

    @pydantic.model_validator(mode="after")
    def _one_source(self) -> InputAudio:
        if sum(v is not None for v in (self.data, self.uri, self.url)) != 1:
            raise ValueError("input_audio needs exactly one of 'data' (base64), 'uri' or 'url'")
        return self


class AudioPart(_Model):
    type: Literal["input_audio"]
    input_audio: InputAudio


class VideoUrl(_Model):
    url: str = pydantic.Field(min_length=1)


class VideoPart(_Model):
    type: Literal["video_url"]
    video_url: VideoUrl
    fps: Optional[str] = None


class FilePart(_Model):
    type: Literal["file"]
    file: Dict[str, Any]


ContentPart = Annotated[
    Union[TextPart, ImagePart, AudioPart, VideoPart, FilePart], pydantic.Field(discriminator="type")
]


class FunctionCall(_Model):
    name: str
    arguments: str = ""


class ToolCallIn(_Model):
    id: str
    type: Literal["function"] = "function"
    function: FunctionCall


class ChatMessageIn(_Model):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: Optional[Union[str, List[ContentPart]]] = None
    name: Optional[str] = None
    tool_calls: Optional[List[ToolCallIn]] = None
    tool_call_id: Optional[str] = None

    @pydantic.model_validator(mode="after")
    def _check_role_fields(self) -> ChatMessageIn:
        if self.role == "tool" and not self.tool_call_id:
            raise ValueError("a 'tool' message needs 'tool_call_id'")
        if self.role in {"system", "developer", "user"} and self.content is None:
            raise ValueError(f"a '{self.role}' message needs 'content'")
        if self.role == "assistant" and self.content is None and not self.tool_calls:
            raise ValueError("an 'assistant' message needs 'content' or 'tool_calls'")
        return self


class FunctionDef(_Model):
    name: str = pydantic.Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")
    description: Optional[str] = None
    parameters: Dict[str, Any] = pydantic.Field(
        default_factory=lambda: {"type": "object", "properties": {}}
    )
    strict: Optional[bool] = None


class ToolIn(_Model):
    type: Literal["function"] = "function"
    function: FunctionDef


class ToolChoiceFunction(_Model):
    name: str


class ToolChoiceObj(_Model):
    type: Literal["function"] = "function"
    function: ToolChoiceFunction


class JsonSchemaSpec(_Model):
    name: str = "response"
    schema_: Dict[str, Any] = pydantic.Field(default_factory=dict, alias="schema")
    strict: Optional[bool] = None


class ResponseFormat(_Model):
    type: Literal["text", "json_object", "json_schema"]
    json_schema: Optional[JsonSchemaSpec] = None


class StreamOptions(_Model):
    include_usage: bool = False


class AudioOptions(_Model):
    voice: str = "alloy"
    format: str = "wav"


class ChatRequest(_Model):
    """The chat completions body (OpenAI fields plus MeshAPI's)."""

    model: Optional[str] = None
    models: Optional[List[str]] = None
    messages: List[ChatMessageIn] = pydantic.Field(min_length=1)
    stream: bool = False
    stream_options: Optional[StreamOptions] = None
    max_tokens: Optional[int] = pydantic.Field(default=None, ge=1)
    max_completion_tokens: Optional[int] = pydantic.Field(default=None, ge=1)
    temperature: Optional[float] = pydantic.Field(default=None, ge=0, le=2)
    top_p: Optional[float] = pydantic.Field(default=None, ge=0, le=1)
    seed: Optional[int] = None
    n: int = pydantic.Field(default=1, ge=1, le=10)
    stop: Optional[Union[str, List[str]]] = None
    tools: Optional[List[ToolIn]] = None
    tool_choice: Optional[Union[Literal["none", "auto", "required"], ToolChoiceObj]] = None
    parallel_tool_calls: Optional[bool] = None
    response_format: Optional[ResponseFormat] = None
    modalities: Optional[List[Literal["text", "audio", "image"]]] = None
    audio: Optional[AudioOptions] = None
    modality: Optional[Literal["text", "image"]] = None
    image: Optional[Dict[str, Any]] = None
    reasoning_effort: Optional[Literal["none", "minimal", "low", "medium", "high"]] = None
    reasoning: Optional[Dict[str, Any]] = None
    session_id: Optional[str] = None
    async_mode: Optional[bool] = None
    provider: Optional[Dict[str, Any]] = None
    user: Optional[str] = None
    timeout: Optional[float] = pydantic.Field(default=None, gt=0)
    transforms: Optional[List[str]] = None

    @pydantic.field_validator("stop")
    @classmethod
    def _check_stop(cls, value: Optional[Union[str, List[str]]]) -> Optional[Union[str, List[str]]]:
        if isinstance(value, list) and len(value) > 4:
            raise ValueError("at most 4 stop sequences are allowed")
        return value


# --------------------------------------------------------------------------------------------
# Planning


@dataclasses.dataclass
class ChatPlan:
    """A validated chat request bound to a model."""

    request: ChatRequest
    model: Dict[str, Any]
    key: KeyRecord
    turns: List[_engine.Turn]
    tools: List[_engine.ToolSpec]
    prompt_tokens: int
    attempts: int = 1
    fallback: bool = False
    id: str = ""
    created: int = 0

    @property
    def model_id(self) -> str:
        """The id of the model that serves the request."""
        return str(self.model["id"])

    def routing_headers(self) -> Dict[str, str]:
        """``X-Mesh-Routing-*`` headers describing how the model was picked."""
        headers = {
            "X-Mesh-Routing-Model": self.model_id,
            "X-Mesh-Routing-Attempts": str(self.attempts),
            "X-Resolved-Model-Id": self.model_id,
        }
        if self.fallback:
            headers["X-Mesh-Routing-Fallback"] = "true"
        return headers


def _invalid_request(message: str) -> GatewayError:
    return GatewayError(400, "invalid_request", message)


def resolve_model(
    gateway: Gateway, model: Optional[str], fallbacks: Optional[List[str]], *, purpose: str
) -> tuple[Dict[str, Any], int, bool]:
    """Pick the first usable model of ``[model, *fallbacks]``: ``(model, attempts, fell_back)``.

    ``purpose`` is ``chat`` or ``responses``. With no fallback list, an unknown model is a 404
    and an unsuitable one a 400; with fallbacks, unusable candidates are skipped.
    """
    candidates: List[str] = []
    for candidate in ([model] if model else []) + list(fallbacks or []):
        if candidate not in candidates:
            candidates.append(candidate)
    if not candidates:
        raise GatewayError(
            422,
            "validation_error",
            "model is required (or a template that sets one).",
            details=[validation_detail(["body", "model"], "Field required", "missing")],
        )
    problems: List[GatewayError] = []
    for index, candidate in enumerate(candidates):
        entry = gateway.catalogue.get(candidate)
        if entry is None:
            problems.append(
                GatewayError(404, "model_not_found", f"Model {candidate!r} was not found.")
            )
            continue
        problem = _unsuitable(entry, purpose)
        if problem is not None:
            problems.append(problem)
            continue
        return entry, index + 1, index > 0
    if len(problems) == 1:
        raise problems[0]
    raise GatewayError(
        404 if all(p.status == 404 for p in problems) else 400,
        "model_not_found" if all(p.status == 404 for p in problems) else "invalid_request",
        "No usable model among: "
        + ", ".join(candidates)
        + ". "
        + " ".join(p.message for p in problems),
    )


def _unsuitable(entry: Mapping[str, Any], purpose: str) -> Optional[GatewayError]:
    kind = entry.get("model_type")
    mid = entry["id"]
    if kind == "embedding":
        return _invalid_request(f"Model {mid!r} is an embedding model: use POST /v1/embeddings.")
    if kind == "realtime":
        return _invalid_request(
            f"Model {mid!r} is a realtime model: connect to /v1/realtime over WebSocket."
        )
    if kind == "moderation":
        return _invalid_request(f"Model {mid!r} is a moderation model: use POST /v1/moderations.")
    if kind == "image" and purpose != "chat-image":
        return _invalid_request(
            f"Model {mid!r} generates images: use POST /v1/images/generations"
            " (or chat with modality 'image')."
        )
    if purpose == "responses" and not entry.get("supports_responses_api", False):
        return _invalid_request(f"Model {mid!r} does not support the Responses API.")
    if purpose == "chat" and not entry.get("supports_completions_api", True):
        return _invalid_request(f"Model {mid!r} does not support chat completions.")
    return None


def _short_url(url: str) -> str:
    if url.startswith("data:"):
        return "inline " + url[5:].split(";", 1)[0].split(",", 1)[0]
    bare = url.split("://", 1)[-1]
    return bare if len(bare) <= 60 else bare[:57] + "..."


def turns_from_messages(messages: List[ChatMessageIn]) -> tuple[List[_engine.Turn], int]:
    """Engine turns and the prompt's token count (images and audio included)."""
    turns: List[_engine.Turn] = []
    tokens = 3
    for m_index, message in enumerate(messages):
        texts: List[str] = []
        attachments: List[_engine.Attachment] = []
        if isinstance(message.content, str):
            texts.append(message.content)
        elif isinstance(message.content, list):
            for p_index, part in enumerate(message.content):
                if isinstance(part, TextPart):
                    texts.append(part.text)
                elif isinstance(part, ImagePart):
                    attachments.append(_engine.Attachment("image", _short_url(part.image_url.url)))
                    tokens += 85
                elif isinstance(part, VideoPart):
                    attachments.append(_engine.Attachment("video", _short_url(part.video_url.url)))
                    tokens += 260
                elif isinstance(part, AudioPart) and part.input_audio.data is None:
                    # Audio by reference: nothing to decode, so no duration to count.
                    where = part.input_audio.uri or part.input_audio.url or ""
                    attachments.append(_engine.Attachment("audio", part.input_audio.format))
                    tokens += 50 + len(where) // 100
                elif isinstance(part, AudioPart):
                    assert part.input_audio.data is not None
                    raw = decode_base64(part.input_audio.data)
                    if raw is None:
                        loc = [
                            "body",
                            "messages",
                            m_index,
                            "content",
                            p_index,
                            "input_audio",
                            "data",
                        ]
                        raise GatewayError(
                            422,
                            "validation_error",
                            "input_audio.data is not valid base64.",
                            details=[validation_detail(loc, "Invalid base64 data", "value_error")],
                        )
                    fmt = part.input_audio.format
                    seconds = audio_seconds(raw, fmt)
                    attachments.append(_engine.Attachment("audio", fmt, seconds))
                    tokens += max(1, int(seconds * 10))
                else:
                    attachments.append(_engine.Attachment("file"))
                    tokens += 50
        text = "\n".join(texts)
        calls = [
            {"id": c.id, "name": c.function.name, "arguments": c.function.arguments}
            for c in message.tool_calls or []
        ]
        tokens += 4 + _engine.count_tokens(text)
        tokens += sum(_engine.count_tokens(c["name"] + c["arguments"]) + 3 for c in calls)
        turns.append(
            _engine.Turn(
                role=message.role,
                text=text,
                attachments=attachments,
                tool_calls=calls,
                tool_call_id=message.tool_call_id,
                name=message.name,
            )
        )
    return turns, tokens


def plan_chat(gateway: Gateway, body: Mapping[str, Any], key: KeyRecord) -> ChatPlan:
    """Render the template, validate, route to a model and check what it supports."""
    rendered = render_template(gateway, body, key)
    request = validate_body(ChatRequest, rendered)
    wants_image = request.modality == "image" or "image" in (request.modalities or [])
    model_name = request.model
    if model_name == AUTO:
        model_name = auto_select(
            gateway, prompt_of([m.model_dump() for m in request.messages]), "completions"
        ).model
    model, attempts, fallback = resolve_model(
        gateway, model_name, request.models, purpose="chat-image" if wants_image else "chat"
    )
    mid = model["id"]
    turns, prompt_tokens = turns_from_messages(request.messages)
    inputs = set(model.get("input_modalities") or ["text"])
    outputs = set(model.get("output_modalities") or ["text"])
    if wants_image and "image" not in outputs:
        raise _invalid_request(
            f"Model {mid!r} cannot generate images; pick an image model such as openai/gpt-image-1."
        )
    if any(a.kind == "image" for t in turns for a in t.attachments) and "image" not in inputs:
        raise _invalid_request(f"Model {mid!r} does not accept image input.")
    if any(a.kind == "video" for t in turns for a in t.attachments) and "video" not in inputs:
        raise _invalid_request(
            f"Model {mid!r} does not accept video input; try google/gemini-3-flash-preview."
        )
    if any(a.kind == "audio" for t in turns for a in t.attachments) and "audio" not in inputs:
        raise _invalid_request(f"Model {mid!r} does not accept audio input.")
    if "audio" in (request.modalities or []):
        if "audio" not in outputs:
            raise _invalid_request(
                f"Model {mid!r} does not produce audio; try openai/gpt-4o-audio-preview."
            )
        fmt = (request.audio or AudioOptions()).format
        if fmt not in {"wav", "pcm16"}:
            raise GatewayError(
                501,
                "not_implemented",
                f"Audio format {fmt!r} is not available on the local gateway (use wav or pcm16).",
            )
    tools: List[_engine.ToolSpec] = []
    for tool in request.tools or []:
        tools.append(
            _engine.ToolSpec(
                name=tool.function.name,
                description=tool.function.description or "",
                parameters=tool.function.parameters,
            )
        )
        prompt_tokens += _engine.count_tokens(
            tool.function.name + (tool.function.description or "")
        )
        prompt_tokens += _engine.count_tokens(str(tool.function.parameters))
    if tools and not model.get("supports_tools", True):
        raise _invalid_request(f"Model {mid!r} does not support tool calling.")
    if isinstance(request.tool_choice, ToolChoiceObj):
        wanted = request.tool_choice.function.name
        if wanted not in {t.name for t in tools}:
            raise _invalid_request(
                f"tool_choice names {wanted!r}, which is not among the tools offered."
            )
    elif request.tool_choice == "required" and not tools:
        raise _invalid_request("tool_choice 'required' needs at least one tool.")
    context = int(model.get("context_length") or 0)
    if context and prompt_tokens > context:
        raise _invalid_request(
            f"This request has {prompt_tokens} prompt tokens, more than the"
            f" {context}-token context of {mid!r}."
        )
    response_format = request.response_format
    if (
        response_format is not None
        and response_format.type == "json_schema"
        and response_format.json_schema is None
    ):
        raise GatewayError(
            422,
            "validation_error",
            "response_format of type 'json_schema' needs a 'json_schema' object.",
            details=[
                validation_detail(
                    ["body", "response_format", "json_schema"], "Field required", "missing"
                )
            ],
        )
    return ChatPlan(
        request=request,
        model=model,
        key=key,
        turns=turns,
        tools=tools,
        prompt_tokens=prompt_tokens,
        attempts=attempts,
        fallback=fallback,
        id="chatcmpl-" + gateway.new_id("x")[2:],
        created=int(time.time()),
    )


# --------------------------------------------------------------------------------------------
# Generation


@dataclasses.dataclass
class _Choice:
    index: int
    text: Optional[str]
    tool_calls: List[Dict[str, Any]]
    finish_reason: str
    completion_tokens: int
    reasoning_tokens: int = 0
    audio: Optional[Dict[str, Any]] = None
    audio_tokens: int = 0
    images: Optional[List[Dict[str, Any]]] = None


def _stops(request: ChatRequest) -> List[str]:
    if request.stop is None:
        return []
    return [s for s in ([request.stop] if isinstance(request.stop, str) else request.stop) if s]


def _limit(request: ChatRequest) -> Optional[int]:
    return request.max_completion_tokens or request.max_tokens


def _reasoning_effort(request: ChatRequest) -> Optional[str]:
    if request.reasoning_effort:
        return request.reasoning_effort
    effort = (request.reasoning or {}).get("effort")
    return effort if isinstance(effort, str) else None


def apply_limits(text: str, stops: List[str], limit: Optional[int]) -> tuple[str, str, int]:
    """Cut ``text`` at the first stop sequence and at ``limit`` tokens: (text, finish, tokens)."""
    finish = "stop"
    cut = min((i for i in (text.find(s) for s in stops) if i >= 0), default=-1)
    if cut >= 0:
        text = text[:cut]
    tokens = _engine.tokenize(text)
    if limit is not None and len(tokens) > limit:
        tokens = tokens[:limit]
        text = "".join(tokens)
        finish = "length"
    return text, finish, len(tokens)


def _generate(gateway: Gateway, plan: ChatPlan) -> List[_Choice]:
    request = plan.request
    effort = _reasoning_effort(request)
    # Reasoning models always think; hybrid models (supports_thinking) when asked to.
    thinks = plan.model.get("model_type") == "reasoning" or (
        bool(plan.model.get("supports_thinking")) and effort not in {None, "none"}
    )
    reasoning = _engine.reasoning_tokens_for(effort, plan.prompt_tokens) if thinks else 0
    json_schema = None
    json_mode = False
    if request.response_format is not None:
        if request.response_format.type == "json_schema" and request.response_format.json_schema:
            json_schema = request.response_format.json_schema.schema_
        json_mode = request.response_format.type == "json_object"
    tool_choice: Any = request.tool_choice
    if isinstance(tool_choice, ToolChoiceObj):
        tool_choice = {"name": tool_choice.function.name}
    wants_audio = "audio" in (request.modalities or [])
    wants_image = request.modality == "image" or "image" in (request.modalities or [])
    limit = _limit(request)
    choices: List[_Choice] = []
    for index in range(request.n):
        if wants_image:
            choices.append(_image_choice(gateway, plan, index))
            continue
        reply = _engine.generate_reply(
            _engine.ReplyRequest(
                turns=plan.turns,
                model=plan.model_id,
                tools=plan.tools,
                tool_choice=tool_choice,
                parallel_tool_calls=request.parallel_tool_calls is not False,
                seed=request.seed,
                temperature=request.temperature,
                top_p=request.top_p,
                choice_index=index,
                json_schema=json_schema,
                json_mode=json_mode,
            )
        )
        if reply.tool_calls:
            used = sum(
                _engine.count_tokens(c["name"] + c["arguments"]) + 3 for c in reply.tool_calls
            )
            choices.append(
                _Choice(index, None, reply.tool_calls, "tool_calls", used + reasoning, reasoning)
            )
            continue
        budget = None if limit is None else max(0, limit - reasoning)
        text, finish, used = apply_limits(reply.text or "", _stops(request), budget)
        if budget == 0:
            finish = "length"
        choice = _Choice(index, text, [], finish, used + reasoning, reasoning)
        if wants_audio:
            _add_audio(gateway, plan, choice)
        choices.append(choice)
    return choices


def _add_audio(gateway: Gateway, plan: ChatPlan, choice: _Choice) -> None:
    options = plan.request.audio or AudioOptions()
    pcm = synthesize_pcm16(choice.text or "")
    data = wav_bytes(pcm) if options.format == "wav" else pcm
    seconds = len(pcm) / 48000
    choice.audio_tokens = max(1, int(seconds * 10))
    choice.completion_tokens += choice.audio_tokens
    choice.audio = {
        "id": "audio_" + gateway.new_id("x")[2:],
        "data": base64.b64encode(data).decode("ascii"),
        "expires_at": plan.created + 3600,
        "transcript": choice.text or "",
        "format": options.format,
    }


def _image_choice(gateway: Gateway, plan: ChatPlan, index: int) -> _Choice:
    options = plan.request.image or {}
    prompt = next((t.text for t in reversed(plan.turns) if t.role == "user"), "")
    size = str(options.get("size") or "512x512")
    try:
        width, height = (int(v) for v in size.lower().split("x"))
    except ValueError:
        raise GatewayError(
            422,
            "validation_error",
            f"image.size must look like '512x512', got {size!r}.",
            details=[validation_detail(["body", "image", "size"], "Invalid size", "value_error")],
        ) from None
    if not (16 <= width <= 2048 and 16 <= height <= 2048):
        raise _invalid_request("image.size must be between 16x16 and 2048x2048.")
    fmt = str(options.get("output_format") or "png")
    data, mime = render_image(f"{prompt}#{index}#{plan.request.seed}", width, height, fmt)
    url = f"data:{mime};base64," + base64.b64encode(data).decode("ascii")
    text = "Here is the image you asked for."
    return _Choice(
        index,
        text,
        [],
        "stop",
        _engine.count_tokens(text),
        images=[{"type": "image_url", "image_url": {"url": url}}],
    )


def _usage(plan: ChatPlan, choices: List[_Choice]) -> Dict[str, Any]:
    completion = sum(c.completion_tokens for c in choices)
    prompt_audio = sum(
        max(1, int(a.seconds * 10)) for t in plan.turns for a in t.attachments if a.kind == "audio"
    )
    return {
        "prompt_tokens": plan.prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": plan.prompt_tokens + completion,
        "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": prompt_audio},
        "completion_tokens_details": {
            "reasoning_tokens": sum(c.reasoning_tokens for c in choices),
            "audio_tokens": sum(c.audio_tokens for c in choices),
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def _bill(
    gateway: Gateway, plan: ChatPlan, choices: List[_Choice], usage: Mapping[str, Any]
) -> str:
    images = sum(len(c.images or []) for c in choices)
    cost = model_cost(plan.model, usage["prompt_tokens"], usage["completion_tokens"], images)
    gateway.charge(plan.key, cost)
    return format_cost(cost)


def _message(choice: _Choice) -> Dict[str, Any]:
    message: Dict[str, Any] = {"role": "assistant", "content": choice.text, "refusal": None}
    if choice.tool_calls:
        message["tool_calls"] = [
            {
                "id": c["id"],
                "type": "function",
                "function": {"name": c["name"], "arguments": c["arguments"]},
            }
            for c in choice.tool_calls
        ]
    if choice.audio is not None:
        message["content"] = None
        message["audio"] = {k: v for k, v in choice.audio.items() if k != "format"}
    if choice.images is not None:
        message["images"] = choice.images
    return message


async def complete(gateway: Gateway, plan: ChatPlan) -> Dict[str, Any]:
    """The ``chat.completion`` object for a planned request."""
    choices = _generate(gateway, plan)
    usage = _usage(plan, choices)
    return {
        "id": plan.id,
        "object": "chat.completion",
        "created": plan.created,
        "model": plan.model_id,
        "provider": plan.model.get("provider") or plan.model_id.split("/", 1)[0],
        "system_fingerprint": _FINGERPRINT,
        "choices": [
            {
                "index": c.index,
                "message": _message(c),
                "logprobs": None,
                "finish_reason": c.finish_reason,
            }
            for c in choices
        ],
        "usage": usage,
        "cost": _bill(gateway, plan, choices, usage),
    }


async def stream_chunks(gateway: Gateway, plan: ChatPlan) -> AsyncIterator[Dict[str, Any]]:
    """``chat.completion.chunk`` objects: role first, then token deltas, then usage and cost."""
    choices = _generate(gateway, plan)
    usage = _usage(plan, choices)
    include_usage = bool(plan.request.stream_options and plan.request.stream_options.include_usage)
    base = {
        "id": plan.id,
        "object": "chat.completion.chunk",
        "created": plan.created,
        "model": plan.model_id,
        "system_fingerprint": _FINGERPRINT,
    }

    def chunk(index: int, delta: Dict[str, Any], finish: Optional[str] = None) -> Dict[str, Any]:
        return {
            **base,
            "choices": [
                {"index": index, "delta": delta, "logprobs": None, "finish_reason": finish}
            ],
        }

    cost = _bill(gateway, plan, choices, usage)
    for position, choice in enumerate(choices):
        yield chunk(
            choice.index, {"role": "assistant", "content": "" if not choice.tool_calls else None}
        )
        for call_index, call in enumerate(choice.tool_calls):
            yield chunk(
                choice.index,
                {
                    "tool_calls": [
                        {
                            "index": call_index,
                            "id": call["id"],
                            "type": "function",
                            "function": {"name": call["name"], "arguments": ""},
                        }
                    ]
                },
            )
            for piece in _engine.tokenize(call["arguments"]):
                yield chunk(
                    choice.index,
                    {"tool_calls": [{"index": call_index, "function": {"arguments": piece}}]},
                )
        if choice.audio is not None:
            audio_id = choice.audio["id"]
            for piece in _engine.tokenize(choice.text or ""):
                yield chunk(choice.index, {"audio": {"id": audio_id, "transcript": piece}})
            data = choice.audio["data"]
            step = 16000  # base64 characters per chunk (~0.25 s of audio)
            for offset in range(0, len(data), step):
                yield chunk(
                    choice.index, {"audio": {"id": audio_id, "data": data[offset : offset + step]}}
                )
        elif choice.text:
            for piece in _engine.tokenize(choice.text):
                yield chunk(choice.index, {"content": piece})
        if choice.images:
            yield chunk(choice.index, {"images": choice.images})
        final = chunk(choice.index, {}, choice.finish_reason)
        if position == len(choices) - 1 and not include_usage:
            final["usage"] = usage
            final["cost"] = cost
        yield final
    if include_usage:
        yield {**base, "choices": [], "usage": usage, "cost": cost}


async def chat_completion(
    gateway: Gateway, body: Mapping[str, Any], key: KeyRecord
) -> Dict[str, Any]:
    """The full ``chat.completion`` object for an OpenAI chat body (deterministic)."""
    return await complete(gateway, plan_chat(gateway, body, key))


def chat_completion_chunks(
    gateway: Gateway, body: Mapping[str, Any], key: KeyRecord
) -> AsyncIterator[Dict[str, Any]]:
    """The ``chat.completion.chunk`` objects, token by token; the last carries usage+cost.

    Validation happens at once (raising :class:`GatewayError` before any chunk), so callers
    can still answer with a plain HTTP error.
    """
    return stream_chunks(gateway, plan_chat(gateway, body, key))
