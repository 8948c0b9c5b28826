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

The models live in one module per endpoint (``meshapi._types.chat``, ...), loaded on first
use: ``from meshapi._types import ChatCompletionParams`` loads the chat section only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict

from .._lazy import lazy_attributes

if TYPE_CHECKING:
    from ._base import (
        CompletionTokensDetails,
        PromptTokensDetails,
        RequestModel,
        ResponseModel,
        Usage,
    )
    from .batches import (
        BatchList,
        BatchObject,
        BatchRequestCounts,
        BatchRequestItem,
        CreateBatchParams,
    )
    from .chat import (
        ChatCompletionAudio,
        ChatCompletionChoice,
        ChatCompletionChunk,
        ChatCompletionChunkChoice,
        ChatCompletionMessage,
        ChatCompletionParams,
        ChatCompletionResponse,
        ChatMessage,
        ChoiceDelta,
        ChoiceDeltaToolCall,
        ChoiceDeltaToolCallFunction,
        ContentPart,
        ContentPartImage,
        ContentPartInputAudio,
        ContentPartText,
        ImageURL,
        InputAudio,
        MessageParam,
        Tool,
        ToolCall,
        ToolCallFunction,
        ToolFunction,
    )
    from .compare import (
        CompareModelOverride,
        CompareParams,
        CompareResponse,
        CompareResult,
        CompareStreamEvent,
    )
    from .embeddings import (
        EmbeddingsData,
        EmbeddingsParams,
        EmbeddingsResponse,
    )
    from .images import (
        ImageData,
        ImageGenerationParams,
        ImageGenerationResponse,
        ImageStreamEvent,
        ImageUsage,
    )
    from .models import (
        ModelInfo,
        ModelPricing,
    )
    from .rag import (
        BulkEmbedRequest,
        BulkEmbedResponse,
        BulkEmbedResult,
        InitUploadRequest,
        InitUploadResponse,
        RagFileListResponse,
        RagFileStatus,
        SearchRequest,
        SearchResponse,
        SearchResult,
        UploadFileParams,
    )
    from .responses import (
        ResponseOutputContent,
        ResponseOutputItem,
        ResponsesParams,
        ResponsesResponse,
        ResponsesStreamEvent,
        ResponsesUsage,
    )
    from .templates import (
        CreateTemplateParams,
        DeleteTemplateResponse,
        TemplateSummary,
        UpdateTemplateParams,
    )

_HOME: Dict[str, str] = {
    "BatchList": ".batches",
    "BatchObject": ".batches",
    "BatchRequestCounts": ".batches",
    "BatchRequestItem": ".batches",
    "BulkEmbedRequest": ".rag",
    "BulkEmbedResponse": ".rag",
    "BulkEmbedResult": ".rag",
    "ChatCompletionAudio": ".chat",
    "ChatCompletionChoice": ".chat",
    "ChatCompletionChunk": ".chat",
    "ChatCompletionChunkChoice": ".chat",
    "ChatCompletionMessage": ".chat",
    "ChatCompletionParams": ".chat",
    "ChatCompletionResponse": ".chat",
    "ChatMessage": ".chat",
    "ChoiceDelta": ".chat",
    "ChoiceDeltaToolCall": ".chat",
    "ChoiceDeltaToolCallFunction": ".chat",
    "CompareModelOverride": ".compare",
    "CompareParams": ".compare",
    "CompareResponse": ".compare",
    "CompareResult": ".compare",
    "CompareStreamEvent": ".compare",
    "CompletionTokensDetails": "._base",
    "ContentPart": ".chat",
    "ContentPartImage": ".chat",
    "ContentPartInputAudio": ".chat",
    "ContentPartText": ".chat",
    "CreateBatchParams": ".batches",
    "CreateTemplateParams": ".templates",
    "DeleteTemplateResponse": ".templates",
    "EmbeddingsData": ".embeddings",
    "EmbeddingsParams": ".embeddings",
    "EmbeddingsResponse": ".embeddings",
    "ImageData": ".images",
    "ImageGenerationParams": ".images",
    "ImageGenerationResponse": ".images",
    "ImageStreamEvent": ".images",
    "ImageURL": ".chat",
    "ImageUsage": ".images",
    "InitUploadRequest": ".rag",
    "InitUploadResponse": ".rag",
    "InputAudio": ".chat",
    "MessageParam": ".chat",
    "ModelInfo": ".models",
    "ModelPricing": ".models",
    "PromptTokensDetails": "._base",
    "RagFileListResponse": ".rag",
    "RagFileStatus": ".rag",
    "RequestModel": "._base",
    "ResponseModel": "._base",
    "ResponseOutputContent": ".responses",
    "ResponseOutputItem": ".responses",
    "ResponsesParams": ".responses",
    "ResponsesResponse": ".responses",
    "ResponsesStreamEvent": ".responses",
    "ResponsesUsage": ".responses",
    "SearchRequest": ".rag",
    "SearchResponse": ".rag",
    "SearchResult": ".rag",
    "TemplateSummary": ".templates",
    "Tool": ".chat",
    "ToolCall": ".chat",
    "ToolCallFunction": ".chat",
    "ToolFunction": ".chat",
    "UpdateTemplateParams": ".templates",
    "UploadFileParams": ".rag",
    "Usage": "._base",
}


if not TYPE_CHECKING:
    # Hidden from type checkers: they see the real imports above, so a misspelt name is still
    # an error in the user's editor instead of an Any.
    __getattr__, __dir__ = lazy_attributes(__name__, globals(), _HOME)


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
