"""Every request and response model of the SDK (pydantic v2), one labelled section per endpoint.

Rule: this module does no I/O. It describes bodies; the HTTP core sends them and parses answers.

Two bases carry the house conventions:

- :class:`RequestModel` forbids unknown fields, so a typo (``max_token=``) is a validation error
  naming the field instead of a silent no-op. Every params model has ``extra_body``, the escape
  hatch for fields the SDK does not know yet, and :meth:`RequestModel.to_wire` builds the JSON
  body: ``None`` fields are left out, ``extra_body`` is merged last and wins. Each request model
  has a TypedDict twin, ``<Model>Dict``: a dict given where a model goes (messages, tools,
  content parts) is validated by the model, just as strictly (a misspelt nested key is an error
  naming it), and type checkers check it against the twin.
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
- Model search, ``GET /v1/models/search``: :class:`ModelSearchParams`, :class:`ModelsPage`.
- Stored responses, ``GET /v1/responses[/{id}]``: :class:`ResponsesListResponse`.
- Moderations, ``POST /v1/moderations``: :class:`ModerationParams`, :class:`ModerationResponse`.
- Web search, ``POST /v1/web/search``: :class:`WebSearchParams`, :class:`WebSearchResponse`.
- Router select, ``POST /v1/router/select``: :class:`RouterSelectParams`,
  :class:`RouterSelectResponse`.

Speed: chat chunks, completions, embeddings and the model catalogue are parsed with
``Model.model_validate_json(bytes)`` on hot paths, so their models have no Python validators;
only request models (validated once, when the caller builds them) run Python code.

The models live in one module per endpoint (``meshapi._types.chat``, ...), loaded on first
use: ``from meshapi._types import ChatCompletionParams`` loads the chat section only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Tuple

from .._lazy import lazy_attributes

if TYPE_CHECKING:
    # What type checkers see: each module's own literal __all__.
    from ._base import *  # noqa: F403
    from .audio import *  # noqa: F403
    from .batches import *  # noqa: F403
    from .chat import *  # noqa: F403
    from .compare import *  # noqa: F403
    from .embeddings import *  # noqa: F403
    from .errors import *  # noqa: F403
    from .images import *  # noqa: F403
    from .models import *  # noqa: F403
    from .moderations import *  # noqa: F403
    from .parsed import *  # noqa: F403
    from .rag import *  # noqa: F403
    from .responses import *  # noqa: F403
    from .router import *  # noqa: F403
    from .templates import *  # noqa: F403
    from .videos import *  # noqa: F403
    from .web import *  # noqa: F403

# Which module defines each public name: written here once (besides the module's own __all__,
# which tests/unit/test_exports.py checks against this table). `__all__` and the lazy loader
# (PEP 562) are derived from it, so `from meshapi._types import ChatCompletionParams` loads the
# chat section only.
_EXPORTS: Dict[str, Tuple[str, ...]] = {
    "._base": (
        "CompletionTokensDetails",
        "PromptTokensDetails",
        "RequestModel",
        "ResponseModel",
        "TokenUsage",
        "Usage",
        "UsageInfo",
    ),
    ".batches": (
        "BatchList",
        "BatchListResponse",
        "BatchObject",
        "BatchRequestCounts",
        "BatchRequestItem",
        "BatchRequestItemDict",
        "CreateBatchParams",
        "CreateBatchParamsDict",
    ),
    ".chat": (
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
    ),
    ".compare": (
        "CompareModelOverride",
        "CompareModelOverrideDict",
        "CompareParams",
        "CompareParamsDict",
        "CompareResponse",
        "CompareResult",
        "CompareStreamEvent",
        "ModelOverride",
    ),
    ".embeddings": (
        "EmbeddingItem",
        "EmbeddingsData",
        "EmbeddingsParams",
        "EmbeddingsParamsDict",
        "EmbeddingsResponse",
        "ImageEmbeddingUrl",
        "ImageEmbeddingUrlDict",
        "MultimodalEmbeddingInput",
        "MultimodalEmbeddingInputDict",
        "VideoEmbeddingUrl",
        "VideoEmbeddingUrlDict",
        "EmbeddingsUsage",
    ),
    ".errors": (
        "ApiErrorBody",
        "ApiErrorEnvelope",
    ),
    ".images": (
        "ImageData",
        "ImageEditParams",
        "ImageEditParamsDict",
        "ImageGenerationChunk",
        "ImageGenerationParams",
        "ImageGenerationParamsDict",
        "ImageGenerationResponse",
        "ImageItem",
        "ImageRef",
        "ImageRefDict",
        "ImageStreamEvent",
        "ImageUsage",
    ),
    ".models": (
        "ListModelsParams",
        "ListModelsParamsDict",
        "ModelInfo",
        "ModelPricing",
        "ModelSearchParams",
        "ModelSearchParamsDict",
        "ModelsPage",
    ),
    ".moderations": (
        "ModerationImageUrl",
        "ModerationImageUrlDict",
        "ModerationInputItem",
        "ModerationInputItemDict",
        "ModerationParams",
        "ModerationParamsDict",
        "ModerationResponse",
        "ModerationResult",
    ),
    ".parsed": (
        "ParsedChatCompletion",
        "ParsedChatCompletionMessage",
        "ParsedChoice",
        "ParsedFunction",
        "ParsedResponse",
        "ParsedToolCall",
    ),
    ".rag": (
        "BulkEmbedRequest",
        "BulkEmbedRequestDict",
        "BulkEmbedResponse",
        "BulkEmbedResult",
        "InitUploadRequest",
        "InitUploadRequestDict",
        "InitUploadResponse",
        "RagFileListResponse",
        "RagFileStatus",
        "SearchRequest",
        "SearchRequestDict",
        "SearchResponse",
        "SearchResult",
        "UploadFileParams",
        "UploadFileParamsDict",
    ),
    ".responses": (
        "BuiltinTool",
        "BuiltinToolDict",
        "ResponseOutputContent",
        "ResponseOutputItem",
        "ResponsesFunctionTool",
        "ResponsesFunctionToolDict",
        "ResponsesParams",
        "ResponsesParamsDict",
        "ResponsesListItem",
        "ResponsesListResponse",
        "ResponsesResponse",
        "ResponsesStreamEvent",
        "ResponsesUsage",
    ),
    ".router": (
        "AutoRouterMeta",
        "RouterSelectParams",
        "RouterSelectParamsDict",
        "RouterSelectResponse",
    ),
    ".templates": (
        "CreateTemplateParams",
        "CreateTemplateParamsDict",
        "DeleteTemplateResponse",
        "TemplateSummary",
        "UpdateTemplateParams",
        "UpdateTemplateParamsDict",
    ),
    ".web": (
        "WebSearchParams",
        "WebSearchParamsDict",
        "WebSearchResponse",
        "WebSearchResultItem",
    ),
    # 0.1.11 media: audio and video (images edits are in ".images").
    ".audio": (
        "AudioTranslationsParams",
        "AudioTranslationsParamsDict",
        "ListVoicesParams",
        "ListVoicesParamsDict",
        "PronunciationDictionaryLocator",
        "PronunciationDictionaryLocatorDict",
        "SpeechParams",
        "SpeechParamsDict",
        "TranscriptionParams",
        "TranscriptionParamsDict",
        "TranscriptionResponse",
        "TranscriptionTranslateParams",
        "TranscriptionTranslateParamsDict",
        "Voice",
        "VoiceSettings",
        "VoiceSettingsDict",
        "VoicesResponse",
    ),
    ".videos": (
        "VIDEO_TERMINAL_STATUSES",
        "CreateVideoGenerationResponse",
        "ListVideoGenerationsParams",
        "ListVideoGenerationsParamsDict",
        "VideoContentItem",
        "VideoContentItemDict",
        "VideoGenerationParams",
        "VideoGenerationParamsDict",
        "VideoTaskContent",
        "VideoTaskError",
        "VideoTaskListResponse",
        "VideoTaskResponse",
        "VideoTaskUsage",
    ),
}

if not TYPE_CHECKING:
    # Hidden from type checkers, which read the star imports above instead: a misspelt name is
    # still an error in the user's editor, not an Any.
    __getattr__, __dir__, __all__ = lazy_attributes(__name__, globals(), _EXPORTS)
