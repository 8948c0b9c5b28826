"""Every request and response model of the SDK (pydantic v2), one labelled section per endpoint.

Rule: this module does no I/O. It describes bodies; the HTTP core sends them and parses answers.

Two bases carry the house conventions:

- :class:`RequestModel` forbids unknown fields, so a typo (``max_token=``) is a validation error
  naming the field instead of a silent no-op. Every params model has ``extra_body``, the escape
  hatch for fields the SDK does not know yet, and :meth:`RequestModel.to_wire` builds the JSON
  body: ``None`` fields are left out, ``extra_body`` is merged last and wins. Plain dicts given
  where a model is also accepted (messages, tools, content parts) are sent exactly as given.
- :class:`ResponseModel` keeps unknown fields (readable as attributes and in ``model_extra``),
  because the gateway adds response fields over time and an old client must keep working. Only
  what is always present is required, so a body missing it fails validation and the core
  reports ``invalid_response``.

Open string enums (``status``, ``finish_reason``, ``object``...) are typed ``str`` in responses:
a value added by the gateway later must not break parsing.

Sections:

- Shared: :class:`Usage` and its detail models.
- Chat completions, ``POST /v1/chat/completions``: :class:`ChatCompletionParams`,
  :class:`ChatMessage`, content parts, :class:`Tool`, :class:`ToolCall`,
  :class:`ChatCompletionResponse`, :class:`ChatCompletionChunk` (``stream: true``).
- Responses, ``POST /v1/responses``: :class:`ResponsesParams`, :class:`ResponsesResponse`,
  :class:`ResponsesStreamEvent`.
- Embeddings, ``POST /v1/embeddings``: :class:`EmbeddingsParams`, :class:`EmbeddingsResponse`.
- Compare, ``POST /v1/chat/compare``: :class:`CompareParams`, :class:`CompareResponse`,
  :class:`CompareStreamEvent`.
- Batches, ``/v1/batches``: :class:`CreateBatchParams`, :class:`BatchObject`, :class:`BatchList`.
- RAG files, ``/v1/files``: :class:`InitUploadRequest`, :class:`RagFileStatus`,
  :class:`BulkEmbedRequest`, :class:`SearchRequest` and their answers.
- Models, ``GET /v1/models``: :class:`ModelInfo`, :class:`ModelPricing` (the endpoint answers a
  bare JSON array: parse it as ``List[ModelInfo]``).
- Templates, ``/v1/templates``: :class:`CreateTemplateParams`, :class:`UpdateTemplateParams`,
  :class:`TemplateSummary`, :class:`DeleteTemplateResponse`.
- Images, ``POST /v1/images/generations``: :class:`ImageGenerationParams`,
  :class:`ImageGenerationResponse`, :class:`ImageStreamEvent`.

Speed: chat chunks, completions, embeddings and the model catalogue are parsed with
``Model.model_validate_json(bytes)`` on hot paths, so their models have no Python validators;
only request models (validated once, when the caller builds them) run Python code.
"""

from __future__ import annotations

import base64
import binascii
import sys
from array import array
from typing import Annotated, Any, ClassVar, Dict, List, Literal, Optional, Set, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "BatchList",
    "BatchObject",
    "BatchRequestCounts",
    "BatchRequestItem",
    "BulkEmbedRequest",
    "BulkEmbedResponse",
    "BulkEmbedResult",
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
    "CompareModelOverride",
    "CompareParams",
    "CompareResponse",
    "CompareResult",
    "CompareStreamEvent",
    "CompletionTokensDetails",
    "ContentPart",
    "ContentPartImage",
    "ContentPartInputAudio",
    "ContentPartText",
    "CreateBatchParams",
    "CreateTemplateParams",
    "DeleteTemplateResponse",
    "EmbeddingsData",
    "EmbeddingsParams",
    "EmbeddingsResponse",
    "ImageData",
    "ImageGenerationParams",
    "ImageGenerationResponse",
    "ImageStreamEvent",
    "ImageURL",
    "ImageUsage",
    "InitUploadRequest",
    "InitUploadResponse",
    "InputAudio",
    "MessageParam",
    "ModelInfo",
    "ModelPricing",
    "PromptTokensDetails",
    "RagFileListResponse",
    "RagFileStatus",
    "RequestModel",
    "ResponseModel",
    "ResponseOutputContent",
    "ResponseOutputItem",
    "ResponsesParams",
    "ResponsesResponse",
    "ResponsesStreamEvent",
    "ResponsesUsage",
    "SearchRequest",
    "SearchResponse",
    "SearchResult",
    "TemplateSummary",
    "Tool",
    "ToolCall",
    "ToolCallFunction",
    "ToolFunction",
    "UpdateTemplateParams",
    "UploadFileParams",
    "Usage",
]


# ==============================================================================================
# Bases
# ==============================================================================================


class _RequestPart(BaseModel):
    """Base of request-only models nested inside a params model (messages, tools, parts...).

    Unknown fields are rejected so that a typo is reported, not dropped. Nested parts have no
    ``extra_body`` of their own: pass a plain dict instead of the model to send fields the SDK
    does not know.
    """

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, protected_namespaces=(), defer_build=True
    )


class RequestModel(BaseModel):
    """Base of every request params model: forbids unknown fields, builds the wire body.

    ``extra_body`` holds fields the SDK does not model yet; they are merged into the body last,
    so they also override a modelled field, and a ``None`` value there is sent as JSON ``null``
    (the only way to send an explicit null, since ``None`` fields are otherwise left out).
    """

    model_config = ConfigDict(
        extra="forbid", populate_by_name=True, protected_namespaces=(), defer_build=True
    )

    # Fields that are never part of the JSON body. A class-level constant so that to_wire does
    # no per-call work beyond model_dump.
    _wire_exclude: ClassVar[Set[str]] = {"extra_body"}

    extra_body: Optional[Dict[str, Any]] = None
    """Extra JSON fields merged into the body as given; its keys win over modelled fields."""

    def to_wire(self) -> Dict[str, Any]:
        """Return the JSON body: ``None`` fields left out, ``extra_body`` merged last."""
        body = self.model_dump(
            mode="json", exclude_none=True, by_alias=True, exclude=self._wire_exclude
        )
        extra = self.extra_body
        if extra:
            body.update(extra)
        return body


class ResponseModel(BaseModel):
    """Base of every response model: unknown fields are kept and readable as attributes."""

    model_config = ConfigDict(
        extra="allow", populate_by_name=True, protected_namespaces=(), defer_build=True
    )


# ==============================================================================================
# Shared: token usage
# ==============================================================================================


class PromptTokensDetails(ResponseModel):
    """Breakdown of the prompt tokens (cached and audio tokens, when the provider reports them)."""

    cached_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None


class CompletionTokensDetails(ResponseModel):
    """Breakdown of the completion tokens (reasoning, audio, prediction tokens)."""

    reasoning_tokens: Optional[int] = None
    audio_tokens: Optional[int] = None
    accepted_prediction_tokens: Optional[int] = None
    rejected_prediction_tokens: Optional[int] = None


class Usage(ResponseModel):
    """Token counts of a chat completion, an embeddings call or one compared model.

    A count the gateway left out reads as 0; ``"total_tokens" in usage.model_fields_set`` tells
    a reported 0 from a missing one. Embeddings report no ``completion_tokens``.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    prompt_tokens_details: Optional[PromptTokensDetails] = None
    completion_tokens_details: Optional[CompletionTokensDetails] = None


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
    """Base64 audio sent inside a user message."""

    data: str
    format: str
    """``"wav"``, ``"mp3"``..."""


class ContentPartInputAudio(_RequestPart):
    """An audio clip in a user message."""

    type: Literal["input_audio"] = "input_audio"
    input_audio: InputAudio


# A dict is tried first so that it goes to the wire exactly as given (new part types such as
# "file", or provider fields such as "cache_control"); models are kept as the models they are.
ContentPart = Annotated[
    Union[Dict[str, Any], ContentPartText, ContentPartImage, ContentPartInputAudio],
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
    reasoning_effort: Optional[str] = None
    # MeshAPI fields
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


# ==============================================================================================
# Responses: POST /v1/responses
# ==============================================================================================


class ResponsesParams(RequestModel):
    """Body of ``POST /v1/responses`` (reasoning models).

    ``input`` is a string or a list of input items (dicts, or :class:`ChatMessage` for plain
    role/content messages). ``tools`` holds function tools in the Responses shape
    (``{"type": "function", "name": ..., "parameters": ...}``) and built-in tool objects.
    """

    model: Optional[str] = None
    input: Union[str, List[MessageParam]]
    instructions: Optional[str] = None
    reasoning: Optional[Dict[str, Any]] = None
    """For example ``{"effort": "medium"}``."""
    max_output_tokens: Optional[int] = None
    tools: Optional[List[Dict[str, Any]]] = None
    tool_choice: Optional[Union[str, Dict[str, Any]]] = None
    parallel_tool_calls: Optional[bool] = None
    response_format: Optional[Dict[str, Any]] = None
    text: Optional[Dict[str, Any]] = None
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    previous_response_id: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None
    store: Optional[bool] = None
    include: Optional[List[str]] = None
    truncation: Optional[str] = None
    user: Optional[str] = None
    template: Optional[str] = None
    variables: Optional[Dict[str, Any]] = None
    stream: Optional[bool] = None


class ResponseOutputContent(ResponseModel):
    """A content part of an output item (``output_text``, ``refusal``, ``reasoning_text``...)."""

    type: str
    text: Optional[str] = None
    refusal: Optional[str] = None
    annotations: Optional[List[Dict[str, Any]]] = None


class ResponseOutputItem(ResponseModel):
    """An item of ``output``: a ``message``, a ``function_call``, a ``reasoning`` item...

    Fields that do not apply to an item's ``type`` are ``None``; item-specific fields not listed
    here are kept as extras.
    """

    type: str
    id: Optional[str] = None
    status: Optional[str] = None
    role: Optional[str] = None
    content: Optional[List[ResponseOutputContent]] = None
    # function_call items
    call_id: Optional[str] = None
    name: Optional[str] = None
    arguments: Optional[str] = None
    # reasoning items
    summary: Optional[List[Dict[str, Any]]] = None


class ResponsesUsage(ResponseModel):
    """Token counts of a response; a count the gateway left out reads as 0."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: Optional[Dict[str, Any]] = None
    output_tokens_details: Optional[Dict[str, Any]] = None


class ResponsesResponse(ResponseModel):
    """A response object. ``status``: ``completed``, ``in_progress``, ``incomplete``, ``failed``...

    ``created_at`` is a float because the API documents it as a number.
    """

    id: str
    object: str = "response"
    created_at: Optional[float] = None
    model: Optional[str] = None
    status: Optional[str] = None
    output: List[ResponseOutputItem] = Field(default_factory=list)
    usage: Optional[ResponsesUsage] = None
    error: Optional[Dict[str, Any]] = None
    incomplete_details: Optional[Dict[str, Any]] = None
    instructions: Optional[Any] = None
    previous_response_id: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None

    @property
    def output_text(self) -> str:
        """The text of every ``output_text`` part of every ``message`` item, concatenated."""
        texts: List[str] = []
        for item in self.output:
            if item.type != "message" or not item.content:
                continue
            for part in item.content:
                if part.type == "output_text" and part.text:
                    texts.append(part.text)
        return "".join(texts)


class ResponsesStreamEvent(ResponseModel):
    """One event of a streamed response, told apart by ``type``.

    Known types include ``response.created`` / ``response.in_progress`` / ``response.completed``
    (with ``response``), ``response.output_item.added`` / ``.done`` (with ``item``),
    ``response.output_text.delta`` (with ``delta``) and ``response.output_text.done`` (with
    ``text``). Fields of other event types are kept as extras.
    """

    type: str
    sequence_number: Optional[int] = None
    delta: Optional[str] = None
    text: Optional[str] = None
    response: Optional[ResponsesResponse] = None
    item: Optional[ResponseOutputItem] = None
    item_id: Optional[str] = None
    output_index: Optional[int] = None
    content_index: Optional[int] = None


# ==============================================================================================
# Embeddings: POST /v1/embeddings
# ==============================================================================================


class EmbeddingsParams(RequestModel):
    """Body of ``POST /v1/embeddings``.

    ``input`` is a string, a list of strings, a token list or a list of token lists. With
    ``encoding_format="base64"`` each embedding arrives as a base64 string; read it with
    :meth:`EmbeddingsData.vector`.
    """

    model: str
    input: Union[str, List[str], List[int], List[List[int]]]
    dimensions: Optional[int] = None
    encoding_format: Optional[Literal["float", "base64"]] = None
    input_type: Optional[str] = None
    provider: Optional[Union[str, Dict[str, Any]]] = None
    user: Optional[str] = None


class EmbeddingsData(ResponseModel):
    """One embedding: a list of floats, or a base64 string of little-endian float32."""

    object: str = "embedding"
    index: int
    # A float list first, left to right: the common case validates once, with no smart-union
    # scoring over a list of thousands of numbers.
    embedding: Annotated[Union[List[float], str], Field(union_mode="left_to_right")]

    def vector(self) -> List[float]:
        """Return the embedding as floats, decoding the base64 form when needed.

        Raises:
            ValueError: the base64 text is invalid or does not hold whole float32 values.
        """
        embedding = self.embedding
        if not isinstance(embedding, str):
            return embedding
        try:
            raw = base64.b64decode(embedding, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValueError(
                f"embedding {self.index} is not valid base64 ({exc}); expected base64 of "
                "little-endian float32 values"
            ) from exc
        if len(raw) % 4:
            raise ValueError(
                f"embedding {self.index} decodes to {len(raw)} bytes, which is not a multiple "
                "of 4: it is not a list of float32 values"
            )
        values = array("f")
        values.frombytes(raw)
        if sys.byteorder == "big":
            values.byteswap()
        return values.tolist()


class EmbeddingsResponse(ResponseModel):
    """The answer of ``POST /v1/embeddings``: ``data`` in input order, plus usage."""

    object: str = "list"
    data: List[EmbeddingsData]
    model: Optional[str] = None
    usage: Optional[Usage] = None


# ==============================================================================================
# Compare: POST /v1/chat/compare
# ==============================================================================================


class CompareModelOverride(_RequestPart):
    """Per-model parameters for one model of a compare call. Pass a dict for other fields."""

    model: str
    temperature: Optional[float] = None
    top_p: Optional[float] = None
    max_tokens: Optional[int] = None
    reasoning_effort: Optional[str] = None


class CompareParams(RequestModel):
    """Body of ``POST /v1/chat/compare``: one prompt sent to 1-10 models in parallel.

    The gateway removes duplicate models; the 1-10 count is checked here on the list as given.
    Unless ``skip_comparison`` is set, ``comparison_model`` writes a synthesis of the answers.
    """

    models: List[str] = Field(min_length=1, max_length=10)
    messages: List[MessageParam]
    model_overrides: Optional[
        List[
            Annotated[
                Union[Dict[str, Any], CompareModelOverride], Field(union_mode="left_to_right")
            ]
        ]
    ] = None
    comparison_model: Optional[str] = None
    comparison_instructions: Optional[str] = None
    temperature: Optional[float] = None
    max_tokens: Optional[int] = None
    skip_comparison: Optional[bool] = None
    template: Optional[str] = None
    variables: Optional[Dict[str, Any]] = None
    stream: Optional[bool] = None


class CompareResult(ResponseModel):
    """One model's answer in a compare call; ``error`` / ``error_code`` are set when it failed."""

    model: str
    content: Optional[str] = None
    response_body: Optional[Dict[str, Any]] = None
    """The model's full ``chat.completion`` body."""
    latency_ms: Optional[float] = None
    error: Optional[str] = None
    error_code: Optional[str] = None
    usage: Optional[Usage] = None
    request_id: Optional[str] = None
    """``req_...::<model>``."""


class CompareResponse(ResponseModel):
    """A ``compare.completion`` object. ``partial`` is true when some models failed."""

    object: str = "compare.completion"
    comparison_id: str
    models: List[str] = Field(default_factory=list)
    results: List[CompareResult]
    comparison: Optional[str] = None
    """The synthesis text, unless ``skip_comparison`` was set."""
    comparison_model: Optional[str] = None
    comparison_usage: Optional[Usage] = None
    comparison_fallback_used: Optional[bool] = None
    total_latency_ms: Optional[float] = None
    partial: Optional[bool] = None
    skip_comparison: Optional[bool] = None


class CompareStreamEvent(ResponseModel):
    """One event of a streamed compare call: its name, the whole payload, and its fields.

    ``event`` is the SSE event name. With synthesis: ``meta`` → ``model_chunk`` (one whole result
    per model) → ``model_done`` (``results``) → ``comparison_chunk`` (``delta``,
    ``finish_reason``)... → ``done``. With ``skip_comparison``: ``meta`` → per-token
    ``model_chunk`` (``model``, ``delta``, ``finish_reason``) → ``model_stream_done`` per model →
    ``done``. ``data`` is the payload as received; its keys are also copied to attributes for
    convenience (typed when listed here, as extras otherwise), and a field the event does not
    carry is ``None``.
    """

    # Payload keys that would clash with the event's own two fields: they stay in `data` only.
    _reserved: ClassVar[Set[str]] = {"event", "data"}

    event: str
    data: Dict[str, Any] = Field(default_factory=dict)
    model: Optional[str] = None
    delta: Optional[str] = None
    finish_reason: Optional[str] = None
    error: Optional[str] = None
    error_code: Optional[str] = None
    latency_ms: Optional[float] = None
    usage: Optional[Usage] = None
    results: Optional[List[CompareResult]] = None
    comparison_id: Optional[str] = None
    models: Optional[List[str]] = None
    comparison_model: Optional[str] = None
    comparison_fallback_used: Optional[bool] = None
    total_latency_ms: Optional[float] = None
    partial: Optional[bool] = None
    skip_comparison: Optional[bool] = None

    @classmethod
    def from_sse(cls, event: Optional[str], data: Dict[str, Any]) -> CompareStreamEvent:
        """Build an event from an SSE frame's ``event:`` name and decoded ``data:`` JSON.

        Compare frames always name their event; without a name, the payload's ``type`` is used,
        else ``"message"`` (the SSE default).

        Raises:
            pydantic.ValidationError: a known field has the wrong type.
        """
        if not event:
            kind = data.get("type")
            event = kind if isinstance(kind, str) and kind else "message"
        reserved = cls._reserved
        fields: Dict[str, Any] = {k: v for k, v in data.items() if k not in reserved}
        fields["event"] = event
        fields["data"] = data
        return cls.model_validate(fields)


# ==============================================================================================
# Batches: /v1/batches
# ==============================================================================================


class BatchRequestItem(_RequestPart):
    """One request of a batch: an id of your choosing and a chat completions body."""

    custom_id: str
    method: Literal["POST"] = "POST"
    url: str = "/v1/chat/completions"
    body: Dict[str, Any]


class CreateBatchParams(RequestModel):
    """Body of ``POST /v1/batches``: the requests inline (no file upload), at least one."""

    requests: List[BatchRequestItem] = Field(min_length=1)
    completion_window: Optional[str] = None
    metadata: Optional[Dict[str, str]] = None


class BatchRequestCounts(ResponseModel):
    """How many requests of a batch exist, completed and failed."""

    total: int = 0
    completed: int = 0
    failed: int = 0


class BatchObject(ResponseModel):
    """A batch job.

    ``status``: ``validating`` → ``in_progress`` → ``finalizing`` → ``completed``, or ``failed``,
    ``expired``, ``cancelling`` → ``cancelled``. Timestamps are unix seconds.
    """

    id: str
    object: str = "batch"
    endpoint: Optional[str] = None
    status: str
    model: Optional[str] = None
    provider: Optional[str] = None
    completion_window: Optional[str] = None
    created_at: Optional[int] = None
    in_progress_at: Optional[int] = None
    completed_at: Optional[int] = None
    failed_at: Optional[int] = None
    cancelled_at: Optional[int] = None
    expires_at: Optional[int] = None
    request_counts: Optional[BatchRequestCounts] = None
    metadata: Optional[Dict[str, Any]] = None
    results: Optional[List[Dict[str, Any]]] = None
    errors_detail: Optional[List[Dict[str, Any]]] = None
    output_file_id: Optional[str] = None
    error_file_id: Optional[str] = None


class BatchList(ResponseModel):
    """A page of batches; fetch the next one with ``after=last_id`` while ``has_more``."""

    object: str = "list"
    data: List[BatchObject]
    has_more: bool = False
    first_id: Optional[str] = None
    last_id: Optional[str] = None


# ==============================================================================================
# RAG files: /v1/files
# ==============================================================================================

# Production does not document whether these timestamps are ISO-8601 strings or unix seconds:
# both are accepted, as given.
_Timestamp = Union[int, str]


class InitUploadRequest(RequestModel):
    """Body of ``POST /v1/files``: announce a file and get a signed URL to PUT its bytes to."""

    file_name: str
    mime_type: str
    embed: Optional[bool] = None
    """Embed the file as soon as it is uploaded."""
    metadata: Optional[Dict[str, Any]] = None


class UploadFileParams(RequestModel):
    """Arguments of the ``upload_file`` convenience: announce the file, then PUT ``content``.

    ``content`` is never part of the JSON body (:meth:`to_wire` gives the ``POST /v1/files``
    body) and is hidden from ``repr``.
    """

    _wire_exclude: ClassVar[Set[str]] = {"extra_body", "content"}

    file_name: str
    mime_type: str
    content: bytes = Field(repr=False)
    embed: Optional[bool] = None
    metadata: Optional[Dict[str, Any]] = None

    def to_init_request(self) -> InitUploadRequest:
        """Return the :class:`InitUploadRequest` of the first step (``extra_body`` included)."""
        return InitUploadRequest(
            file_name=self.file_name,
            mime_type=self.mime_type,
            embed=self.embed,
            metadata=self.metadata,
            extra_body=self.extra_body,
        )


class InitUploadResponse(ResponseModel):
    """Where to PUT the file: ``signed_url`` carries its own signature and expiry, so the PUT
    must not send the API key."""

    file_id: str
    signed_url: str
    expires_at: Optional[_Timestamp] = None


class RagFileStatus(ResponseModel):
    """A RAG file: ``upload_status`` (``pending`` → ``ready``) and ``embedding_status``
    (``pending``, ``processing``, ``ready``, ``failed``)."""

    file_id: str
    upload_status: Optional[str] = None
    file_name: Optional[str] = None
    file_type: Optional[str] = None
    mime_type: Optional[str] = None
    size_bytes: Optional[int] = None
    asset_url: Optional[str] = None
    signed_url: Optional[str] = None
    signed_url_expires_at: Optional[_Timestamp] = None
    embedding_status: Optional[str] = None
    created_at: Optional[_Timestamp] = None
    updated_at: Optional[_Timestamp] = None
    total_tokens: Optional[int] = None
    total_cost_usd: Optional[float] = None
    last_error_code: Optional[str] = None
    metadata: Optional[Dict[str, Any]] = None


class RagFileListResponse(ResponseModel):
    """A page of files (offset pagination)."""

    files: List[RagFileStatus]
    total: Optional[int] = None
    limit: Optional[int] = None
    offset: Optional[int] = None


class BulkEmbedRequest(RequestModel):
    """Body of ``POST /v1/files/embed``: 1-100 file ids; ``wait`` blocks until embedding ends."""

    file_ids: List[str] = Field(min_length=1, max_length=100)
    wait: Optional[bool] = None
    metadata: Optional[Dict[str, Any]] = None


class BulkEmbedResult(ResponseModel):
    """The embedding outcome of one file."""

    file_id: str
    embedding_status: Optional[str] = None
    chunk_count: Optional[int] = None
    error: Optional[str] = None


class BulkEmbedResponse(ResponseModel):
    """The answer of ``POST /v1/files/embed``: one result per file."""

    results: List[BulkEmbedResult]


class SearchRequest(RequestModel):
    """Body of ``POST /v1/files/search``; ``date_from`` / ``date_to`` are unix seconds."""

    query: str
    top_k: Optional[int] = None
    file_ids: Optional[List[str]] = None
    filter: Optional[Dict[str, Any]] = None
    """Metadata filter."""
    date_from: Optional[int] = None
    date_to: Optional[int] = None


class SearchResult(ResponseModel):
    """A matching chunk, with its surrounding text (``parent_text``) and its file."""

    score: float
    text: str
    parent_text: Optional[str] = None
    file_id: Optional[str] = None
    file_name: Optional[str] = None
    file_type: Optional[str] = None
    mime_type: Optional[str] = None
    chunk_index: Optional[int] = None
    created_at: Optional[_Timestamp] = None
    metadata: Optional[Dict[str, Any]] = None


class SearchResponse(ResponseModel):
    """The answer of ``POST /v1/files/search``, best match first."""

    results: List[SearchResult]


# ==============================================================================================
# Models: GET /v1/models (a bare JSON array: parse as List[ModelInfo])
# ==============================================================================================


class ModelPricing(ResponseModel):
    """Prices of a model in USD; the ``*_discounted`` fields apply ``discount_pct``."""

    prompt_usd_per_1k: Optional[float] = None
    completion_usd_per_1k: Optional[float] = None
    image_usd_per_image: Optional[float] = None
    discount_pct: Optional[float] = None
    prompt_usd_per_1k_discounted: Optional[float] = None
    completion_usd_per_1k_discounted: Optional[float] = None
    image_usd_per_image_discounted: Optional[float] = None


class ModelInfo(ResponseModel):
    """A model of the catalogue; ``id`` is ``provider/name`` (``openai/gpt-4o``)."""

    id: str
    name: Optional[str] = None
    description: Optional[str] = None
    context_length: Optional[int] = None
    is_free: Optional[bool] = None
    pricing: Optional[ModelPricing] = None
    supports_thinking: Optional[bool] = None
    supports_completions_api: Optional[bool] = None
    supports_responses_api: Optional[bool] = None
    model_type: Optional[str] = None
    input_modalities: Optional[List[str]] = None
    output_modalities: Optional[List[str]] = None


# ==============================================================================================
# Templates: /v1/templates
# ==============================================================================================


class CreateTemplateParams(RequestModel):
    """Body of ``POST /v1/templates``: a stored prompt with ``{{variable}}`` slots.

    ``model`` and ``params`` apply to requests that use the template unless they override them.
    """

    name: str
    description: Optional[str] = None
    system: Optional[str] = None
    messages: Optional[List[MessageParam]] = None
    model: Optional[str] = None
    params: Optional[Dict[str, Any]] = None
    variables: Optional[List[str]] = None


class UpdateTemplateParams(RequestModel):
    """Body of ``PATCH /v1/templates/{id}``: only the fields given are changed.

    ``None`` means "leave unchanged"; to clear a field, send an explicit null with
    ``extra_body={"description": None}``.
    """

    name: Optional[str] = None
    description: Optional[str] = None
    system: Optional[str] = None
    messages: Optional[List[MessageParam]] = None
    model: Optional[str] = None
    params: Optional[Dict[str, Any]] = None
    variables: Optional[List[str]] = None


class TemplateSummary(ResponseModel):
    """A stored template. Timestamps are kept as the ISO-8601 strings the API sends."""

    id: str
    name: str
    owner: Optional[str] = None
    is_global: Optional[bool] = None
    description: Optional[str] = None
    system: Optional[str] = None
    messages: Optional[List[Dict[str, Any]]] = None
    model: Optional[str] = None
    params: Optional[Dict[str, Any]] = None
    variables: Optional[List[str]] = None
    created_at: Optional[str] = None
    updated_at: Optional[str] = None


class DeleteTemplateResponse(ResponseModel):
    """The answer of ``DELETE /v1/templates/{id}``; a 204 answer gives an empty one."""

    id: Optional[str] = None
    deleted: Optional[bool] = None


# ==============================================================================================
# Images: POST /v1/images/generations
# ==============================================================================================


class ImageGenerationParams(RequestModel):
    """Body of ``POST /v1/images/generations``."""

    prompt: str
    model: Optional[str] = None
    n: Optional[int] = None
    size: Optional[str] = None
    """For example ``"1024x1024"``."""
    quality: Optional[str] = None
    """For example ``"low"``, ``"medium"``, ``"high"``, ``"auto"``."""
    response_format: Optional[Literal["url", "b64_json"]] = None
    output_format: Optional[Literal["png", "jpeg", "webp"]] = None
    output_compression: Optional[int] = None
    background: Optional[str] = None
    moderation: Optional[str] = None
    partial_images: Optional[int] = None
    stream: Optional[bool] = None
    user: Optional[str] = None


class ImageData(ResponseModel):
    """One generated image: a ``url`` or base64 ``b64_json``."""

    url: Optional[str] = None
    b64_json: Optional[str] = None
    revised_prompt: Optional[str] = None


class ImageUsage(ResponseModel):
    """Token counts of an image generation; a count the gateway left out reads as 0."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_tokens_details: Optional[Dict[str, Any]] = None


class ImageGenerationResponse(ResponseModel):
    """The answer of ``POST /v1/images/generations``."""

    created: Optional[int] = None
    data: List[ImageData]
    background: Optional[str] = None
    output_format: Optional[str] = None
    quality: Optional[str] = None
    size: Optional[str] = None
    usage: Optional[ImageUsage] = None


class ImageStreamEvent(ResponseModel):
    """One event of a streamed image generation (an ``image.chunk`` with ``status`` and
    ``data``, or a ``image_generation.partial_image`` / ``.completed`` event with ``b64_json``).
    """

    type: Optional[str] = None
    object: Optional[str] = None
    status: Optional[str] = None
    created: Optional[int] = None
    data: Optional[List[ImageData]] = None
    b64_json: Optional[str] = None
    partial_image_index: Optional[int] = None
    usage: Optional[ImageUsage] = None
