"""Chat completions: POST /v1/chat/completions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Dict, List, Literal, Optional, Sequence, Union

from pydantic import BeforeValidator, Discriminator, Field, Tag, model_validator
from typing_extensions import Required, TypedDict

from ._base import RequestModel, ResponseModel, Usage, _RequestPart

__all__ = [
    "AudioOutputOptions",
    "AudioOutputOptionsDict",
    "ChatCompletionAudio",
    "ChatCompletionChoice",
    "ChatCompletionChunk",
    "ChatCompletionChunkChoice",
    "ChatCompletionChunkDelta",
    "ChatCompletionMessage",
    "ChatCompletionParams",
    "ChatCompletionParamsDict",
    "ChatCompletionResponse",
    "ChatMessage",
    "ChatMessageDict",
    "ChatRole",
    "ChoiceDelta",
    "ChoiceDeltaToolCall",
    "ChoiceDeltaToolCallFunction",
    "ContentPart",
    "ContentPartFile",
    "ContentPartFileDict",
    "ContentPartAudio",
    "ContentPartImage",
    "ContentPartImageDict",
    "ContentPartInputAudio",
    "ContentPartInputAudioDict",
    "ContentPartText",
    "ContentPartTextDict",
    "ContentPartVideo",
    "ContentPartVideoDict",
    "ImageDetail",
    "ImageOptions",
    "ImageOptionsDict",
    "ImageURL",
    "ImageURLDict",
    "InputAudio",
    "InputAudioDict",
    "MessageParam",
    "ProviderPreferences",
    "ProviderPreferencesDict",
    "Tool",
    "ToolCall",
    "ToolCallDict",
    "ToolCallFunction",
    "ToolCallFunctionDict",
    "ToolDict",
    "ToolChoice",
    "ToolChoiceFunction",
    "ToolChoiceFunctionDict",
    "ToolChoiceObject",
    "ToolChoiceObjectDict",
    "ToolFunction",
    "ToolFunctionDict",
    "ToolParam",
    "VideoUrl",
    "VideoUrlDict",
]

# Each request model has a TypedDict twin, ``<Model>Dict``, for callers who write plain dicts:
# type checkers check their keys, and at run time a dict is validated by the model itself, as
# strictly (an unknown or misspelt key is an error naming it). A field that takes a model takes
# its dict twin too; tests/unit/test_typed_dicts.py keeps every twin in step with its model.


# ==============================================================================================
# Chat completions: POST /v1/chat/completions
# ==============================================================================================


class ImageURLDict(TypedDict, total=False):
    """:class:`ImageURL` as a dict."""

    url: Required[str]
    detail: Optional[str]


class ImageURL(_RequestPart):
    """The image of an ``image_url`` content part: an ``https:`` URL or a ``data:`` URL."""

    url: str
    detail: Optional[str] = None
    """``"auto"``, ``"low"`` or ``"high"``."""


if TYPE_CHECKING:
    ImageURLParam = Union[ImageURLDict, ImageURL]
else:
    ImageURLParam = ImageURL


class ContentPartImageDict(TypedDict, total=False):
    """:class:`ContentPartImage` as a dict."""

    type: Literal["image_url"]
    image_url: Required[Union[ImageURLDict, ImageURL]]
    cache_control: Optional[Dict[str, Any]]


ImageDetail = ImageURL
"""The name meshapi 0.1.4 used for :class:`ImageURL` (the same class)."""


class ContentPartImage(_RequestPart):
    """An image in a user message (vision)."""

    type: Literal["image_url"] = "image_url"
    image_url: ImageURLParam
    cache_control: Optional[Dict[str, Any]] = None
    """Prompt caching hint for providers that take one (``{"type": "ephemeral"}``)."""


class ContentPartTextDict(TypedDict, total=False):
    """:class:`ContentPartText` as a dict."""

    type: Literal["text"]
    text: Required[str]
    cache_control: Optional[Dict[str, Any]]


class ContentPartText(_RequestPart):
    """A text part of a multimodal message."""

    type: Literal["text"] = "text"
    text: str
    cache_control: Optional[Dict[str, Any]] = None
    """Prompt caching hint for providers that take one (``{"type": "ephemeral"}``)."""


class InputAudioDict(TypedDict, total=False):
    """:class:`InputAudio` as a dict."""

    data: Optional[str]
    format: Required[str]
    uri: Optional[str]
    url: Optional[str]


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


if TYPE_CHECKING:
    InputAudioParam = Union[InputAudioDict, InputAudio]
else:
    InputAudioParam = InputAudio


class ContentPartInputAudioDict(TypedDict, total=False):
    """:class:`ContentPartInputAudio` as a dict."""

    type: Literal["input_audio"]
    input_audio: Required[Union[InputAudioDict, InputAudio]]


class ContentPartInputAudio(_RequestPart):
    """An audio clip in a user message."""

    type: Literal["input_audio"] = "input_audio"
    input_audio: InputAudioParam


class ContentPartFileDict(TypedDict, total=False):
    """:class:`ContentPartFile` as a dict."""

    type: Literal["file"]
    file: Required[Dict[str, Any]]


class ContentPartFile(_RequestPart):
    """A file (a PDF...) in a user message: ``file`` holds ``file_id``, or ``filename`` and
    ``file_data`` (a ``data:`` URL)."""

    type: Literal["file"] = "file"
    file: Dict[str, Any]


class VideoUrlDict(TypedDict, total=False):
    """:class:`VideoUrl` as a dict."""

    url: Required[str]


class VideoUrl(_RequestPart):
    """The video of a ``video_url`` content part."""

    url: str


class ContentPartVideoDict(TypedDict, total=False):
    """:class:`ContentPartVideo` as a dict."""

    type: Literal["video_url"]
    video_url: Required[Union[VideoUrlDict, VideoUrl]]
    fps: Optional[str]


class ContentPartVideo(_RequestPart):
    """A video in a user message, for models that watch video; ``fps`` (a string, e.g.
    ``"1"``) asks for that many frames a second."""

    type: Literal["video_url"] = "video_url"
    video_url: VideoUrl
    fps: Optional[str] = None


def _part_type(value: Any) -> Any:
    # The tag of a content part: a dict's "type" (text when left out, as the model's default),
    # a model's own.
    # The "type=" prefix marks the tag in an error's location, so that it can be left out there.
    if isinstance(value, dict):
        return f"type={value.get('type', 'text')}"
    return f"type={getattr(value, 'type', None)}"


if TYPE_CHECKING:
    ContentPart = Union[
        ContentPartTextDict,
        ContentPartImageDict,
        ContentPartInputAudioDict,
        ContentPartFileDict,
        ContentPartVideoDict,
        ContentPartText,
        ContentPartImage,
        ContentPartInputAudio,
        ContentPartFile,
        ContentPartVideo,
    ]
else:
    # A dict is validated by the model its "type" names, as strictly as the model itself.
    ContentPart = Annotated[
        Union[
            Annotated[ContentPartText, Tag("type=text")],
            Annotated[ContentPartImage, Tag("type=image_url")],
            Annotated[ContentPartInputAudio, Tag("type=input_audio")],
            Annotated[ContentPartFile, Tag("type=file")],
            Annotated[ContentPartVideo, Tag("type=video_url")],
        ],
        Discriminator(_part_type),
    ]
"""One part of a multimodal message: a content part model or its dict."""


class ToolCallFunctionDict(TypedDict, total=False):
    """:class:`ToolCallFunction` as a dict."""

    name: Required[str]
    arguments: Required[str]


class ToolCallDict(TypedDict, total=False):
    """:class:`ToolCall` as a dict."""

    id: Required[str]
    type: str
    function: Required[Union[ToolCallFunctionDict, ToolCallFunction]]
    thought_signature: Optional[str]


ContentPartAudio = ContentPartInputAudio
"""The name meshapi 0.1.4 used for :class:`ContentPartInputAudio` (the same class)."""

ChatRole = Literal["system", "user", "assistant", "tool", "developer"]
"""The role of a :class:`ChatMessage`."""


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


if TYPE_CHECKING:
    ToolCallParam = Union[ToolCallDict, "ToolCall"]
else:
    ToolCallParam = ToolCall


class ChatMessageDict(TypedDict, total=False):
    """:class:`ChatMessage` as a dict."""

    role: Required[Literal["system", "user", "assistant", "tool", "developer"]]
    content: Optional[Union[str, Sequence[ContentPart]]]
    name: Optional[str]
    tool_calls: Optional[Sequence[ToolCallParam]]
    tool_call_id: Optional[str]
    refusal: Optional[str]
    audio: Optional[Dict[str, Any]]
    reasoning_details: Optional[List[Dict[str, Any]]]


class ToolChoiceFunctionDict(TypedDict, total=False):
    """:class:`ToolChoiceFunction` as a dict."""

    name: Required[str]


class ToolChoiceFunction(_RequestPart):
    """The function named by a :class:`ToolChoiceObject`."""

    name: str


if TYPE_CHECKING:
    ToolChoiceFunctionParam = Union[ToolChoiceFunctionDict, ToolChoiceFunction]
else:
    ToolChoiceFunctionParam = ToolChoiceFunction


class ToolChoiceObjectDict(TypedDict, total=False):
    """:class:`ToolChoiceObject` as a dict."""

    type: Literal["function"]
    function: Required[Union[ToolChoiceFunctionDict, ToolChoiceFunction]]


class ToolChoiceObject(_RequestPart):
    """``tool_choice`` forcing one function: ``{"type": "function", "function": {"name": ...}}``."""

    type: Literal["function"] = "function"
    function: ToolChoiceFunctionParam


ToolChoice = Union[Literal["auto", "none", "required"], ToolChoiceObject]
"""``tool_choice`` of chat completions: a mode, or the one function the model must call."""


class ImageOptionsDict(TypedDict, total=False):
    """:class:`ImageOptions` as a dict."""

    n: int
    size: str
    quality: str
    response_format: Literal["url", "b64_json"]


class ImageOptions(_RequestPart):
    """Image options of a chat completion with ``modality="image"``."""

    n: int = 1
    size: str = "1024x1024"
    quality: str = "high"
    response_format: Literal["url", "b64_json"] = "url"


class AudioOutputOptionsDict(TypedDict, total=False):
    """:class:`AudioOutputOptions` as a dict."""

    voice: str
    format: Literal["wav", "mp3", "flac", "opus", "pcm16"]


class AudioOutputOptions(_RequestPart):
    """Audio output options of a chat completion with ``modalities=["text", "audio"]``."""

    voice: str = "alloy"
    format: Literal["wav", "mp3", "flac", "opus", "pcm16"] = "wav"


class ProviderPreferencesDict(TypedDict, total=False):
    """:class:`ProviderPreferences` as a dict."""

    order: Optional[List[str]]
    allow_fallbacks: Optional[bool]
    require_parameters: Optional[bool]
    data_collection: Optional[Literal["allow", "deny"]]


class ProviderPreferences(_RequestPart):
    """Provider routing preferences (``provider`` of chat completions and embeddings)."""

    order: Optional[List[str]] = None
    allow_fallbacks: Optional[bool] = None
    require_parameters: Optional[bool] = None
    data_collection: Optional[Literal["allow", "deny"]] = None


class ChatMessage(_RequestPart):
    """One message of a conversation sent to the gateway.

    ``content`` is a string, or a list of content parts (text, image_url, input_audio, or plain
    dicts). An assistant message that made tool calls carries ``tool_calls`` and may have
    ``content=None``; the tool's answer is a ``role="tool"`` message with ``tool_call_id``.
    """

    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: Optional[Union[str, List[ContentPart]]] = None
    name: Optional[str] = None
    tool_calls: Optional[List[ToolCallParam]] = None
    """Tool calls as the reply carried them; unknown keys on them are kept and sent back
    (providers attach data they need to see again), so they are not checked for typos."""
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

    role: str
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


def _message_in(value: Any) -> Any:
    # A reply put back into the conversation is sent as the message it is (to_param()).
    return value.to_param() if isinstance(value, ChatCompletionMessage) else value


if TYPE_CHECKING:
    MessageParam = Union[ChatMessageDict, ChatMessage, ChatCompletionMessage]
else:
    MessageParam = Annotated[ChatMessage, BeforeValidator(_message_in)]
"""A message in a request: a :class:`ChatMessage`, its dict (validated as strictly), or a
:class:`ChatCompletionMessage` from an earlier reply (converted with ``to_param()``)."""


class ToolFunctionDict(TypedDict, total=False):
    """:class:`ToolFunction` as a dict."""

    name: Required[str]
    description: Optional[str]
    parameters: Optional[Dict[str, Any]]
    strict: Optional[bool]


class ToolFunction(_RequestPart):
    """A function the model may call: its name, description and JSON-schema parameters."""

    name: str
    description: Optional[str] = None
    parameters: Optional[Dict[str, Any]] = None
    strict: Optional[bool] = None


if TYPE_CHECKING:
    ToolFunctionParam = Union[ToolFunctionDict, ToolFunction]
else:
    ToolFunctionParam = ToolFunction


class ToolDict(TypedDict, total=False):
    """:class:`Tool` as a dict."""

    type: Literal["function"]
    function: Required[Union[ToolFunctionDict, ToolFunction]]
    cache_control: Optional[Dict[str, Any]]


class Tool(_RequestPart):
    """A tool offered to the model. Only function tools exist in chat completions."""

    type: Literal["function"] = "function"
    function: ToolFunctionParam
    cache_control: Optional[Dict[str, Any]] = None
    """Prompt caching hint for providers that take one (``{"type": "ephemeral"}``)."""


if TYPE_CHECKING:
    ToolParam = Union[ToolDict, Tool]
else:
    ToolParam = Tool
"""A tool in a request: a :class:`Tool` or its dict."""


class ChatCompletionParamsDict(TypedDict, total=False):
    """:class:`ChatCompletionParams` as a dict (the keyword arguments of ``create``)."""

    extra_body: Optional[Dict[str, Any]]
    model: Optional[str]
    messages: Required[Sequence[MessageParam]]
    temperature: Optional[float]
    top_p: Optional[float]
    max_tokens: Optional[int]
    max_completion_tokens: Optional[int]
    stop: Optional[Union[str, List[str]]]
    n: Optional[int]
    seed: Optional[int]
    presence_penalty: Optional[float]
    frequency_penalty: Optional[float]
    logit_bias: Optional[Dict[Union[int, str], int]]
    logprobs: Optional[bool]
    top_logprobs: Optional[int]
    user: Optional[str]
    response_format: Optional[Dict[str, Any]]
    tools: Optional[Sequence[ToolParam]]
    tool_choice: Optional[Union[str, ToolChoiceObjectDict, ToolChoiceObject, Dict[str, Any]]]
    parallel_tool_calls: Optional[bool]
    stream: Optional[bool]
    stream_options: Optional[Dict[str, Any]]
    reasoning_effort: Optional[Literal["none", "minimal", "low", "medium", "high"]]
    upstream_timeout: Optional[float]
    cache: Optional[Union[bool, Dict[str, Any]]]
    transforms: Optional[List[str]]
    template: Optional[str]
    variables: Optional[Dict[str, Any]]
    session_id: Optional[str]
    modality: Optional[str]
    image: Optional[Union[ImageOptionsDict, ImageOptions, Dict[str, Any]]]
    async_mode: Optional[bool]
    modalities: Optional[List[str]]
    audio: Optional[Union[AudioOutputOptionsDict, AudioOutputOptions, Dict[str, Any]]]
    models: Optional[List[str]]
    provider: Optional[Union[ProviderPreferencesDict, ProviderPreferences, Dict[str, Any]]]


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
    tools: Optional[List[ToolParam]] = None
    tool_choice: Optional[
        Annotated[Union[str, Dict[str, Any], ToolChoiceObject], Field(union_mode="left_to_right")]
    ] = None
    """``"auto"``, ``"none"``, ``"required"`` or ``{"type": "function", "function": {...}}``
    (or a :class:`ToolChoiceObject`)."""
    parallel_tool_calls: Optional[bool] = None
    stream: Optional[bool] = None
    stream_options: Optional[Dict[str, Any]] = None
    reasoning_effort: Optional[Literal["none", "minimal", "low", "medium", "high"]] = None
    # MeshAPI fields
    upstream_timeout: Optional[float] = Field(
        default=None, gt=0, validation_alias="timeout", serialization_alias="timeout"
    )
    """Sent as ``timeout``: the upstream timeout in seconds for this completion (the gateway's
    own default is 300 s). ``ChatCompletionParams(timeout=30)`` works too (the 0.1.11 name); as
    a keyword argument of ``create()``, ``timeout=`` is the client's HTTP timeout, so use
    ``upstream_timeout=`` there."""
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
    image: Optional[
        Annotated[Union[Dict[str, Any], ImageOptions], Field(union_mode="left_to_right")]
    ] = None
    """Image options when ``modality="image"`` (a dict or :class:`ImageOptions`)."""
    async_mode: Optional[bool] = None
    modalities: Optional[List[str]] = None
    """Output modalities, for example ``["text", "audio"]``."""
    audio: Optional[
        Annotated[Union[Dict[str, Any], AudioOutputOptions], Field(union_mode="left_to_right")]
    ] = None
    """Audio output options, for example ``{"voice": "alloy", "format": "wav"}`` (or
    :class:`AudioOutputOptions`)."""
    models: Optional[List[str]] = None
    """Server-side fallback list, tried in order when the first model fails."""
    provider: Optional[
        Annotated[Union[Dict[str, Any], ProviderPreferences], Field(union_mode="left_to_right")]
    ] = None
    """Provider routing preferences (a dict or :class:`ProviderPreferences`)."""


class ChatCompletionChoice(ResponseModel):
    """One choice of a chat completion."""

    index: int
    message: ChatCompletionMessage
    finish_reason: Optional[str] = None
    """Known values: ``stop``, ``length``, ``tool_calls``, ``content_filter``."""
    logprobs: Optional[Dict[str, Any]] = None


class ChatCompletionResponse(ResponseModel):
    """A ``chat.completion`` object. ``cost`` (a decimal string, in USD) appears when the gateway
    reports it; routing details arrive as response headers, not here."""

    id: str
    object: str
    created: int
    model: str
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


ChatCompletionChunkDelta = ChoiceDelta
"""The name meshapi 0.1.4 used for :class:`ChoiceDelta` (the same class)."""


class ChatCompletionChunkChoice(ResponseModel):
    """One choice of a stream chunk. A chunk without ``delta`` gets an empty one."""

    index: int
    delta: ChoiceDelta = Field(default_factory=ChoiceDelta)
    finish_reason: Optional[str] = None
    logprobs: Optional[Dict[str, Any]] = None


class ChatCompletionChunk(ResponseModel):
    """A ``chat.completion.chunk`` of a streamed chat completion.

    The last chunk may carry ``usage`` (and ``cost``) with ``choices == []``. A gateway cache
    replay arrives as one chunk whose id starts with ``chatcmpl-cached-``.
    """

    id: str
    object: str
    created: int
    model: str
    choices: List[ChatCompletionChunkChoice]
    usage: Optional[Usage] = None
    cost: Optional[str] = None
    system_fingerprint: Optional[str] = None
