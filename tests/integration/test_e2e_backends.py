"""The async client's two HTTP backends (httpx's pool and aiohttp's) over real sockets: what the
shared suite cannot show with the gateway alone (refused connections, cancellation, a client that
outlives its loop, proxies, TLS). Every test that applies to both runs on both (``async_api``)."""

from __future__ import annotations

import asyncio
import gc
import logging
import socket
import ssl
import warnings
from typing import Any, Iterator, List, Tuple

import httpx
import pytest
import trustme

from meshapi import (
    APIConnectionError,
    AsyncMeshAPI,
    ChatCompletionParams,
    ChatMessage,
)
from meshapi.aiohttp import AiohttpTransport
from meshapi.testing import LocalGateway

CHAT = ChatCompletionParams(
    model="openai/gpt-4o-mini", messages=[ChatMessage(role="user", content="Say hello.")]
)


def own_http(api: Any, **kwargs: Any) -> httpx.AsyncClient:
    """An httpx client of the flavour's backend with ``kwargs``: httpx's transport options go to
    aiohttp's transport on the aiohttp flavour."""
    if api.backend == "aiohttp":
        return api.http_client(transport=AiohttpTransport(**kwargs))  # type: ignore[no-any-return]
    return api.http_client(**kwargs)  # type: ignore[no-any-return]


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


async def test_a_refused_connection_is_a_connection_error_retried_as_on_httpx(
    async_api: Any,
) -> None:
    client = async_api.make(base_url=f"http://127.0.0.1:{closed_port()}", max_retries=2)
    slept: List[float] = []

    async def no_sleep(delay: float) -> None:
        slept.append(delay)

    client._http.sleep = no_sleep
    err = await async_api.raises(APIConnectionError, lambda c: c.models.list(), client)
    assert type(err) is APIConnectionError, "a refused connection is not a timeout"
    assert err.error_code == "connection_error"
    assert "ConnectError" in str(err)
    assert len(slept) == 2, "retried max_retries times, as on httpx"


async def test_cancelling_a_stream_mid_read_releases_its_connection(
    async_api: Any, faults: Any
) -> None:
    # One connection in the pool: if the cancelled stream kept it, the next call could not get
    # one within the pool timeout.
    http = own_http(async_api, limits=httpx.Limits(max_connections=1, max_keepalive_connections=1))
    client = async_api.make(http=http, timeout=httpx.Timeout(10.0, pool=1.0), max_retries=0)
    faults.stall(30.0, where="mid_stream", after=2)
    got_two = asyncio.Event()

    async def read() -> None:
        seen = 0
        async for _ in client.chat.completions.stream(CHAT):
            seen += 1
            if seen == 2:
                got_two.set()

    task = asyncio.ensure_future(read())
    await asyncio.wait_for(got_two.wait(), 10)
    await asyncio.sleep(0.05)  # the task is now waiting for the stalled third frame
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    reply = await client.chat.completions.create(CHAT)
    assert reply.choices[0].message.content


async def test_requests_go_through_an_http_proxy(async_api: Any) -> None:
    async with RecordingProxy(async_api.gw) as proxy:
        with_auth = proxy.url.replace("http://", "http://scout:tiger@")
        client = async_api.make(http=own_http(async_api, proxy=with_auth))
        reply = await client.chat.completions.create(CHAT)
        chunks = [c async for c in client.chat.completions.stream(CHAT)]
    assert reply.choices[0].message.content and chunks
    assert proxy.request_lines == [
        f"POST {async_api.gw.base_url}/v1/chat/completions HTTP/1.1",
        f"POST {async_api.gw.base_url}/v1/chat/completions HTTP/1.1",
    ]
    assert proxy.auth == ["Basic c2NvdXQ6dGlnZXI="] * 2  # base64 of scout:tiger


async def test_a_custom_certificate_authority_is_trusted_and_an_unknown_one_is_not(
    async_api: Any, tls_front: Tuple[str, trustme.CA]
) -> None:
    url, ca = tls_front
    trusting = ssl.create_default_context()
    ca.configure_trust(trusting)
    client = async_api.make(base_url=url, http=own_http(async_api, verify=trusting))
    models = await client.models.list()
    assert len(models) > 10

    stranger = async_api.make(base_url=url, http=own_http(async_api), max_retries=0)
    err = await async_api.raises(APIConnectionError, lambda c: c.models.list(), stranger)
    assert "certificate" in str(err).lower() or "ssl" in str(err).lower()


def test_an_aiohttp_client_outlives_its_event_loop_quietly(
    gw: LocalGateway, caplog: pytest.LogCaptureFixture
) -> None:
    clients = [AsyncMeshAPI(base_url=gw.base_url, token=gw.api_key, http_backend="aiohttp")]

    async def call() -> str:
        reply = await clients[0].chat.completions.create(CHAT)
        return reply.choices[0].message.content or ""

    with warnings.catch_warnings(record=True) as caught, caplog.at_level(logging.DEBUG):
        warnings.simplefilter("always")
        answers = [asyncio.run(call()) for _ in range(3)]  # a new loop each time
        clients.clear()  # never closed: dropped with its pools
        gc.collect()
    assert all(answers)
    noise = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    noise += [str(w.message) for w in caught if "nclosed client session" in str(w.message)]
    noise += [str(w.message) for w in caught if "nclosed connector" in str(w.message)]
    assert noise == []


# -- helpers --------------------------------------------------------------------------------


class RecordingProxy:
    """A forward HTTP proxy for plain-http targets: records each request line, sends the request
    on to the gateway in origin form (one upstream connection per request), relays the answer,
    then serves the client's next request on the same connection."""

    def __init__(self, gw: LocalGateway) -> None:
        self.target = httpx.URL(gw.base_url)
        self.request_lines: List[str] = []
        self.auth: List[str] = []
        self.url = ""

    async def __aenter__(self) -> RecordingProxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: Any) -> None:
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection(self.target.host, self.target.port)
        answers = asyncio.ensure_future(_pump(up_reader, writer))
        try:
            while True:  # one request after another, kept alive on both sides
                head = await reader.readuntil(b"\r\n\r\n")
                first, _, rest = head.decode("latin-1").partition("\r\n")
                self.request_lines.append(first)
                method, target, version = first.split(" ")
                lines = [h for h in rest.split("\r\n") if h]
                length = 0
                for h in lines:
                    name, _, value = h.partition(":")
                    if name.strip().lower() == "content-length":
                        length = int(value)
                    if name.strip().lower() == "proxy-authorization":
                        self.auth.append(value.strip())
                kept = "".join(h + "\r\n" for h in lines if not h.lower().startswith("proxy-"))
                body = await reader.readexactly(length)
                path = httpx.URL(target).raw_path.decode()
                up_writer.write(f"{method} {path} {version}\r\n{kept}\r\n".encode("latin-1") + body)
        except (asyncio.IncompleteReadError, ConnectionError):
            pass  # the client is done
        finally:
            up_writer.close()
            await answers
            writer.close()


async def _pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
    """Copy ``src`` to ``dst`` until ``src`` ends."""
    try:
        while True:
            data = await src.read(65536)
            if not data:
                break
            dst.write(data)
            await dst.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        dst.close()


@pytest.fixture(scope="module")
def tls_front(gw: LocalGateway) -> Iterator[Tuple[str, trustme.CA]]:
    """An HTTPS front for the gateway (a TLS-terminating relay in its own thread) and the
    certificate authority it is signed by (trusted by nobody by default)."""
    import threading

    ca = trustme.CA()
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_ctx)
    target = httpx.URL(gw.base_url)
    loop = asyncio.new_event_loop()
    started = threading.Event()
    box: List[Any] = []

    async def relay(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(target.host, target.port)
        except OSError:
            writer.close()
            return

        await asyncio.gather(_pump(reader, up_writer), _pump(up_reader, writer))

    async def start() -> None:
        server = await asyncio.start_server(relay, "127.0.0.1", 0, ssl=server_ctx)
        box.append(server)
        started.set()

    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    asyncio.run_coroutine_threadsafe(start(), loop)
    started.wait(10)
    server = box[0]
    port = server.sockets[0].getsockname()[1]
    yield f"https://127.0.0.1:{port}", ca

    async def stop() -> None:
        server.close()
        for task in asyncio.all_tasks():
            if task is not asyncio.current_task():
                task.cancel()

    asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)
    loop.close()
