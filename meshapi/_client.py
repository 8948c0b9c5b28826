"""``MeshAPI`` and ``AsyncMeshAPI``: options (arguments, then environment), resources, closing."""

from __future__ import annotations

import functools
import os
import secrets
from functools import cached_property
from types import TracebackType
from typing import (
    TYPE_CHECKING,
    Any,
    Callable,
    Dict,
    Generic,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Type,
    TypeVar,
    Union,
    cast,
)

import httpx
from typing_extensions import Self

from ._config import MeshAPIConfig
from ._errors import InvalidRequestError
from ._fallback import fallback_models_option
from ._http import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_MAX_RETRY_WAIT,
    AsyncHttpClient,
    BaseHttpClient,
    SyncHttpClient,
)
from ._limits import (
    DEFAULT_MAX_ERROR_BODY_BYTES,
    DEFAULT_MAX_EVENT_BYTES,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_TOTAL_TIMEOUT,
    Limits,
)
from ._request import NOT_GIVEN, NotGiven, TimeoutTypes

if TYPE_CHECKING:
    from ._response_types import (
        AsyncMeshAPIWithRawResponse,
        AsyncMeshAPIWithStreamingResponse,
        MeshAPIWithRawResponse,
        MeshAPIWithStreamingResponse,
    )
    from .resources.audio import AsyncAudioResource, AudioResource
    from .resources.batches import AsyncBatchesResource, BatchesResource
    from .resources.chat import AsyncChatResource, ChatResource
    from .resources.compare import AsyncCompareResource, CompareResource
    from .resources.embeddings import AsyncEmbeddingsResource, EmbeddingsResource
    from .resources.images import AsyncImagesResource, ImagesResource
    from .resources.models import AsyncModelsResource, ModelsResource
    from .resources.moderations import AsyncModerationsResource, ModerationsResource
    from .resources.rag import AsyncRagResource, RagResource
    from .resources.realtime import AsyncRealtimeResource, RealtimeResource
    from .resources.responses import AsyncResponsesResource, ResponsesResource
    from .resources.router import AsyncRouterResource, RouterResource
    from .resources.templates import AsyncTemplatesResource, TemplatesResource
    from .resources.videos import AsyncVideosResource, VideosResource
    from .resources.web import AsyncWebResource, WebResource

__all__ = ["AsyncMeshAPI", "MeshAPI"]

_C = TypeVar("_C", "MeshAPI", "AsyncMeshAPI")


H = TypeVar("H", bound=BaseHttpClient)


class _ClientOptions(Generic[H]):
    """What both clients share: the HTTP core, and copies with other settings."""

    _http: H
    _realtime: object

    def with_options(
        self,
        *,
        api_key: Optional[str] = None,
        base_url: Optional[str] = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        max_retries: Optional[int] = None,
        max_retry_wait: Optional[float] = None,
        default_headers: Optional[Mapping[str, str]] = None,
        fallback_models: Optional[Sequence[str]] = None,
    ) -> Self:
        """A client with some settings changed, sharing this one's connection pool (cheap:
        make one per call if you like; closing it leaves the pool open).

        >>> client.with_options(timeout=5, max_retries=0).models.list()   # sync; await it
        ...                                                                 # with AsyncMeshAPI
        """
        new = type(self).__new__(type(self))
        new._http = self._http.copy_with(
            api_key=api_key,
            base_url=base_url,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            default_headers=default_headers,
        )
        if fallback_models is not None:
            new._http.fallback_models = fallback_models_option(fallback_models)
        new._realtime = None
        return new


_ConfigValues = Tuple[
    Optional[str], Optional[str], TimeoutTypes, int, float, Optional[Mapping[str, str]]
]


def _from_config(
    config: MeshAPIConfig,
    base_url: Optional[str],
    token: Optional[str],
    timeout: TimeoutTypes,
    max_retries: int,
    max_retry_wait: float,
    default_headers: Optional[Mapping[str, str]],
) -> _ConfigValues:
    """The options: each argument given explicitly, else the config's value."""
    if not isinstance(config, MeshAPIConfig):
        raise TypeError(f"config must be a MeshAPIConfig, got {type(config).__name__}")
    return (
        base_url if base_url is not None else config.base_url,
        token if token is not None else config.token,
        timeout
        if not isinstance(timeout, NotGiven)
        else (NOT_GIVEN if config.timeout is None else config.timeout),
        max_retries if max_retries != DEFAULT_MAX_RETRIES else config.max_retries,
        max_retry_wait if max_retry_wait != DEFAULT_MAX_RETRY_WAIT else config.max_retry_wait,
        default_headers if default_headers is not None else (config.default_headers or None),
    )


class MeshAPI(_ClientOptions[SyncHttpClient]):
    """The synchronous client.

    >>> client = MeshAPI(base_url="https://api.meshapi.ai", api_key="rsk_...")

    Args:
        base_url: the gateway; defaults to ``$MESHAPI_BASE_URL``, then ``https://api.meshapi.ai``.
        api_key: the API key (``rsk_...``); defaults to ``$MESHAPI_TOKEN``, then
            ``$MESHAPI_API_KEY``. ``token=`` is the same argument under its older name.
        timeout: seconds (a float), an ``httpx.Timeout``, or ``None`` for no timeout; left out,
            60 s (10 s to connect). The read timeout also bounds a stream's silence: a stream in
            which no event completes for that long (keep-alive comments do not count) raises
            ``APITimeoutError``.
        total_timeout: the most seconds one non-streaming call may take, retries and their
            waits included, however the server trickles its answer (default 600; ``None``: no
            limit). Per call: ``timeout=meshapi.Timeout(30, total=120)``.
        max_response_bytes: the largest answer read, after decompression (default 64 MiB);
            past it the call raises ``ResponseTooLargeError``.
        max_event_bytes: the longest line, and the largest event, of an event stream (default
            16 MiB); past it the stream raises ``ResponseTooLargeError``.
        max_error_body_bytes: how much of an error answer is read and kept in the error's
            message and ``body`` (default 8 KiB).
        fallback_models: models to try, in order, when a chat completion's or a response's
            model fails (502/503/504, model_not_found, model_capability_not_supported, an
            upstream error; before any output for a stream). A call's own
            ``fallback_models=`` wins. ``reply._meta.model`` / ``.models_tried`` say what
            happened.
        max_retries: retries of 429/502/503/504 and connection failures (default 3).
        max_retry_wait: the longest server-requested wait that is slept (default 60 s); a 429
            asking for longer raises at once with ``retry_after_seconds`` set.
        default_headers: headers sent on every request.
        httpx_client: your own ``httpx.Client`` (proxies, certificates...); it is not closed by
            :meth:`close`.
        config: a :class:`MeshAPIConfig` supplying every option not given as an argument.
    """

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        token: Optional[str] = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        default_headers: Optional[Mapping[str, str]] = None,
        httpx_client: Optional[httpx.Client] = None,
        total_timeout: Optional[float] = DEFAULT_TOTAL_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_error_body_bytes: int = DEFAULT_MAX_ERROR_BODY_BYTES,
        fallback_models: Sequence[str] = (),
        config: Optional[MeshAPIConfig] = None,
    ) -> None:
        if httpx_client is not None and not isinstance(httpx_client, httpx.Client):
            raise InvalidRequestError(
                f"httpx_client must be an httpx.Client, got {type(httpx_client).__name__}"
                " (use AsyncMeshAPI(async_httpx_client=...) for an httpx.AsyncClient)"
            )
        if config is not None:
            base_url, token, timeout, max_retries, max_retry_wait, default_headers = _from_config(
                config,
                base_url,
                token if token is not None else api_key,
                timeout,
                max_retries,
                max_retry_wait,
                default_headers,
            )
        limits = Limits(
            total_timeout=total_timeout,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            max_error_body_bytes=max_error_body_bytes,
        )
        self._config = _config(
            timeout,
            max_retries,
            max_retry_wait,
            default_headers,
            limits,
            own_pool=httpx_client is None,
        )
        self._http = SyncHttpClient(
            base_url=base_url,
            token=token,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            default_headers=default_headers,
            httpx_client=httpx_client,
            limits=limits,
        )
        self._http.fallback_models = fallback_models_option(fallback_models)
        self._config["fallback_models"] = self._http.fallback_models  # kept when pickled
        _pickle_with(self._http, MeshAPI, self._config)
        self._realtime: Optional[RealtimeResource] = None

    @cached_property
    def chat(self) -> ChatResource:
        """Chat completions: ``client.chat.completions.create`` / ``.stream``."""
        from .resources.chat import ChatResource

        return ChatResource(self._http)

    @cached_property
    def responses(self) -> ResponsesResource:
        """The Responses API for reasoning models."""
        from .resources.responses import ResponsesResource

        return ResponsesResource(self._http)

    @cached_property
    def embeddings(self) -> EmbeddingsResource:
        """Vector embeddings."""
        from .resources.embeddings import EmbeddingsResource

        return EmbeddingsResource(self._http)

    @cached_property
    def compare(self) -> CompareResource:
        """Multi-model compare."""
        from .resources.compare import CompareResource

        return CompareResource(self._http)

    @cached_property
    def batches(self) -> BatchesResource:
        """Batch jobs."""
        from .resources.batches import BatchesResource

        return BatchesResource(self._http)

    @cached_property
    def rag(self) -> RagResource:
        """RAG: file upload, embedding and search."""
        from .resources.rag import RagResource

        return RagResource(self._http)

    @cached_property
    def models(self) -> ModelsResource:
        """The model catalogue."""
        from .resources.models import ModelsResource

        return ModelsResource(self._http)

    @cached_property
    def templates(self) -> TemplatesResource:
        """Prompt templates."""
        from .resources.templates import TemplatesResource

        return TemplatesResource(self._http)

    @cached_property
    def images(self) -> ImagesResource:
        """Image generation."""
        from .resources.images import ImagesResource

        return ImagesResource(self._http)

    @cached_property
    def moderations(self) -> ModerationsResource:
        """Content moderation (text and images)."""
        from .resources.moderations import ModerationsResource

        return ModerationsResource(self._http)

    @cached_property
    def web(self) -> WebResource:
        """Web search (``web.search``)."""
        from .resources.web import WebResource

        return WebResource(self._http)

    @cached_property
    def router(self) -> RouterResource:
        """The auto router (``router.select``): which model it would pick."""
        from .resources.router import RouterResource

        return RouterResource(self._http)

    @cached_property
    def audio(self) -> AudioResource:
        """Text to speech, speech to text, translations and voices."""
        from .resources.audio import AudioResource

        return AudioResource(self._http)

    @cached_property
    def videos(self) -> VideosResource:
        """Video generation tasks."""
        from .resources.videos import VideosResource

        return VideosResource(self._http)

    @property
    def realtime(self) -> RealtimeResource:
        """Realtime (WebSocket) sessions; needs the ``realtime`` extra (``websockets``)."""
        if self._realtime is None:
            from .resources.realtime import RealtimeResource

            self._realtime = RealtimeResource(self._http)
        return self._realtime

    @property
    def with_raw_response(self) -> MeshAPIWithRawResponse:
        """This client with every method returning the response before parsing: an
        ``APIResponse`` (``AsyncAPIResponse``: ``await`` the call, then ``await .parse()``)
        with ``.headers``, ``.status_code``, ``.http_response`` and ``.parse()``.

        >>> raw = client.with_raw_response.models.get("openai/gpt-4o")
        >>> raw.headers["x-request-id"], raw.parse().id
        """
        from ._modes import ResponseModeProxy

        return cast("MeshAPIWithRawResponse", ResponseModeProxy(self, "raw"))

    @property
    def with_streaming_response(self) -> MeshAPIWithStreamingResponse:
        """Like :attr:`with_raw_response`, with the body left unread until asked
        (``iter_bytes()``, ``iter_lines()``, ``read()``, ``parse()``); use it in a ``with``
        (``async with``) block, which releases the connection.
        """
        from ._modes import ResponseModeProxy

        return cast("MeshAPIWithStreamingResponse", ResponseModeProxy(self, "streaming"))

    @property
    def base_url(self) -> str:
        """The gateway's base URL, without ``/v1`` (e.g. ``https://api.meshapi.ai``)."""
        return self._http.base_url

    def close(self) -> None:
        """Release the connection pool (not a caller-supplied ``httpx_client``)."""
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"MeshAPI(base_url={self._http.base_url!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_restore, (MeshAPI, _pickled_config(self._config)))


class AsyncMeshAPI(_ClientOptions[AsyncHttpClient]):
    """The asynchronous client: the same resources, with ``await``.

    >>> async with AsyncMeshAPI(base_url="https://api.meshapi.ai", token="rsk_...") as client:
    ...     reply = await client.chat.completions.create(params)

    Takes the same arguments as :class:`MeshAPI`, with ``async_httpx_client`` (an
    ``httpx.AsyncClient``) in place of ``httpx_client``, and:

    Args:
        http_backend: ``"httpx"`` (the default: httpx's own connection pool) or ``"aiohttp"``:
            the same SDK on an aiohttp connection pool (:class:`meshapi.aiohttp.AiohttpTransport`),
            several times less CPU per request at high concurrency. Needs the ``aiohttp`` extra
            (``pip install "meshapi[aiohttp]"``).
    """

    def __init__(
        self,
        *,
        base_url: Optional[str] = None,
        api_key: Optional[str] = None,
        token: Optional[str] = None,
        timeout: TimeoutTypes = NOT_GIVEN,
        max_retries: int = DEFAULT_MAX_RETRIES,
        max_retry_wait: float = DEFAULT_MAX_RETRY_WAIT,
        default_headers: Optional[Mapping[str, str]] = None,
        async_httpx_client: Optional[httpx.AsyncClient] = None,
        total_timeout: Optional[float] = DEFAULT_TOTAL_TIMEOUT,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_event_bytes: int = DEFAULT_MAX_EVENT_BYTES,
        max_error_body_bytes: int = DEFAULT_MAX_ERROR_BODY_BYTES,
        fallback_models: Sequence[str] = (),
        config: Optional[MeshAPIConfig] = None,
        http_backend: str = "httpx",
    ) -> None:
        if async_httpx_client is not None and not isinstance(async_httpx_client, httpx.AsyncClient):
            raise InvalidRequestError(
                "async_httpx_client must be an httpx.AsyncClient, got "
                f"{type(async_httpx_client).__name__}"
            )
        if config is not None:
            base_url, token, timeout, max_retries, max_retry_wait, default_headers = _from_config(
                config,
                base_url,
                token if token is not None else api_key,
                timeout,
                max_retries,
                max_retry_wait,
                default_headers,
            )
        limits = Limits(
            total_timeout=total_timeout,
            max_response_bytes=max_response_bytes,
            max_event_bytes=max_event_bytes,
            max_error_body_bytes=max_error_body_bytes,
        )
        self._config = _config(
            timeout,
            max_retries,
            max_retry_wait,
            default_headers,
            limits,
            own_pool=async_httpx_client is None,
        )
        self._config["http_backend"] = http_backend
        transport = _transport_factory(http_backend, async_httpx_client)
        self._http = AsyncHttpClient(
            base_url=base_url,
            token=token,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            max_retry_wait=max_retry_wait,
            default_headers=default_headers,
            httpx_client=async_httpx_client,
            limits=limits,
            transport=transport,
        )
        self._http.fallback_models = fallback_models_option(fallback_models)
        self._config["fallback_models"] = self._http.fallback_models  # kept when pickled
        _pickle_with(self._http, AsyncMeshAPI, self._config)
        self._realtime: Optional[AsyncRealtimeResource] = None

    @cached_property
    def chat(self) -> AsyncChatResource:
        """Chat completions: ``client.chat.completions.create`` / ``.stream``."""
        from .resources.chat import AsyncChatResource

        return AsyncChatResource(self._http)

    @cached_property
    def responses(self) -> AsyncResponsesResource:
        """The Responses API for reasoning models."""
        from .resources.responses import AsyncResponsesResource

        return AsyncResponsesResource(self._http)

    @cached_property
    def embeddings(self) -> AsyncEmbeddingsResource:
        """Vector embeddings."""
        from .resources.embeddings import AsyncEmbeddingsResource

        return AsyncEmbeddingsResource(self._http)

    @cached_property
    def compare(self) -> AsyncCompareResource:
        """Multi-model compare."""
        from .resources.compare import AsyncCompareResource

        return AsyncCompareResource(self._http)

    @cached_property
    def batches(self) -> AsyncBatchesResource:
        """Batch jobs."""
        from .resources.batches import AsyncBatchesResource

        return AsyncBatchesResource(self._http)

    @cached_property
    def rag(self) -> AsyncRagResource:
        """RAG: file upload, embedding and search."""
        from .resources.rag import AsyncRagResource

        return AsyncRagResource(self._http)

    @cached_property
    def models(self) -> AsyncModelsResource:
        """The model catalogue."""
        from .resources.models import AsyncModelsResource

        return AsyncModelsResource(self._http)

    @cached_property
    def templates(self) -> AsyncTemplatesResource:
        """Prompt templates."""
        from .resources.templates import AsyncTemplatesResource

        return AsyncTemplatesResource(self._http)

    @cached_property
    def images(self) -> AsyncImagesResource:
        """Image generation."""
        from .resources.images import AsyncImagesResource

        return AsyncImagesResource(self._http)

    @cached_property
    def moderations(self) -> AsyncModerationsResource:
        """Content moderation (text and images)."""
        from .resources.moderations import AsyncModerationsResource

        return AsyncModerationsResource(self._http)

    @cached_property
    def web(self) -> AsyncWebResource:
        """Web search (``web.search``)."""
        from .resources.web import AsyncWebResource

        return AsyncWebResource(self._http)

    @cached_property
    def router(self) -> AsyncRouterResource:
        """The auto router (``router.select``): which model it would pick."""
        from .resources.router import AsyncRouterResource

        return AsyncRouterResource(self._http)

    @cached_property
    def audio(self) -> AsyncAudioResource:
        """Text to speech, speech to text, translations and voices."""
        from .resources.audio import AsyncAudioResource

        return AsyncAudioResource(self._http)

    @cached_property
    def videos(self) -> AsyncVideosResource:
        """Video generation tasks."""
        from .resources.videos import AsyncVideosResource

        return AsyncVideosResource(self._http)

    @property
    def realtime(self) -> AsyncRealtimeResource:
        """Realtime (WebSocket) sessions; needs the ``realtime`` extra (``websockets``)."""
        if self._realtime is None:
            from .resources.realtime import AsyncRealtimeResource

            self._realtime = AsyncRealtimeResource(self._http)
        return self._realtime

    @property
    def with_raw_response(self) -> AsyncMeshAPIWithRawResponse:
        """This client with every method returning the response before parsing: an
        ``APIResponse`` (``AsyncAPIResponse``: ``await`` the call, then ``await .parse()``)
        with ``.headers``, ``.status_code``, ``.http_response`` and ``.parse()``.

        >>> raw = client.with_raw_response.models.get("openai/gpt-4o")
        >>> raw.headers["x-request-id"], raw.parse().id
        """
        from ._modes import ResponseModeProxy

        return cast("AsyncMeshAPIWithRawResponse", ResponseModeProxy(self, "raw"))

    @property
    def with_streaming_response(self) -> AsyncMeshAPIWithStreamingResponse:
        """Like :attr:`with_raw_response`, with the body left unread until asked
        (``iter_bytes()``, ``iter_lines()``, ``read()``, ``parse()``); use it in a ``with``
        (``async with``) block, which releases the connection.
        """
        from ._modes import ResponseModeProxy

        return cast("AsyncMeshAPIWithStreamingResponse", ResponseModeProxy(self, "streaming"))

    @property
    def base_url(self) -> str:
        """The gateway's base URL, without ``/v1`` (e.g. ``https://api.meshapi.ai``)."""
        return self._http.base_url

    async def close(self) -> None:
        """Release the connection pool (not a caller-supplied ``async_httpx_client``)."""
        await self._http.close()

    async def aclose(self) -> None:
        """Alias of :meth:`close`."""
        await self._http.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"AsyncMeshAPI(base_url={self._http.base_url!r})"

    def __reduce__(self) -> Tuple[Any, ...]:
        return (_restore, (AsyncMeshAPI, _pickled_config(self._config)))


# -- the HTTP backend ---------------------------------------------------------------------------

HTTP_BACKENDS = ("httpx", "aiohttp")


def _transport_factory(
    backend: str, caller_client: Optional[httpx.AsyncClient]
) -> Optional[Callable[[], httpx.AsyncBaseTransport]]:
    """What builds the transport of our own ``httpx.AsyncClient`` (``None``: httpx's own)."""
    if backend not in HTTP_BACKENDS:
        raise ValueError(f"http_backend must be one of {HTTP_BACKENDS}, got {backend!r}")
    if backend == "httpx":
        return None
    if caller_client is not None:
        raise ValueError(
            "http_backend='aiohttp' builds its own httpx client: pass either it or "
            "async_httpx_client (for your own client on aiohttp, give it "
            "transport=meshapi.aiohttp.AiohttpTransport(...))"
        )
    try:
        from ._aiohttp import AiohttpTransport
    except ImportError as exc:
        raise ImportError(
            "http_backend='aiohttp' needs the aiohttp extra: pip install \"meshapi[aiohttp]\""
        ) from exc
    return AiohttpTransport


# -- pickling: by configuration, never the pool -------------------------------------------------


def _config(
    timeout: TimeoutTypes,
    max_retries: int,
    max_retry_wait: float,
    default_headers: Optional[Mapping[str, str]],
    limits: Limits,
    *,
    own_pool: bool,
) -> Dict[str, Any]:
    """The constructor's options (after a ``MeshAPIConfig`` was applied), kept for pickling; the
    base URL and the key are read from the live client."""
    return {
        "timeout": timeout,
        "max_retries": max_retries,
        "max_retry_wait": max_retry_wait,
        "default_headers": dict(default_headers) if default_headers else None,
        "total_timeout": limits.total_timeout,
        "max_response_bytes": limits.max_response_bytes,
        "max_event_bytes": limits.max_event_bytes,
        "max_error_body_bytes": limits.max_error_body_bytes,
        "_own_pool": own_pool,
        # Which client this is, across processes: unpickled twice in one process (one task
        # after another), it is rebuilt once and shares one pool.
        "_identity": secrets.token_hex(8),
    }


def _pickle_with(http: BaseHttpClient, cls: Type[Any], config: Dict[str, Any]) -> None:
    """Complete ``config`` with what only the built client knows (the resolved base URL, the
    masked key: one mask per client, so that its pickles are the same bytes every time, which
    Dask relies on) and teach ``http`` to pickle as that client, for pickled resources and bound
    methods. No reference back to the facade: a cycle would leave closing to the cyclic garbage
    collector, in an order that lets aiohttp complain about unclosed sessions."""
    config["base_url"] = http.base_url
    config["token"] = _MaskedKey(http.api_key)
    http.reducer = functools.partial(_restore_http_args, cls, config)


def _restore_http_args(cls: Type[Any], config: Dict[str, Any]) -> Tuple[Any, ...]:
    return (_restore_http, (cls, _pickled_config(config)))


def _restore_http(cls: Type[_C], config: Dict[str, Any]) -> BaseHttpClient:
    return _restore(cls, config)._http


def _pickled_config(config: Dict[str, Any]) -> Dict[str, Any]:
    config = dict(config)
    if not config.pop("_own_pool"):
        raise TypeError(
            "cannot pickle a client built on your own httpx client: its transport, proxies and "
            "certificates cannot travel to another process; pickle a client built from options "
            "instead, or build one in each process"
        )
    return config


def _restore(cls: Type[_C], config: Dict[str, Any]) -> _C:
    """Rebuild a pickled client: same options, a new connection pool in this process; the
    same client again if this process already rebuilt it and it is still open."""
    options = dict(config)
    identity = options.pop("_identity")
    key = (cls.__name__, identity, os.getpid())
    known = _restored.get(key)
    if known is not None and not known._http.client.is_closed:
        return known  # type: ignore[return-value]
    options["token"] = options["token"].reveal()
    client = cls(**options)
    client._config["_identity"] = identity
    if len(_restored) >= 64:
        _restored.pop(next(iter(_restored)))
    _restored[key] = client
    return client


_restored: Dict[Tuple[str, str, int], Union[MeshAPI, AsyncMeshAPI]] = {}


class _MaskedKey:
    """The API key as pickled: XOR-ed with a random pad, so that it never shows verbatim in the
    pickled bytes, their repr, a log line or a traceback. This hides the key from eyes and
    scanners, it does not encrypt it: whoever holds the pickle holds the key."""

    __slots__ = ("_masked", "_pad")

    def __init__(self, key: str) -> None:
        raw = key.encode()
        self._pad = os.urandom(len(raw))
        self._masked = bytes(a ^ b for a, b in zip(raw, self._pad))

    def reveal(self) -> str:
        return bytes(a ^ b for a, b in zip(self._masked, self._pad)).decode()

    def __getstate__(self) -> Tuple[bytes, bytes]:
        return (self._masked, self._pad)

    def __setstate__(self, state: Tuple[bytes, bytes]) -> None:
        self._masked, self._pad = state

    def __repr__(self) -> str:
        return "_MaskedKey(<hidden>)"
