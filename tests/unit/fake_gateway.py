"""The unit tests' one fake MeshAPI gateway: records every request and answers from a routing
table, with no sockets.

``FakeGateway.handler`` is ONE function that serves ``httpx.MockTransport`` for both
``MeshAPI(httpx_client=...)`` and ``AsyncMeshAPI(async_httpx_client=...)`` (MockTransport calls a
plain function from both its sync and async paths). Routes a test sets with
:meth:`FakeGateway.on` answer first, newest first; then the realistic default answer of every
endpoint (``fake_answers.default_routes``); then FastAPI's ``404 {"detail": "Not Found"}``.
"""

from __future__ import annotations

import inspect
import json
import re
from types import SimpleNamespace
from typing import Any, Callable, Dict, List, Optional, Tuple, Union
from urllib.parse import urlsplit

import fake_answers as answers
import httpx
from fake_answers import (
    BASE_URL,
    SIGNED_URL,
    STORAGE_HOST,
    TOKEN,
    Responder,
    default_routes,
    error_response,
    json_response,
    raises,
    raw_response,
    sse_body,
    sse_response,
)

from meshapi import AsyncMeshAPI, MeshAPI


class Seen:
    """One request as the gateway received it."""

    def __init__(self, request: httpx.Request) -> None:
        self.request = request
        self.method = request.method
        self.url = request.url
        self.host = request.url.host
        # The path exactly as sent (percent-encoding kept), without the query string.
        self.raw_path = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
        self.query: Dict[str, str] = dict(request.url.params)
        self.headers = request.headers
        self.content = request.content
        self.json: Any = None
        if self.content and "json" in request.headers.get("content-type", ""):
            self.json = json.loads(self.content)
        self.timeout: Any = request.extensions.get("timeout")

    def __repr__(self) -> str:
        return f"Seen({self.method} {self.url})"


def _pattern(path: str) -> re.Pattern[str]:
    # "{name}" matches one raw path segment, "{name:path}" the rest of the path.
    regex = re.sub(r"\{(\w+):path\}", r"(?P<\1>.+)", path)
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", regex)
    return re.compile(regex + r"\Z")


class FakeGateway:
    """Records requests and answers them from a routing table (see the module docstring).

    The answer builders and realistic bodies (``fake_answers``) are reachable from tests through
    the fixture (``gateway.reply_json(...)``, ``gateway.bodies.chat_completion()``...).
    """

    base_url = BASE_URL
    token = TOKEN
    signed_url = SIGNED_URL
    storage_host = STORAGE_HOST
    reply_json = staticmethod(json_response)
    reply_raw = staticmethod(raw_response)
    reply_error = staticmethod(error_response)
    reply_sse = staticmethod(sse_response)
    reply_raises = staticmethod(raises)
    sse_body = staticmethod(sse_body)
    bodies = SimpleNamespace(
        usage=answers.usage,
        chat_completion=answers.chat_completion,
        chat_chunks=answers.chat_chunks,
        responses_response=answers.responses_response,
        responses_events=answers.responses_events,
        embedding_vector=answers.embedding_vector,
        image_events=answers.image_events,
        compare_response=answers.compare_response,
        compare_events_synthesis=answers.compare_events_synthesis,
        compare_events_skip=answers.compare_events_skip,
        batch_object=answers.batch_object,
        rag_file=answers.rag_file,
        model_info=answers.model_info,
        catalogue=answers.CATALOGUE,
        template=answers.template,
    )

    def __init__(self) -> None:
        # Like production, answer with the client's X-Request-Id; a test may turn this off.
        self.echo_request_id = True
        self.requests: List[Seen] = []
        self._routes: List[Tuple[str, Optional[str], re.Pattern[str], List[Responder]]] = []
        self._defaults: List[Tuple[str, Optional[str], re.Pattern[str], Responder]] = []
        for method, url_or_path, responder in default_routes():
            self._default(method, url_or_path, responder)

    # -- configuring ----------------------------------------------------------------------

    def on(self, method: str, url_or_path: str, *responders: Responder) -> None:
        """Answer ``method url_or_path`` with ``responders`` in turn, the last one repeating.

        ``url_or_path`` is a raw path (``/v1/templates/{id}`` patterns allowed) on any host, or
        an absolute URL whose host must match too. Set routes win over the defaults.
        """
        if not responders:
            raise ValueError("give at least one responder")
        host, path = _split(url_or_path)
        self._routes.insert(0, (method.upper(), host, _pattern(path), list(responders)))

    def _default(self, method: str, url_or_path: str, responder: Responder) -> None:
        host, path = _split(url_or_path)
        self._defaults.append((method, host, _pattern(path), responder))

    # -- serving --------------------------------------------------------------------------

    def handler(self, request: httpx.Request) -> httpx.Response:
        """The transport handler: record, route, answer (echoing the client's request id)."""
        seen = Seen(request)
        self.requests.append(seen)
        response = self._route(seen, request)
        rid = request.headers.get("x-request-id")
        if self.echo_request_id and rid and "x-request-id" not in response.headers:
            response.headers["x-request-id"] = rid
        return response

    def _route(self, seen: Seen, request: httpx.Request) -> httpx.Response:
        for method, host, pattern, responders in self._routes:
            if _matches(seen, method, host, pattern):
                responder = responders.pop(0) if len(responders) > 1 else responders[0]
                return responder(request)
        for method, host, pattern, default in self._defaults:
            if _matches(seen, method, host, pattern):
                return default(request)
        return json_response({"detail": "Not Found"}, 404)(request)

    # -- reading --------------------------------------------------------------------------

    @property
    def last(self) -> Seen:
        assert self.requests, "the gateway received no request"
        return self.requests[-1]

    def to_host(self, host: str) -> List[Seen]:
        return [s for s in self.requests if s.host == host]


def _split(url_or_path: str) -> Tuple[Optional[str], str]:
    if url_or_path.startswith(("http://", "https://")):
        # urlsplit, not httpx.URL: the path may hold "{name}" patterns that must stay unencoded.
        parts = urlsplit(url_or_path)
        return parts.hostname, parts.path
    return None, url_or_path


def _matches(seen: Seen, method: str, host: Optional[str], pattern: re.Pattern[str]) -> bool:
    if seen.method != method:
        return False
    if host is not None and seen.host != host:
        return False
    if host is None and seen.host == STORAGE_HOST:
        return False
    return pattern.match(seen.raw_path) is not None


# -- running one test body against both clients ----------------------------------------------

AnyClient = Union[MeshAPI, AsyncMeshAPI]


class Api:
    """One flavour ("sync" or "async") of the SDK wired to a :class:`FakeGateway`."""

    def __init__(self, kind: str, gateway: FakeGateway) -> None:
        self.kind = kind
        self.is_async = kind == "async"
        self.gateway = gateway
        self.sleeps: List[float] = []
        self._made: List[AnyClient] = []
        self._transports: List[Union[httpx.Client, httpx.AsyncClient]] = []
        self.client = self.make()

    @property
    def client_class(self) -> type:
        return AsyncMeshAPI if self.is_async else MeshAPI

    def httpx_client(self, **kwargs: Any) -> Union[httpx.Client, httpx.AsyncClient]:
        """An httpx client of the right flavour whose transport is the fake gateway."""
        transport = httpx.MockTransport(self.gateway.handler)
        client: Union[httpx.Client, httpx.AsyncClient]
        if self.is_async:
            client = httpx.AsyncClient(transport=transport, **kwargs)
        else:
            client = httpx.Client(transport=transport, **kwargs)
        self._transports.append(client)
        return client

    def make(
        self,
        *,
        httpx_client: Optional[Union[httpx.Client, httpx.AsyncClient]] = None,
        **options: Any,
    ) -> Any:
        """A client on the fake gateway; ``options`` go to the constructor. Sleeps are recorded."""
        options.setdefault("base_url", BASE_URL)
        options.setdefault("token", TOKEN)
        http = httpx_client if httpx_client is not None else self.httpx_client()
        client: AnyClient
        if self.is_async:
            assert isinstance(http, httpx.AsyncClient)
            client = AsyncMeshAPI(async_httpx_client=http, **options)

            async def record(delay: float) -> None:
                self.sleeps.append(delay)

            client._http.sleep = record
        else:
            assert isinstance(http, httpx.Client)
            client = MeshAPI(httpx_client=http, **options)
            client._http.sleep = self.sleeps.append
        self._made.append(client)
        return client

    async def call(self, fn: Callable[[Any], Any], client: Any = None) -> Any:
        """Run ``fn(client)``; await its result when it is a coroutine (the async client)."""
        result = fn(client if client is not None else self.client)
        if inspect.iscoroutine(result):
            result = await result
        return result

    async def collect(self, fn: Callable[[Any], Any], client: Any = None) -> List[Any]:
        """Open the stream ``fn(client)`` returns and read it to the end into a list."""
        stream = fn(client if client is not None else self.client)
        if hasattr(stream, "__aiter__"):
            return [item async for item in stream]
        return list(stream)

    async def close(self, client: Any = None) -> None:
        """Close a client (``close()`` or ``await close()``)."""
        await self.call(lambda c: c.close(), client)

    async def aclose(self) -> None:
        for client in self._made:
            await self.close(client)
        for http in self._transports:
            if isinstance(http, httpx.AsyncClient):
                await http.aclose()
            else:
                http.close()
