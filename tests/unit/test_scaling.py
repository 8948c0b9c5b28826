"""Scaling out, without network: the http_backend option, pickling by configuration, a fresh
pool after ``os.fork()``, and how the aiohttp transport maps failures and timeouts."""

from __future__ import annotations

import asyncio
import os
import pickle
import pickletools
import sys
from typing import Any, Callable, Optional, Type

import aiohttp
import httpx
import pytest

from meshapi import AsyncMeshAPI, MeshAPI
from meshapi._aiohttp import AiohttpTransport, _client_timeout, map_exception
from meshapi._retry import is_retryable_exception

KEY = "rsk_" + "5ecret" * 8
BASE = "https://gw.example.test"


def make_sync(**kw: Any) -> MeshAPI:
    return MeshAPI(base_url=BASE, token=KEY, **kw)


def make_async(**kw: Any) -> AsyncMeshAPI:
    return AsyncMeshAPI(base_url=BASE, token=KEY, **kw)


MAKERS = pytest.mark.parametrize("make", [make_sync, make_async], ids=["sync", "async"])


# -- the option ---------------------------------------------------------------------------


def test_http_backend_aiohttp_puts_the_aiohttp_transport_under_our_own_httpx_client() -> None:
    client = make_async(http_backend="aiohttp")
    assert isinstance(client._http.client._transport, AiohttpTransport)
    assert client._http._owns_client
    default = make_async()
    assert not isinstance(default._http.client._transport, AiohttpTransport)


def test_an_unknown_backend_is_refused_with_the_choices() -> None:
    with pytest.raises(ValueError, match=r"http_backend must be one of \('httpx', 'aiohttp'\)"):
        make_async(http_backend="curl")


def test_the_aiohttp_backend_and_a_caller_httpx_client_do_not_mix() -> None:
    with pytest.raises(ValueError, match="AiohttpTransport"):
        make_async(http_backend="aiohttp", async_httpx_client=httpx.AsyncClient())


def test_without_the_extra_the_error_names_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "aiohttp", None)  # as if not installed
    monkeypatch.delitem(sys.modules, "meshapi._aiohttp")
    with pytest.raises(ImportError, match=r'pip install "meshapi\[aiohttp\]"'):
        make_async(http_backend="aiohttp")


# -- pickling -----------------------------------------------------------------------------


@MAKERS
def test_a_client_pickles_by_configuration_and_gets_its_own_pool(make: Callable[..., Any]) -> None:
    client = make(
        timeout=httpx.Timeout(12.0, connect=3.0),
        max_retries=5,
        max_retry_wait=7.5,
        default_headers={"X-Team": "search"},
    )
    clone = pickle.loads(pickle.dumps(client))
    assert type(clone) is type(client)
    assert clone.base_url == BASE
    assert clone._http.api_key == KEY
    assert clone._http.timeout == httpx.Timeout(12.0, connect=3.0)
    assert (clone._http.max_retries, clone._http.max_retry_wait) == (5, 7.5)
    assert clone._http._headers["X-Team"] == "search"
    assert clone._http.client is not client._http.client


def test_the_backend_travels_with_an_async_client() -> None:
    clone = pickle.loads(pickle.dumps(make_async(http_backend="aiohttp")))
    assert isinstance(clone._http.client._transport, AiohttpTransport)


@MAKERS
def test_the_key_never_shows_in_the_pickled_bytes(make: Callable[..., Any]) -> None:
    data = pickle.dumps(make())
    for text in (repr(data), data.decode("latin-1")):
        assert KEY not in text
    listing: list = []
    pickletools.dis(data, out=_Collect(listing))
    assert KEY not in "".join(listing)


@MAKERS
def test_the_key_from_the_environment_travels_too(
    make: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MESHAPI_TOKEN", KEY)
    client = MeshAPI(base_url=BASE) if make is make_sync else AsyncMeshAPI(base_url=BASE)
    data = pickle.dumps(client)
    monkeypatch.delenv("MESHAPI_TOKEN")
    assert pickle.loads(data)._http.api_key == KEY


@MAKERS
def test_a_client_on_a_caller_httpx_client_refuses_to_pickle(make: Callable[..., Any]) -> None:
    own = httpx.Client() if make is make_sync else httpx.AsyncClient()
    kw = {"httpx_client": own} if make is make_sync else {"async_httpx_client": own}
    with pytest.raises(TypeError, match="your own httpx client"):
        pickle.dumps(make(**kw))


@MAKERS
def test_resources_and_their_methods_pickle_as_the_client_they_belong_to(
    make: Callable[..., Any],
) -> None:
    client = make()
    for thing in (client.embeddings.create, client.chat.completions.create, client.models):
        data = pickle.dumps(thing)
        assert KEY.encode() not in data
        clone = pickle.loads(data)
        owner = clone.__self__ if hasattr(clone, "__self__") else clone
        assert owner._http.api_key == KEY and owner._http.base_url == BASE


@MAKERS
def test_a_client_unpickled_again_in_one_process_is_rebuilt_once(
    make: Callable[..., Any],
) -> None:
    # Tasks of a pool or a Dask worker each unpickle their arguments: one pool per process.
    client = make()
    first = pickle.loads(pickle.dumps(client))
    again = pickle.loads(pickle.dumps(client.embeddings.create)).__self__._http
    assert again is first._http
    assert pickle.dumps(client) == pickle.dumps(client), "the same bytes each time (Dask hashes)"
    other = pickle.loads(pickle.dumps(make()))
    assert other is not first, "another client (another identity) is another client"


def test_a_restored_client_that_was_closed_is_rebuilt() -> None:
    client = make_sync()
    first = pickle.loads(pickle.dumps(client))
    first.close()
    second = pickle.loads(pickle.dumps(client))
    assert second is not first and not second._http.client.is_closed


def test_the_http_client_alone_does_not_pickle() -> None:
    from meshapi._http import SyncHttpClient

    with pytest.raises(TypeError, match="only as part of a MeshAPI client"):
        pickle.dumps(SyncHttpClient(base_url=BASE, token=KEY))


# -- fork ---------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
@MAKERS
def test_a_forked_child_builds_a_new_pool_and_the_parent_keeps_its_own(
    make: Callable[..., Any],
) -> None:
    client = make()
    parent_pool = client._http.client
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: report, then leave without running the parent's cleanup
        fresh = client._http.client
        same_again = client._http.client is fresh
        os.write(write_end, b"%d%d" % (fresh is not parent_pool, same_again))
        os._exit(0)
    os.close(write_end)
    answer = os.read(read_end, 2)
    os.waitpid(pid, 0)
    os.close(read_end)
    assert answer == b"11", "the child got a new pool, once"
    assert client._http.client is parent_pool


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
def test_a_callers_httpx_client_is_left_alone_across_a_fork() -> None:
    own = httpx.Client()
    client = make_sync(httpx_client=own)
    pid = os.fork()
    if pid == 0:
        os._exit(0 if client._http.client is own else 1)
    _, status = os.waitpid(pid, 0)
    assert os.WEXITSTATUS(status) == 0


# -- the aiohttp transport: failures and timeouts -----------------------------------------


def _conn_key() -> Any:
    from aiohttp.client_reqrep import ConnectionKey

    return ConnectionKey("h", 1, False, True, None, None, None)


@pytest.mark.parametrize(
    ("exc", "responded", "expected", "retried"),
    [
        (
            aiohttp.ClientConnectorError(_conn_key(), ConnectionRefusedError(111, "refused")),
            False,
            httpx.ConnectError,
            True,
        ),
        (aiohttp.ConnectionTimeoutError("connect"), False, httpx.ConnectTimeout, True),
        (aiohttp.SocketTimeoutError("read"), False, httpx.ReadTimeout, False),
        (aiohttp.SocketTimeoutError("read"), True, httpx.ReadTimeout, False),
        (aiohttp.ServerDisconnectedError(), False, httpx.RemoteProtocolError, True),
        (aiohttp.ServerDisconnectedError(), True, httpx.RemoteProtocolError, False),
        (aiohttp.ClientPayloadError("cut"), True, httpx.RemoteProtocolError, False),
        # A reset is a ReadError as on httpx, which the policy retries: _http asks it only about
        # failures before the response headers, so a reset mid-body is never retried anyway.
        (aiohttp.ClientOSError(104, "reset"), True, httpx.ReadError, True),
        (
            aiohttp.ClientProxyConnectionError(_conn_key(), OSError(1, "no")),
            False,
            httpx.ProxyError,
            False,
        ),
        (asyncio.TimeoutError(), False, httpx.ConnectTimeout, True),
        (asyncio.TimeoutError(), True, httpx.ReadTimeout, False),
    ],
)
def test_aiohttp_failures_map_to_httpx_classes_and_retry_as_on_httpx(
    exc: BaseException, responded: bool, expected: Type[Exception], retried: bool
) -> None:
    mapped = map_exception(exc, responded=responded)
    assert type(mapped) is expected
    assert is_retryable_exception(mapped) is retried  # type: ignore[arg-type]


def test_errors_that_are_not_transport_failures_are_not_mapped() -> None:
    assert map_exception(ValueError("x"), responded=False) is None


@pytest.mark.parametrize(
    ("timeout", "connect", "sock_connect", "sock_read"),
    [
        (httpx.Timeout(60.0, connect=10.0), 70.0, 10.0, 60.0),
        (httpx.Timeout(5.0), 10.0, 5.0, 5.0),
        (httpx.Timeout(None), None, None, None),
        (httpx.Timeout(3.0, pool=None), None, 3.0, 3.0),
    ],
)
def test_httpx_timeouts_become_aiohttp_ones_with_no_total_deadline(
    timeout: httpx.Timeout,
    connect: Optional[float],
    sock_connect: Optional[float],
    sock_read: Optional[float],
) -> None:
    ct = _client_timeout(timeout.as_dict())
    assert ct.total is None, "a long stream must not be cut by a deadline httpx does not have"
    assert (ct.connect, ct.sock_connect, ct.sock_read) == (connect, sock_connect, sock_read)


def test_the_transport_takes_a_proxy_url_with_credentials() -> None:
    transport = AiohttpTransport(proxy="http://user:pw@proxy.test:3128")
    assert transport._proxy_kwargs["proxy"] == "http://proxy.test:3128"
    assert transport._proxy_kwargs["proxy_headers"] == {
        "Proxy-Authorization": "Basic dXNlcjpwdw=="  # base64 of user:pw
    }


class _Collect:
    def __init__(self, out: list) -> None:
        self.out = out

    def write(self, text: str) -> None:
        self.out.append(text)
