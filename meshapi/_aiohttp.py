"""``AiohttpTransport``: an ``httpx`` transport that moves the bytes with ``aiohttp``.

``AsyncMeshAPI(http_backend="aiohttp")`` puts it under the SDK's ``httpx.AsyncClient``, so the
SDK's own machinery (retries, timeouts, streaming, errors) runs unchanged on top of it; only the
connection pool and the HTTP/1.1 parser are aiohttp's, which cost several times less CPU per
request than httpcore's pool at high concurrency. Needs the ``aiohttp`` extra
(``pip install "meshapi[aiohttp]"``).

What it keeps from httpx, so that the SDK sees the same thing on either backend:

- **Errors** are raised as httpx's exception classes, mapped by meaning: a refused or failed
  connection is ``httpx.ConnectError`` (retried), a connect or pool timeout ``ConnectTimeout``
  (retried), a read timeout ``ReadTimeout`` (not retried: the server may be working), a server
  that closed a kept-alive connection before answering ``RemoteProtocolError("Server
  disconnected without sending a response.")`` (retried), a body cut short
  ``RemoteProtocolError``, a proxy failure ``ProxyError``.
- **Timeouts** per phase, as ``httpx.Timeout`` has them: ``connect`` (opening a connection),
  ``pool`` (waiting for a free connection, added to ``connect``: aiohttp counts both in one),
  ``read`` (the longest wait for any bytes: before the status line, and between two chunks of a
  stream). Like httpx there is no deadline for the whole request (aiohttp's default 5-minute
  ``total`` is switched off, so a long stream is not cut); ``write`` has no aiohttp equivalent.
- **Releasing**: closing the httpx response releases the connection; a response left before its
  end (an early ``break``, a cancelled task) closes its connection rather than reuse it.
- **One pool per event loop.** aiohttp's sessions belong to the loop that made them; a client
  that outlives its loop (``asyncio.run`` twice, a test per loop) gets a fresh pool on the new
  loop, and the old one is dropped without ``Event loop is closed`` noise. A forked child never
  uses its parent's connections.
- **Proxies and TLS**: ``proxy=`` (a URL or an ``httpx.Proxy``), the ``HTTP(S)_PROXY`` /
  ``NO_PROXY`` environment when ``trust_env`` (the default, as in httpx), ``verify=`` (a bool, a
  CA bundle path or an ``ssl.SSLContext``) and ``cert=``.

Pool defaults (``limits``, an ``httpx.Limits``): at most ``max_connections`` connections open at
once (200; further requests wait for one, within the ``pool`` timeout), idle ones kept for
``keepalive_expiry`` seconds (5 s, as httpx, so that a server's own idle timeout does not close
them under us). aiohttp has no separate cap on idle connections: every connection that is not
in use stays pooled until it expires.
"""

from __future__ import annotations

import asyncio
import atexit
import base64
import os
import ssl
import weakref
from typing import Any, AsyncIterator, Dict, List, Optional, Tuple, Union

import httpx

try:
    import aiohttp
    from yarl import URL
except ImportError as exc:  # pragma: no cover - exercised by the extra-missing test
    raise ImportError('the aiohttp backend needs aiohttp: pip install "meshapi[aiohttp]"') from exc

__all__ = ["DEFAULT_AIOHTTP_LIMITS", "AiohttpTransport"]

DEFAULT_AIOHTTP_LIMITS = httpx.Limits(
    max_connections=200, max_keepalive_connections=200, keepalive_expiry=5.0
)

_TimeoutKey = Tuple[Optional[float], Optional[float], Optional[float]]


def _client_timeout(timeout: Dict[str, Optional[float]]) -> aiohttp.ClientTimeout:
    """httpx's per-phase timeouts as aiohttp's (no total deadline, as in httpx)."""
    connect = timeout.get("connect")
    pool = timeout.get("pool")
    # aiohttp's `connect` covers waiting for a pooled connection AND opening one.
    acquire = None if connect is None or pool is None else connect + pool
    return aiohttp.ClientTimeout(
        total=None, connect=acquire, sock_connect=connect, sock_read=timeout.get("read")
    )


def map_exception(exc: BaseException, *, responded: bool) -> Optional[httpx.TransportError]:
    """The httpx exception for an aiohttp failure (``None``: not a transport failure).

    ``responded``: whether the status line had arrived (a disconnect before it means the server
    did not take the request up, which the SDK retries; after it, the body was cut short).
    """
    message = str(exc) or type(exc).__name__
    if isinstance(exc, aiohttp.ClientConnectionError):
        if isinstance(exc, (aiohttp.ClientProxyConnectionError, aiohttp.ClientHttpProxyError)):
            return httpx.ProxyError(message)
        if isinstance(exc, aiohttp.ClientConnectorError):
            return httpx.ConnectError(message)
        if isinstance(exc, aiohttp.ServerTimeoutError):
            if isinstance(exc, _CONNECT_TIMEOUT):
                return httpx.ConnectTimeout(message)
            return httpx.ReadTimeout(message)
        if isinstance(exc, aiohttp.ServerDisconnectedError):
            if responded:
                return httpx.RemoteProtocolError(
                    "peer closed connection without sending complete message body"
                )
            return httpx.RemoteProtocolError("Server disconnected without sending a response.")
        return httpx.ReadError(message)
    if isinstance(exc, aiohttp.ClientHttpProxyError):
        return httpx.ProxyError(message)
    if isinstance(exc, aiohttp.ClientPayloadError):
        return httpx.RemoteProtocolError(message)
    if isinstance(exc, aiohttp.ClientResponseError):
        return httpx.RemoteProtocolError(message)  # a malformed status line or headers
    if isinstance(exc, aiohttp.InvalidURL):
        return httpx.UnsupportedProtocol(message)
    if isinstance(exc, aiohttp.ClientError):
        return httpx.TransportError(message)
    if isinstance(exc, (asyncio.TimeoutError, TimeoutError)):
        return httpx.ReadTimeout(message) if responded else httpx.ConnectTimeout(message)
    return None


# aiohttp >= 3.10 tells a connect timeout from a read timeout by class.
_CONNECT_TIMEOUT: Any = getattr(aiohttp, "ConnectionTimeoutError", ())


class _ResponseStream(httpx.AsyncByteStream):
    """The body of one aiohttp response, chunk by chunk as it arrives."""

    __slots__ = ("_finished", "_request", "_response")

    def __init__(self, response: aiohttp.ClientResponse, request: httpx.Request) -> None:
        self._response = response
        self._request = request
        self._finished = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        # One HTTP chunk at a time (or what has arrived of it), as httpcore hands them over: not
        # everything buffered at once (readany), which would decode hundreds of stream events
        # in one batch, all alive together, and cost several times more CPU per event.
        content = self._response.content
        readchunk = content.readchunk
        try:
            while True:
                chunk, end_of_http_chunk = await readchunk()
                if chunk:
                    yield chunk
                elif not end_of_http_chunk or content.at_eof():
                    break  # the end of the body (an empty body says (b"", True) for ever)
        except Exception as exc:
            mapped = map_exception(exc, responded=True)
            if mapped is None:
                raise
            mapped.request = self._request
            raise mapped from exc
        # At the end: give the connection back to the pool now, not when httpx closes us.
        self._finished = True
        self._response.release()

    async def aclose(self) -> None:
        # A body read to its end returns the connection to the pool; one left unread (a break,
        # a cancelled task, a cap or deadline of ours) is closed at once: its remaining bytes
        # would corrupt the next answer, and a server still sending must see the hang-up now,
        # not when the client is closed (release() would keep such a connection open).
        if self._finished:
            self._response.release()
        else:
            self._response.close()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An ``httpx.AsyncBaseTransport`` over aiohttp (see the module docstring).

    >>> http = httpx.AsyncClient(transport=AiohttpTransport(proxy="http://proxy:3128"))
    >>> client = AsyncMeshAPI(async_httpx_client=http)

    ``AsyncMeshAPI(http_backend="aiohttp")`` builds one with the defaults.
    """

    def __init__(
        self,
        *,
        verify: Union[ssl.SSLContext, str, bool] = True,
        cert: Any = None,
        proxy: Union[str, httpx.URL, httpx.Proxy, None] = None,
        trust_env: bool = True,
        limits: httpx.Limits = DEFAULT_AIOHTTP_LIMITS,
    ) -> None:
        self._verify = verify
        self._cert = cert
        self._trust_env = trust_env
        self._limits = limits
        self._proxy: Optional[httpx.Proxy] = (
            None
            if proxy is None
            else proxy
            if isinstance(proxy, httpx.Proxy)
            else httpx.Proxy(proxy)
        )
        self._proxy_kwargs: Dict[str, Any] = {}
        # Proxy-Authorization (from the proxy URL's credentials) and any other
        # proxy headers: on the CONNECT for an https target, on the request itself for http.
        self._proxy_headers: List[Tuple[str, str]] = []
        if self._proxy is not None:
            self._proxy_headers = list(self._proxy.headers.items())
            if self._proxy.raw_auth is not None:
                user, password = self._proxy.raw_auth
                token = base64.b64encode(user + b":" + password).decode()
                self._proxy_headers.append(("Proxy-Authorization", f"Basic {token}"))
            self._proxy_kwargs = {
                "proxy": str(self._proxy.url),
                "proxy_headers": dict(self._proxy_headers) or None,
            }
        self._ssl: Optional[ssl.SSLContext] = None
        # One session per live event loop (see the module docstring).
        self._sessions: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, aiohttp.ClientSession]
        self._sessions = weakref.WeakKeyDictionary()
        self._last: Optional[Tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession]] = None
        self._pid = os.getpid()
        self._timeouts: Dict[_TimeoutKey, aiohttp.ClientTimeout] = {}
        self._closed = False
        _live.add(self)

    # -- the pool ------------------------------------------------------------------------------

    def _session(self) -> aiohttp.ClientSession:
        loop = asyncio.get_running_loop()
        last = self._last
        if last is not None and last[0] is loop and self._pid == os.getpid():
            return last[1]
        if self._closed:
            raise RuntimeError("the aiohttp transport was closed")
        if self._pid != os.getpid():
            # A forked child: the parent's connections are not ours to use (nor to close).
            self._forget_all(close=False)
            self._pid = os.getpid()
        self._drop_dead_loops()
        session = self._sessions.get(loop)
        if session is None:
            session = self._new_session()
            self._sessions[loop] = session
        self._last = (loop, session)
        return session

    def _new_session(self) -> aiohttp.ClientSession:
        if self._ssl is None:
            if isinstance(self._verify, ssl.SSLContext):
                self._ssl = self._verify
            else:
                self._ssl = httpx.create_ssl_context(
                    verify=self._verify, cert=self._cert, trust_env=self._trust_env
                )
        limits = self._limits
        connector = aiohttp.TCPConnector(
            limit=limits.max_connections or 0,
            limit_per_host=0,
            keepalive_timeout=limits.keepalive_expiry,
            ssl=self._ssl,
        )
        return aiohttp.ClientSession(
            connector=connector,
            # httpx keeps the cookies (none, for the SDK's own client); aiohttp must not add any.
            cookie_jar=aiohttp.DummyCookieJar(),
            # httpx decodes the body, as it does on its own transport.
            auto_decompress=False,
            # Environment proxies, read per request by aiohttp: only where some are set.
            trust_env=self._trust_env and _env_has_proxies(),
            timeout=aiohttp.ClientTimeout(total=None),
        )

    def _drop_dead_loops(self) -> None:
        for loop in [loop for loop in self._sessions if loop.is_closed()]:
            _abandon(self._sessions.pop(loop))

    def _forget_all(self, *, close: bool) -> None:
        sessions = list(self._sessions.values())
        self._sessions = weakref.WeakKeyDictionary()
        self._last = None
        for session in sessions:
            if close:
                _abandon(session)
            else:
                _disown(session)

    # -- httpx's interface ---------------------------------------------------------------------

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session()
        extensions = request.extensions
        timeout = extensions.get("timeout")
        if timeout:
            key = (timeout.get("connect"), timeout.get("read"), timeout.get("pool"))
            client_timeout = self._timeouts.get(key)
            if client_timeout is None:
                client_timeout = _client_timeout(timeout)
                if len(self._timeouts) < 64:
                    self._timeouts[key] = client_timeout
        else:
            client_timeout = aiohttp.ClientTimeout(total=None)
        headers = request.headers.multi_items()
        if self._proxy_headers and request.url.scheme == "http":
            headers += self._proxy_headers
        data: Any
        try:
            data = request.content or None
        except httpx.RequestNotRead:
            # A streamed upload: aiohttp sends it chunked and writes that header itself.
            data = _aiter(request.stream)  # type: ignore[arg-type]
            headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
        try:
            response = await session.request(
                request.method,
                URL(str(request.url), encoded=True),
                headers=headers,
                data=data,
                allow_redirects=False,
                timeout=client_timeout,
                server_hostname=extensions.get("sni_hostname"),
                **self._proxy_kwargs,
            )
        except Exception as exc:
            mapped = map_exception(exc, responded=False)
            if mapped is None:
                raise
            mapped.request = request
            raise mapped from exc
        reason = response.reason
        return httpx.Response(
            status_code=response.status,
            headers=response.raw_headers,
            stream=_ResponseStream(response, request),
            request=request,
            extensions={
                "http_version": b"HTTP/1.1",
                "reason_phrase": reason.encode() if reason else b"",
            },
        )

    async def aclose(self) -> None:
        """Close the pool of the running loop; pools of other (finished) loops are dropped."""
        self._closed = True
        try:
            loop: Optional[asyncio.AbstractEventLoop] = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        current = self._sessions.pop(loop, None) if loop is not None else None
        self._forget_all(close=self._pid == os.getpid())
        if current is not None and self._pid == os.getpid():
            await current.close()

    def __del__(self) -> None:
        # Never closed (the client was dropped without `aclose()`): close the sockets quietly,
        # as httpx does, instead of aiohttp's "Unclosed client session" warnings.
        try:
            if self._pid == os.getpid():
                self._forget_all(close=True)
        except Exception:
            pass


# Transports never closed are let go quietly at exit too, before the interpreter's last garbage
# collection could reach their sessions first (and print aiohttp's "Unclosed" warnings).
_live: weakref.WeakSet[AiohttpTransport] = weakref.WeakSet()


@atexit.register
def _let_go_at_exit() -> None:
    for transport in list(_live):
        transport.__del__()


async def _aiter(stream: httpx.AsyncByteStream) -> AsyncIterator[bytes]:
    async for chunk in stream:
        yield chunk


def _env_has_proxies() -> bool:
    import urllib.request

    proxies = urllib.request.getproxies()
    return any(k in proxies for k in ("http", "https", "all"))


def _abandon(session: aiohttp.ClientSession) -> None:
    """Close a session's sockets without awaiting (its loop may be gone) and without warnings."""
    connector = session.connector
    if connector is not None and not connector.closed:
        # _close() is what aiohttp's close() does before it waits; it copes with a closed loop.
        try:
            connector._close()
        except Exception:
            pass
    _disown(session)


def _disown(session: aiohttp.ClientSession) -> None:
    """Let a session go without touching its sockets (a forked child must not close the
    parent's TLS sessions) and without aiohttp's "Unclosed" warnings when it is collected."""
    connector = session.connector
    if connector is not None:
        connector._closed = True
        connector._conns.clear()
        connector._acquired.clear()
    session._connector = None
