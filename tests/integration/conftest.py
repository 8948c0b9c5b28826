"""Integration fixtures: the SDK over real sockets against a :class:`LocalGateway`.

One gateway serves the whole session (starting one is cheap, stopping one costs ~0.2 s). It has
fault injection enabled; the ``faults`` fixture disarms everything before and after each test
that uses it, so a fault can never leak into the next test. The gateway is shared with
``livetests/`` when both run in one pytest session (see :func:`shared_local_gateway`).

The ``api`` fixture is parametrized ``["sync", "async", "aiohttp"]``: each test has ONE body that
drives ``MeshAPI``, ``AsyncMeshAPI`` or ``AsyncMeshAPI(http_backend="aiohttp")`` (the async
client on the aiohttp transport: every async test runs on both backends)::

    async def test_x(api):
        reply = await api.call(lambda c: c.chat.completions.create(params))
        chunks = await api.collect(lambda c: c.chat.completions.stream(params))
        err = await api.raises(NotFoundError, lambda c: c.models.get("nobody/none"))

Sync calls block the test's event loop, which is fine: the gateway runs on its own thread.
"""

from __future__ import annotations

import asyncio
import inspect
import secrets
import traceback
from typing import (
    Any,
    AsyncIterator,
    Callable,
    Iterator,
    List,
    Optional,
    Tuple,
    Type,
    TypeVar,
    Union,
)

import httpx
import pytest

from meshapi import AsyncMeshAPI, AsyncStream, MeshAPI, MeshAPIError, Stream
from meshapi.aiohttp import AiohttpTransport
from meshapi.testing import FaultController, LocalGateway

# The attribute of the pytest config holding the session's gateway. livetests/conftest.py uses
# the same name, so a root run (`python -m pytest` runs tests/ and livetests/) starts one gateway.
SHARED_GATEWAY_ATTR = "_meshapi_shared_local_gateway"

AnyClient = Union[MeshAPI, AsyncMeshAPI]
ExcT = TypeVar("ExcT", bound=BaseException)


def shared_local_gateway(config: pytest.Config) -> LocalGateway:
    """The session's LocalGateway (faults enabled, nothing armed), started on first use."""
    gw: Optional[LocalGateway] = getattr(config, SHARED_GATEWAY_ATTR, None)
    if gw is None:
        gw = LocalGateway(faults_enabled=True).start()
        config.add_cleanup(gw.stop)
        setattr(config, SHARED_GATEWAY_ATTR, gw)
    return gw


@pytest.fixture(scope="session")
def gw(pytestconfig: pytest.Config) -> LocalGateway:
    """The shared gateway: ``gw.base_url``, ``gw.api_key``, ``gw.faults``."""
    return shared_local_gateway(pytestconfig)


@pytest.fixture
def faults(gw: LocalGateway) -> Iterator[FaultController]:
    """The gateway's fault controller, disarmed before and after the test."""
    gw.faults.reset()
    yield gw.faults
    gw.faults.reset()


def new_key() -> str:
    """A fresh key in the production shape (registered with :meth:`LocalGateway.add_key`)."""
    return "rsk_" + secrets.token_hex(24)


@pytest.fixture
def own_key(gw: LocalGateway) -> str:
    """A key of a fresh owner: its batches, files and templates are its own, so listing and
    pagination tests see exactly what they created."""
    key = new_key()
    gw.add_key(key, owner="usr_" + secrets.token_hex(6))
    return key


class WireLog:
    """What went over the wire, seen from the httpx client the SDK was given."""

    def __init__(self) -> None:
        self.requests: List[httpx.Request] = []
        self.responses: List[httpx.Response] = []

    def on_request(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def on_response(self, response: httpx.Response) -> None:
        self.responses.append(response)

    def header(self, name: str) -> List[Optional[str]]:
        """One header of every request sent, in order."""
        return [r.headers.get(name) for r in self.requests]


class Api:
    """One flavour of the SDK, pointed at the gateway: "sync", "async" (on httpx's pool) or
    "aiohttp" (async, on :class:`meshapi.aiohttp.AiohttpTransport`)."""

    def __init__(self, kind: str, gw: LocalGateway) -> None:
        self.kind = kind
        self.is_async = kind in ("async", "aiohttp")
        self.backend = "aiohttp" if kind == "aiohttp" else "httpx"
        self.gw = gw
        self._made: List[AnyClient] = []
        self._httpx: List[Union[httpx.Client, httpx.AsyncClient]] = []
        self.client = self.make()

    def make(
        self,
        *,
        wire: Optional[WireLog] = None,
        http: Optional[Union[httpx.Client, httpx.AsyncClient]] = None,
        **options: Any,
    ) -> Any:
        """A new client of this flavour; ``options`` go to the constructor (``token``,
        ``timeout``, ``max_retries``...). With ``wire``, every request and response it sends or
        gets is recorded there (through httpx event hooks on a caller-supplied httpx client);
        ``http`` is a caller-supplied httpx client of the right flavour."""
        options.setdefault("base_url", self.gw.base_url)
        options.setdefault("token", self.gw.api_key)
        if wire is not None:
            http = self._hooked(wire)
        if http is not None:
            options["async_httpx_client" if self.is_async else "httpx_client"] = http
        elif self.is_async:
            options.setdefault("http_backend", self.backend)
        client: AnyClient = AsyncMeshAPI(**options) if self.is_async else MeshAPI(**options)
        self._made.append(client)
        return client

    def http_client(self, **kwargs: Any) -> Union[httpx.Client, httpx.AsyncClient]:
        """An httpx client of this flavour (closed with the fixture), to pass to :meth:`make`
        as ``http=``: for a custom transport, say. On the aiohttp flavour it is on aiohttp unless
        ``transport`` is given."""
        if self.backend == "aiohttp":
            kwargs.setdefault("transport", AiohttpTransport())
        http = httpx.AsyncClient(**kwargs) if self.is_async else httpx.Client(**kwargs)
        self._httpx.append(http)
        return http

    def _hooked(self, wire: WireLog) -> Union[httpx.Client, httpx.AsyncClient]:
        http: Union[httpx.Client, httpx.AsyncClient]
        if self.is_async:

            async def on_request(request: httpx.Request) -> None:
                wire.on_request(request)

            async def on_response(response: httpx.Response) -> None:
                wire.on_response(response)

            http = httpx.AsyncClient(
                event_hooks={"request": [on_request], "response": [on_response]},
                transport=AiohttpTransport() if self.backend == "aiohttp" else None,
            )
        else:
            http = httpx.Client(
                event_hooks={"request": [wire.on_request], "response": [wire.on_response]}
            )
        self._httpx.append(http)
        return http

    async def call(self, fn: Callable[[Any], Any], client: Any = None) -> Any:
        """``fn(client)``, awaited when it returns an awaitable (the async client)."""
        result = fn(client if client is not None else self.client)
        if inspect.isawaitable(result):
            result = await result
        return result

    async def collect(self, fn: Callable[[Any], Any], client: Any = None) -> List[Any]:
        """Read the stream ``fn(client)`` returns to its end."""
        stream = fn(client if client is not None else self.client)
        if hasattr(stream, "__aiter__"):
            return [item async for item in stream]
        return list(stream)

    async def collect_until_error(
        self, fn: Callable[[Any], Any], client: Any = None
    ) -> Tuple[List[Any], MeshAPIError]:
        """Read the stream until it raises; the items that arrived and the error. A stream
        that ends without an error fails the test."""
        items: List[Any] = []
        stream = fn(client if client is not None else self.client)
        try:
            if hasattr(stream, "__aiter__"):
                async for item in stream:
                    items.append(item)
            else:
                for item in stream:
                    items.append(item)
        except MeshAPIError as exc:
            return items, exc
        pytest.fail(f"the stream ended normally after {len(items)} items; expected an error")

    async def raises(
        self, exc_type: Type[ExcT], fn: Callable[[Any], Any], client: Any = None
    ) -> ExcT:
        """Run ``fn(client)`` (a call, or a stream read to its end) and return the exception of
        type ``exc_type`` it raised."""
        with pytest.raises(exc_type) as info:
            result = fn(client if client is not None else self.client)
            if isinstance(result, AsyncStream):
                async for _ in result:
                    pass
            elif isinstance(result, Stream):
                for _ in result:
                    pass
            elif inspect.isawaitable(result):
                await result
        if self.is_async:
            # One turn of the loop: aiohttp closes a failed call's socket on the next one, and a
            # test's blocking server shutdown would otherwise wait for a hang-up that cannot come.
            await asyncio.sleep(0)
        return info.value

    async def close(self, client: Any) -> None:
        await self.call(lambda c: c.close(), client)

    async def aclose(self) -> None:
        for client in self._made:
            await self.close(client)
        for http in self._httpx:
            if isinstance(http, httpx.AsyncClient):
                await http.aclose()
            else:
                http.close()


@pytest.fixture
def wire() -> WireLog:
    """A fresh :class:`WireLog`; pass it to ``api.make(wire=wire)``."""
    return WireLog()


@pytest.fixture(params=["sync", "async", "aiohttp"])
async def api(request: pytest.FixtureRequest, gw: LocalGateway) -> AsyncIterator[Api]:
    """The SDK, sync, async and async on aiohttp, on the shared gateway (``api.client``,
    ``api.make(...)``)."""
    flavour = Api(request.param, gw)
    yield flavour
    await flavour.aclose()


def everything_printed_about(exc: BaseException) -> str:
    """``str``, ``repr`` and the whole formatted traceback (chained causes included)."""
    return "\n".join(
        [
            str(exc),
            repr(exc),
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
            repr(getattr(exc, "body", None)),
        ]
    )


@pytest.fixture
def assert_no_secret() -> Callable[..., None]:
    """``assert_no_secret(exc, key, ...)``: no key appears anywhere the error prints itself."""

    def check(exc: BaseException, *keys: str) -> None:
        text = everything_printed_about(exc)
        for key in keys:
            assert key not in text, f"a key leaked into {type(exc).__name__}"

    return check


@pytest.fixture(params=["async", "aiohttp"])
async def async_api(request: pytest.FixtureRequest, gw: LocalGateway) -> AsyncIterator[Api]:
    """The async SDK on each backend (httpx's pool, aiohttp's), for tests of the transport."""
    flavour = Api(request.param, gw)
    yield flavour
    await flavour.aclose()
