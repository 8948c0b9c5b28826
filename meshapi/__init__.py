"""meshapi: the Python SDK for the MeshAPI AI model gateway.

>>> from meshapi import MeshAPI, ChatCompletionParams, ChatMessage
>>> client = MeshAPI(token="rsk_...")

Everything public is importable from here. The realtime names load ``websockets`` support
only when first used, so ``import meshapi`` stays light.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._client import AsyncMeshAPI, MeshAPI
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InternalServerError,
    InvalidResponseError,
    MeshAPIError,
    NotFoundError,
    PaymentRequiredError,
    PermissionDeniedError,
    RateLimitError,
    StreamError,
    StreamInterruptedError,
    UnprocessableEntityError,
)
from ._http import AsyncHttpClient, SyncHttpClient
from ._sse import ServerSentEvent
from ._streaming import AsyncStream, Stream
from ._types import (
    BatchList,
    BatchObject,
    BatchRequestCounts,
    BatchRequestItem,
    BulkEmbedRequest,
    BulkEmbedResponse,
    BulkEmbedResult,
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
    CompareModelOverride,
    CompareParams,
    CompareResponse,
    CompareResult,
    CompareStreamEvent,
    CompletionTokensDetails,
    ContentPart,
    ContentPartImage,
    ContentPartInputAudio,
    ContentPartText,
    CreateBatchParams,
    CreateTemplateParams,
    DeleteTemplateResponse,
    EmbeddingsData,
    EmbeddingsParams,
    EmbeddingsResponse,
    ImageData,
    ImageGenerationParams,
    ImageGenerationResponse,
    ImageStreamEvent,
    ImageURL,
    ImageUsage,
    InitUploadRequest,
    InitUploadResponse,
    InputAudio,
    MessageParam,
    ModelInfo,
    ModelPricing,
    PromptTokensDetails,
    RagFileListResponse,
    RagFileStatus,
    ResponseOutputContent,
    ResponseOutputItem,
    ResponsesParams,
    ResponsesResponse,
    ResponsesStreamEvent,
    ResponsesUsage,
    SearchRequest,
    SearchResponse,
    SearchResult,
    TemplateSummary,
    Tool,
    ToolCall,
    ToolCallFunction,
    ToolFunction,
    UpdateTemplateParams,
    UploadFileParams,
    Usage,
)
from ._version import __version__
from .resources.batches import AsyncBatchesResource, BatchesResource
from .resources.chat import (
    AsyncChatCompletionsResource,
    AsyncChatResource,
    ChatCompletionsResource,
    ChatResource,
)
from .resources.compare import AsyncCompareResource, CompareResource
from .resources.embeddings import AsyncEmbeddingsResource, EmbeddingsResource
from .resources.images import AsyncImagesResource, ImagesResource
from .resources.models import AsyncModelsResource, ModelsResource
from .resources.rag import AsyncRagResource, RagResource
from .resources.responses import AsyncResponsesResource, ResponsesResource
from .resources.templates import AsyncTemplatesResource, TemplatesResource

if TYPE_CHECKING:
    from .resources.realtime import (
        AsyncRealtimeResource,
        AsyncRealtimeSession,
        RealtimeError,
        RealtimeMessage,
        RealtimeResource,
        RealtimeSession,
    )

_REALTIME = frozenset(
    {
        "AsyncRealtimeResource",
        "AsyncRealtimeSession",
        "RealtimeError",
        "RealtimeMessage",
        "RealtimeResource",
        "RealtimeSession",
    }
)


def __getattr__(name: str) -> Any:
    # The realtime module is loaded on first use (PEP 562), not by `import meshapi`.
    if name in _REALTIME:
        from .resources import realtime

        return getattr(realtime, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncBatchesResource",
    "AsyncChatCompletionsResource",
    "AsyncChatResource",
    "AsyncCompareResource",
    "AsyncEmbeddingsResource",
    "AsyncHttpClient",
    "AsyncImagesResource",
    "AsyncMeshAPI",
    "AsyncModelsResource",
    "AsyncRagResource",
    "AsyncRealtimeResource",
    "AsyncRealtimeSession",
    "AsyncResponsesResource",
    "AsyncStream",
    "AsyncTemplatesResource",
    "AuthenticationError",
    "BadRequestError",
    "BatchList",
    "BatchObject",
    "BatchRequestCounts",
    "BatchRequestItem",
    "BatchesResource",
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
    "ChatCompletionsResource",
    "ChatMessage",
    "ChatResource",
    "ChoiceDelta",
    "ChoiceDeltaToolCall",
    "ChoiceDeltaToolCallFunction",
    "CompareModelOverride",
    "CompareParams",
    "CompareResource",
    "CompareResponse",
    "CompareResult",
    "CompareStreamEvent",
    "CompletionTokensDetails",
    "ConflictError",
    "ContentPart",
    "ContentPartImage",
    "ContentPartInputAudio",
    "ContentPartText",
    "CreateBatchParams",
    "CreateTemplateParams",
    "DeleteTemplateResponse",
    "EmbeddingsData",
    "EmbeddingsParams",
    "EmbeddingsResource",
    "EmbeddingsResponse",
    "ImageData",
    "ImageGenerationParams",
    "ImageGenerationResponse",
    "ImageStreamEvent",
    "ImageURL",
    "ImageUsage",
    "ImagesResource",
    "InitUploadRequest",
    "InitUploadResponse",
    "InputAudio",
    "InternalServerError",
    "InvalidResponseError",
    "MeshAPI",
    "MeshAPIError",
    "MessageParam",
    "ModelInfo",
    "ModelPricing",
    "ModelsResource",
    "NotFoundError",
    "PaymentRequiredError",
    "PermissionDeniedError",
    "PromptTokensDetails",
    "RagFileListResponse",
    "RagFileStatus",
    "RagResource",
    "RateLimitError",
    "RealtimeError",
    "RealtimeMessage",
    "RealtimeResource",
    "RealtimeSession",
    "ResponseOutputContent",
    "ResponseOutputItem",
    "ResponsesParams",
    "ResponsesResource",
    "ResponsesResponse",
    "ResponsesStreamEvent",
    "ResponsesUsage",
    "SearchRequest",
    "SearchResponse",
    "SearchResult",
    "ServerSentEvent",
    "Stream",
    "StreamError",
    "StreamInterruptedError",
    "SyncHttpClient",
    "TemplateSummary",
    "TemplatesResource",
    "Tool",
    "ToolCall",
    "ToolCallFunction",
    "ToolFunction",
    "UnprocessableEntityError",
    "UpdateTemplateParams",
    "UploadFileParams",
    "Usage",
    "__version__",
]
