"""meshapi: the Python SDK for the MeshAPI AI model gateway.

>>> from meshapi import MeshAPI, ChatCompletionParams, ChatMessage
>>> client = MeshAPI(token="rsk_...")

Everything public is importable from here, and loads on first use (PEP 562): ``import meshapi``
costs almost nothing; ``from meshapi import MeshAPI`` loads the client and its transport; the
models, resources and streams load when first named or first used, and the realtime names never
load ``websockets`` until a session is opened.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Dict, Tuple

from . import _types
from ._lazy import lazy_attributes

if TYPE_CHECKING:
    # What type checkers see: the same names as _EXPORTS below (tests/unit/test_exports.py checks
    # that they agree). A star import where the module's own __all__ is exactly what we export.
    from ._accumulate import ChatCompletionAccumulator as ChatCompletionAccumulator
    from ._client import *  # noqa: F403
    from ._config import MeshAPIConfig as MeshAPIConfig
    from ._endpoint import BodyCallOptions as BodyCallOptions
    from ._endpoint import CallOptions as CallOptions
    from ._errors import APIConnectionError as APIConnectionError
    from ._errors import APIStatusError as APIStatusError
    from ._errors import APITimeoutError as APITimeoutError
    from ._errors import AuthenticationError as AuthenticationError
    from ._errors import BadRequestError as BadRequestError
    from ._errors import ClientClosedError as ClientClosedError
    from ._errors import ConflictError as ConflictError
    from ._errors import InternalServerError as InternalServerError
    from ._errors import InvalidRequestError as InvalidRequestError
    from ._errors import InvalidResponseError as InvalidResponseError
    from ._errors import MeshAPIError as MeshAPIError
    from ._errors import NotFoundError as NotFoundError
    from ._errors import PaymentRequiredError as PaymentRequiredError
    from ._errors import PermissionDeniedError as PermissionDeniedError
    from ._errors import RateLimitError as RateLimitError
    from ._errors import ResponseTooLargeError as ResponseTooLargeError
    from ._errors import StreamError as StreamError
    from ._errors import StreamInterruptedError as StreamInterruptedError
    from ._errors import UnprocessableEntityError as UnprocessableEntityError
    from ._http import AsyncHttpClient as AsyncHttpClient
    from ._http import SyncHttpClient as SyncHttpClient
    from ._limits import Timeout as Timeout
    from ._meta import ResponseMeta as ResponseMeta
    from ._pagination import ListPage as ListPage
    from ._reducers import ContentDeltaEvent as ContentDeltaEvent
    from ._reducers import DoneEvent as DoneEvent
    from ._reducers import RefusalDeltaEvent as RefusalDeltaEvent
    from ._reducers import ToolCallArgumentsDeltaEvent as ToolCallArgumentsDeltaEvent
    from ._request import NOT_GIVEN as NOT_GIVEN
    from ._request import NotGiven as NotGiven
    from ._sse import ServerSentEvent as ServerSentEvent
    from ._streaming import APIResponse as APIResponse
    from ._streaming import AsyncAPIResponse as AsyncAPIResponse
    from ._streaming import AsyncStream as AsyncStream
    from ._streaming import Stream as Stream
    from ._structured import PydanticFunctionTool as PydanticFunctionTool
    from ._structured import StructuredOutputError as StructuredOutputError
    from ._structured import pydantic_function_tool as pydantic_function_tool
    from ._types import *  # noqa: F403
    from ._version import __version__ as __version__
    from ._waiting import JobFailedError as JobFailedError
    from ._waiting import WaitTimeoutError as WaitTimeoutError
    from .resources._stream_helpers import AsyncCompareStream as AsyncCompareStream
    from .resources._stream_helpers import AsyncImageStream as AsyncImageStream
    from .resources._stream_helpers import AsyncResponseStream as AsyncResponseStream
    from .resources._stream_helpers import CompareStream as CompareStream
    from .resources._stream_helpers import ImageStream as ImageStream
    from .resources._stream_helpers import ResponseStream as ResponseStream
    from .resources.audio import *  # noqa: F403
    from .resources.batches import *  # noqa: F403
    from .resources.chat import *  # noqa: F403
    from .resources.compare import *  # noqa: F403
    from .resources.embeddings import *  # noqa: F403
    from .resources.images import *  # noqa: F403
    from .resources.models import *  # noqa: F403
    from .resources.moderations import *  # noqa: F403
    from .resources.rag import *  # noqa: F403
    from .resources.realtime import *  # noqa: F403
    from .resources.responses import *  # noqa: F403
    from .resources.router import *  # noqa: F403
    from .resources.templates import *  # noqa: F403
    from .resources.videos import *  # noqa: F403
    from .resources.web import *  # noqa: F403

# Every public name, written once: the module that defines it. `__all__` and the lazy loader are
# derived from this table; the models are the `_types` package's own table.
_EXPORTS: Dict[str, Tuple[str, ...]] = {
    "._accumulate": ("ChatCompletionAccumulator",),
    "._client": ("AsyncMeshAPI", "MeshAPI"),
    "._config": ("MeshAPIConfig",),
    "._errors": (
        "APIConnectionError",
        "APIStatusError",
        "APITimeoutError",
        "AuthenticationError",
        "BadRequestError",
        "ClientClosedError",
        "ConflictError",
        "InternalServerError",
        "InvalidRequestError",
        "InvalidResponseError",
        "MeshAPIError",
        "NotFoundError",
        "PaymentRequiredError",
        "PermissionDeniedError",
        "RateLimitError",
        "ResponseTooLargeError",
        "StreamError",
        "StreamInterruptedError",
        "UnprocessableEntityError",
    ),
    "._endpoint": ("BodyCallOptions", "CallOptions"),
    "._http": ("AsyncHttpClient", "SyncHttpClient"),
    "._limits": ("Timeout",),
    "._meta": ("ResponseMeta",),
    "._reducers": (
        "ContentDeltaEvent",
        "DoneEvent",
        "RefusalDeltaEvent",
        "ToolCallArgumentsDeltaEvent",
    ),
    "._request": ("NOT_GIVEN", "NotGiven"),
    "._pagination": ("ListPage",),
    "._sse": ("ServerSentEvent",),
    "._streaming": ("APIResponse", "AsyncAPIResponse", "AsyncStream", "Stream"),
    "._waiting": ("JobFailedError", "WaitTimeoutError"),
    "._structured": (
        "PydanticFunctionTool",
        "StructuredOutputError",
        "pydantic_function_tool",
    ),
    "._types": tuple(name for names in _types._EXPORTS.values() for name in names),
    "._version": ("__version__",),
    ".resources._stream_helpers": (
        "AsyncCompareStream",
        "AsyncImageStream",
        "AsyncResponseStream",
        "CompareStream",
        "ImageStream",
        "ResponseStream",
    ),
    ".resources.audio": (
        "AsyncAudioResource",
        "AudioResource",
        "AudioTranslationKwargs",
        "ListVoicesKwargs",
        "SpeechKwargs",
        "TranscriptionKwargs",
        "TranscriptionTranslateKwargs",
    ),
    ".resources.batches": ("AsyncBatchesResource", "BatchesResource", "CreateBatchKwargs"),
    ".resources.chat": (
        "AsyncChatCompletionStream",
        "AsyncChatCompletionsResource",
        "AsyncChatResource",
        "ChatCompletionKwargs",
        "ChatCompletionStream",
        "ChatCompletionsResource",
        "ChatResource",
    ),
    ".resources.compare": ("AsyncCompareResource", "CompareKwargs", "CompareResource"),
    ".resources.embeddings": ("AsyncEmbeddingsResource", "EmbeddingsKwargs", "EmbeddingsResource"),
    ".resources.images": (
        "AsyncImagesResource",
        "ImageEditKwargs",
        "ImageGenerationKwargs",
        "ImagesResource",
    ),
    ".resources.models": ("AsyncModelsResource", "ModelSearchKwargs", "ModelsResource"),
    ".resources.rag": (
        "AsyncRagResource",
        "BulkEmbedKwargs",
        "InitUploadKwargs",
        "RagResource",
        "SearchKwargs",
    ),
    ".resources.moderations": (
        "AsyncModerationsResource",
        "ModerationKwargs",
        "ModerationsResource",
    ),
    ".resources.realtime": (
        "AsyncRealtimeResource",
        "AsyncRealtimeSession",
        "RealtimeError",
        "RealtimeMessage",
        "RealtimeResource",
        "RealtimeSession",
    ),
    ".resources.responses": ("AsyncResponsesResource", "ResponsesKwargs", "ResponsesResource"),
    ".resources.templates": (
        "AsyncTemplatesResource",
        "CreateTemplateKwargs",
        "TemplatesResource",
        "UpdateTemplateKwargs",
    ),
    ".resources.router": ("AsyncRouterResource", "RouterResource", "RouterSelectKwargs"),
    ".resources.web": ("AsyncWebResource", "WebResource", "WebSearchKwargs"),
    ".resources.videos": (
        "AsyncVideosResource",
        "ListVideoGenerationsKwargs",
        "VideoGenerationKwargs",
        "VideosResource",
    ),
}

if not TYPE_CHECKING:
    # Hidden from type checkers: they read the imports above, so a misspelt name is still an
    # error in the user's editor instead of an Any.
    __getattr__, __dir__, __all__ = lazy_attributes(__name__, globals(), _EXPORTS)
