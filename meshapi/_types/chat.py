"""Chat completions: POST /v1/chat/completions."""

from __future__ import annotations

from typing import Annotated, Any, Dict, List, Literal, Optional, Union

from pydantic import AfterValidator, Field, model_validator

from ._base import RequestModel, ResponseModel, Usage, _RequestPart

__all__ = [
    "ChatCompletionAudio",
    "ChatCompletionChoice",
    "ChatCompletionChunk",
    "ChatCompletionChunkChoice",
    "ChatCompletionMessage",
    "ChatCompletionParams",
    "ChatCompletionResponse",
    "ChatMessage",
    "ChoiceDelta",
    "ChoiceDeltaToolCall",
    "ChoiceDeltaToolCallFunction",
    "ContentPart",
    "ContentPartImage",
    "ContentPartInputAudio",
    "ContentPartText",
    "ContentPartVideo",
    "ImageURL",
    "InputAudio",
    "MessageParam",
    "Tool",
    "ToolCall",
    "ToolCallFunction",
    "ToolFunction",
    "VideoUrl",
]


# ==============================================================================================
# Chat completions: POST /v1/chat/completions
# ==============================================================================================


class ImageURL(_RequestPart):
    """The image of an ``image_url`` content part: an ``https:`` URL or a ``data:`` URL."""

    url: str
    detail: Optional[str] = None
    """``"auto"``, ``"low"`` or ``"high"``."""


class ContentPartImage(_RequestPart):
    """An image in a user message (vision)."""

    type: Literal["image_url"] = "image_url"
    image_url: ImageURL


class ContentPartText(_RequestPart):
    """A text part of a multimodal message."""

    type: Literal["text"] = "text"
    text: str


class InputAudio(_RequestPart):
    """Audio sent inside a user message: base64 ``data``, or a ``uri`` / ``url`` to fetch it
    from (exactly one of the three)."""

    data: Optional[str] = None
    format: str
    """``"wav"``, ``"mp3"``..."""
    uri: Optional[str] = None
    url: Optional[str] = None

    @model_validator(mode="after")
    def _one_source(self) -> InputAudio:
        given = [name for name in ("data", "uri", "url") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "input_audio needs exactly one of data (base64), uri or url; got "
                + (", ".join(given) or "none")
            )
        return self


class ContentPartInputAudio(_RequestPart):
    """An audio clip in a user message."""

    type: Literal["input_audio"] = "input_audio"
    input_audio: InputAudio


class VideoUrl(_RequestPart):
    """The video of a ``video_url`` content part."""

    url: str


class ContentPartVideo(_RequestPart):
    """A video in a user message, for models that watch video; ``fps`` (a string, e.g.
    ``"1"``) asks for that many frames a second."""

    type: Literal["video_url"] = "video_url"
    video_url: VideoUrl
    fps: Optional[str] = None


# A dict is tried first so that it goes to the wire exactly as given (new part types such as
# "file", or provider fields such as "cache_control"); models are kept as the models they are.
ContentPart = Annotated[
    Union[
        Dict[str, Any], ContentPartText, ContentPartImage, ContentPartInputAudio, ContentPartVideo
    ],
    Field(union_mode="left_to_right"),
]
"""One part of a multimodal message: a content part model or a plain dict."""


class ToolCallFunction(ResponseModel):
    """The function a model asked to call; ``arguments`` is a JSON string (possibly invalid JSON).

    Unknown fields are kept (rather than rejected as in other request models) because a tool call
    travels back to the gateway in the next request and must carry whatever the provider put on it.
    """

    name: str
    arguments: str


class ToolCall(ResponseModel):
    """A tool call made by the model, in a response and again in the assistant message sent back.

    Unknown fields are kept and re-sent: some providers attach data to a tool call (such as a
    thought signature) that they require to see again in the follow-up request.
    """

    id: str
    type: str = "function"
    function: ToolCallFunction
    thought_signature: Optional[str] = None
    """Set by some models (Gemini); sent back as it came on the assistant turn."""


class ChatMessage(_RequestPart):
    """One message of a conversation sent to the gateway.

    ``content`` is a string, or a list of content parts (text, image_url, input_audio, or plain
    dicts). An assistant message that made tool calls carries ``tool_calls`` and may have
    ``content=None``; the tool's answer is a ``role="tool"`` message with ``tool_call_id``.
    """

    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: Optional[Union[str, List[ContentPart]]] = None
    name: Optional[str] = None
    tool_calls: Optional[
        List[Annotated[Union[Dict[str, Any], ToolCall], Field(union_mode="left_to_right")]]
    ] = None
    tool_call_id: Optional[str] = None
    refusal: Optional[str] = None
    audio: Optional[Dict[str, Any]] = None
    """For a previous assistant audio reply: ``{"id": <audio id>}``."""
    reasoning_details: Optional[List[Dict[str, Any]]] = None
    """Reasoning blocks of an earlier assistant reply, sent back as they came."""


class ChatCompletionAudio(ResponseModel):
    """Audio output of an assistant message (``modalities=["text", "audio"]``)."""

    id: Optional[str] = None
    data: Optional[str] = None
    """Base64 audio."""
    expires_at: Optional[int] = None
    transcript: Optional[str] = None


class ChatCompletionMessage(ResponseModel):
    """The assistant message of a chat completion.

    Send it back in the next request with :meth:`to_param` (or put it in ``messages`` directly,
    which does the same).
    """

    role: str = "assistant"
    content: Optional[str] = None
    name: Optional[str] = None
    tool_calls: Optional[List[ToolCall]] = None
    refusal: Optional[str] = None
    audio: Optional[ChatCompletionAudio] = None
    reasoning: Optional[str] = None
    """Reasoning text, for models and providers that return it under this name."""
    reasoning_content: Optional[str] = None
    """Reasoning text, for providers that use this name (DeepSeek style)."""
    reasoning_details: Optional[List[Dict[str, Any]]] = None
    """Structured reasoning blocks, for providers that return them."""

    def to_param(self) -> ChatMessage:
        """Return this reply as a :class:`ChatMessage` for the next request's ``messages``.

        Keeps role, content, tool calls (with any provider fields on them), name and refusal; an
        audio reply is referenced by its id, as the API expects, not re-sent. Reasoning text and
        unknown fields are left out.
        """
        audio = self.audio
        # model_validate rather than the constructor: `role` is a plain str here and is checked
        # against ChatMessage's role Literal at run time.
        return ChatMessage.model_validate(
            {
                "role": self.role,
                "content": self.content,
                "name": self.name,
                "tool_calls": list(self.tool_calls) if self.tool_calls is not None else None,
                "refusal": self.refusal,
                "audio": {"id": audio.id} if audio is not None and audio.id else None,
                "reasoning_details": self.reasoning_details,
            }
        )


def _reply_to_param(message: ChatCompletionMessage) -> ChatMessage:
    return message.to_param()


MessageParam = Annotated[
    Union[
        Dict[str, Any],
        ChatMessage,
        Annotated[ChatCompletionMessage, AfterValidator(_reply_to_param)],
    ],
    Field(union_mode="left_to_right"),
]
"""A message in a request: a :class:`ChatMessage`, a plain dict (sent as given), or a
:class:`ChatCompletionMessage` from an earlier reply (converted with ``to_param()``)."""


class ToolFunction(_RequestPart):
    """A function the model may call: its name, description and JSON-schema parameters."""

    name: str
    description: Optional[str] = None
    parameters: Optional[Dict[str, Any]] = None
    strict: Optional[bool] = None


class Tool(_RequestPart):
    """A tool offered to the model. Only function tools exist in chat completions."""

    type: Literal["function"] = "function"
    function: ToolFunction


class ChatCompletionParams(RequestModel):
    """Body of ``POST /v1/chat/completions``: the OpenAI chat body plus MeshAPI fields.

    ``model`` may be left out when ``template`` supplies it. ``stream`` is set by the client's
    ``stream()`` method; leave it unset.
    """

    model: Optional[str] = None
    """A model id, or ``"auto"`` for the gateway's auto router."""
    messages: List[MessageParam]
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    max_tokens: Optional[int] = None
    max_completion_tokens: Optional[int] = None
    stop: Optional[Union[str, List[str]]] = None
    n: Optional[int] = None
    seed: Optional[int] = None
    presence_penalty: Optional[float] = None
    frequency_penalty: Optional[float] = None
    logit_bias: Optional[Dict[Union[int, str], int]] = None
    """Token id (as an int or a string) to a bias from -100 to 100."""
    logprobs: Optional[bool] = None
    top_logprobs: Optional[int] = None
    user: Optional[str] = None
    response_format: Optional[Dict[str, Any]] = None
    tools: Optional[
        List[Annotated[Union[Dict[str, Any], Tool], Field(union_mode="left_to_right")]]
    ] = None
    tool_choice: Optional[Union[str, Dict[str, Any]]] = None
    """``"auto"``, ``"none"``, ``"required"`` or ``{"type": "function", "function": {...}}``."""
    parallel_tool_calls: Optional[bool] = None
    stream: Optional[bool] = None
    stream_options: Optional[Dict[str, Any]] = None
    reasoning_effort: Optional[Literal["none", "minimal", "low", "medium", "high"]] = None
    # MeshAPI fields
    timeout: Optional[float] = Field(default=None, gt=0)
    """Upstream timeout in seconds for this completion (the gateway's own default is 300 s); not
    the client's HTTP timeout, which is the per-call option."""
    cache: Optional[Union[bool, Dict[str, Any]]] = None
    """Gateway response caching for this request."""
    transforms: Optional[List[str]] = None
    """Prompt transforms the gateway applies (e.g. ``["middle-out"]``)."""
    template: Optional[str] = None
    """A stored template's name or id; its ``{{variable}}`` slots are filled from ``variables``."""
    variables: Optional[Dict[str, Any]] = None
    session_id: Optional[str] = None
    modality: Optional[str] = None
    """``"text"`` or ``"image"``."""
    image: Optional[Dict[str, Any]] = None
    """Image options when ``modality="image"``."""
    async_mode: Optional[bool] = None
    modalities: Optional[List[str]] = None
    """Output modalities, for example ``["text", "audio"]``."""
    audio: Optional[Dict[str, Any]] = None
    """Audio output options, for example ``{"voice": "alloy", "format": "wav"}``."""
    models: Optional[List[str]] = None
    """Server-side fallback list, tried in order when the first model fails."""
    provider: Optional[Dict[str, Any]] = None
    """Provider routing preferences."""


class ChatCompletionChoice(ResponseModel):
    """One choice of a chat completion."""

    index: int = 0
    message: ChatCompletionMessage
    finish_reason: Optional[str] = None
    """Known values: ``stop``, ``length``, ``tool_calls``, ``content_filter``."""
    logprobs: Optional[Dict[str, Any]] = None


class ChatCompletionResponse(ResponseModel):
    """A ``chat.completion`` object. ``cost`` (a decimal string, in USD) appears when the gateway
    reports it; routing details arrive as response headers, not here."""

    id: str
    object: str = "chat.completion"
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[ChatCompletionChoice]
    usage: Optional[Usage] = None
    cost: Optional[str] = None
    system_fingerprint: Optional[str] = None
    service_tier: Optional[str] = None


class ChoiceDeltaToolCallFunction(ResponseModel):
    """Part of a streamed tool call's function: the name comes once, arguments in pieces."""

    name: Optional[str] = None
    arguments: Optional[str] = None


class ChoiceDeltaToolCall(ResponseModel):
    """A piece of a streamed tool call; pieces with the same ``index`` belong together."""

    index: int = 0
    id: Optional[str] = None
    type: Optional[str] = None
    function: Optional[ChoiceDeltaToolCallFunction] = None


class ChoiceDelta(ResponseModel):
    """What one stream chunk adds to a choice."""

    role: Optional[str] = None
    content: Optional[str] = None
    tool_calls: Optional[List[ChoiceDeltaToolCall]] = None
    refusal: Optional[str] = None
    reasoning: Optional[str] = None
    reasoning_content: Optional[str] = None


class ChatCompletionChunkChoice(ResponseModel):
    """One choice of a stream chunk. A chunk without ``delta`` gets an empty one."""

    index: int = 0
    delta: ChoiceDelta = Field(default_factory=ChoiceDelta)
    finish_reason: Optional[str] = None
    logprobs: Optional[Dict[str, Any]] = None


class ChatCompletionChunk(ResponseModel):
    """A ``chat.completion.chunk`` of a streamed chat completion.

    The last chunk may carry ``usage`` (and ``cost``) with ``choices == []``. A gateway cache
    replay arrives as one chunk whose id starts with ``chatcmpl-cached-``.
    """

    id: str
    object: str = "chat.completion.chunk"
    created: Optional[int] = None
    model: Optional[str] = None
    choices: List[ChatCompletionChunkChoice] = Field(default_factory=list)
    usage: Optional[Usage] = None
    cost: Optional[str] = None
    system_fingerprint: Optional[str] = None
