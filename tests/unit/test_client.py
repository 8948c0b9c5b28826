"""``MeshAPI`` / ``AsyncMeshAPI`` options, sync and async: base URL, token, timeouts, closing,
and the rule that the token never shows in a repr or in a message the SDK writes.

Most tests run through the ``api`` fixture (a caller-supplied httpx client on a MockTransport).
Tests of a client that owns its connection pool intercept its traffic with ``respx``, which
patches httpx's transport layer, so the SDK's own ``httpx.Client`` is exercised unchanged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Dict, Iterator

import httpx
import pytest
import respx

from meshapi import (
    APIConnectionError,
    APIStatusError,
    AsyncMeshAPI,
    AuthenticationError,
    ChatCompletionParams,
    ChatMessage,
    MeshAPI,
    MeshAPIError,
)

if TYPE_CHECKING:
    from fake_gateway import Api, FakeGateway

CHAT = ChatCompletionParams(
    model="openai/gpt-4o-mini", messages=[ChatMessage(role="user", content="Hi")]
)


def timeout_dict(timeout: httpx.Timeout) -> Dict[str, Any]:
    return timeout.as_dict()


# -- base URL --------------------------------------------------------------------------------


async def test_base_url_comes_from_the_environment_when_not_given(
    api: Api, no_env: pytest.MonkeyPatch
) -> None:
    no_env.setenv("MESHAPI_BASE_URL", "https://env-gateway.test")
    client = api.make(base_url=None)

    await api.call(lambda c: c.models.list(), client)

    assert client.base_url == "https://env-gateway.test"
    assert api.gateway.last.url.host == "env-gateway.test"


async def test_base_url_defaults_to_production(api: Api, no_env: pytest.MonkeyPatch) -> None:
    client = api.make(base_url=None)

    await api.call(lambda c: c.models.list(), client)

    assert client.base_url == "https://api.meshapi.ai"
    assert str(api.gateway.last.url) == "https://api.meshapi.ai/v1/models"


async def test_an_explicit_base_url_wins_over_the_environment(
    api: Api, no_env: pytest.MonkeyPatch
) -> None:
    no_env.setenv("MESHAPI_BASE_URL", "https://env-gateway.test")
    client = api.make(base_url="https://explicit.test")

    await api.call(lambda c: c.models.list(), client)

    assert api.gateway.last.url.host == "explicit.test"


@pytest.mark.parametrize(
    "base_url, expected",
    [
        ("https://gw.test/v1", "https://gw.test/v1/models"),
        ("https://gw.test/v1/", "https://gw.test/v1/models"),
        ("https://gw.test/", "https://gw.test/v1/models"),
        ("https://proxy.test/mesh", "https://proxy.test/mesh/v1/models"),
        ("http://127.0.0.1:8123", "http://127.0.0.1:8123/v1/models"),
    ],
)
async def test_base_url_forms_all_reach_the_v1_api(api: Api, base_url: str, expected: str) -> None:
    client = api.make(base_url=base_url)
    api.gateway.on("GET", "{any:path}", api.gateway.reply_json([]))

    await api.call(lambda c: c.models.list(), client)

    assert str(api.gateway.last.url) == expected


@pytest.mark.parametrize(
    "base_url", ["api.meshapi.ai", "ftp://gw.test", "https://gw.test/?x=1", "https://gw.test/#f"]
)
async def test_a_base_url_that_is_not_an_http_url_is_refused(api: Api, base_url: str) -> None:
    with pytest.raises(ValueError, match="base_url"):
        api.make(base_url=base_url)


# -- token -----------------------------------------------------------------------------------


async def test_token_comes_from_meshapi_token_first(api: Api, no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("MESHAPI_TOKEN", "rsk_from_token_var")
    no_env.setenv("MESHAPI_API_KEY", "rsk_from_api_key_var")
    client = api.make(token=None)

    await api.call(lambda c: c.models.list(), client)

    assert api.gateway.last.headers["authorization"] == "Bearer rsk_from_token_var"


async def test_token_falls_back_to_meshapi_api_key(api: Api, no_env: pytest.MonkeyPatch) -> None:
    no_env.setenv("MESHAPI_API_KEY", "rsk_from_api_key_var")
    client = api.make(token=None)

    await api.call(lambda c: c.models.list(), client)

    assert api.gateway.last.headers["authorization"] == "Bearer rsk_from_api_key_var"


async def test_an_explicit_token_wins_over_the_environment(
    api: Api, no_env: pytest.MonkeyPatch
) -> None:
    no_env.setenv("MESHAPI_TOKEN", "rsk_from_token_var")
    client = api.make(token="rsk_explicit")

    await api.call(lambda c: c.models.list(), client)

    assert api.gateway.last.headers["authorization"] == "Bearer rsk_explicit"


@pytest.mark.parametrize("flavour", [MeshAPI, AsyncMeshAPI], ids=["sync", "async"])
def test_no_token_anywhere_fails_at_construction_saying_how_to_give_one(
    flavour: type, no_env: pytest.MonkeyPatch
) -> None:
    with pytest.raises(MeshAPIError) as info:
        flavour(base_url="https://gw.test")

    message = str(info.value)
    assert "token=" in message
    assert "MESHAPI_TOKEN" in message
    assert "MESHAPI_API_KEY" in message


@pytest.mark.parametrize("flavour", [MeshAPI, AsyncMeshAPI], ids=["sync", "async"])
@pytest.mark.parametrize("token", ["rsk_secret_with_newline\n", " rsk_secret_padded", "rsk_a\rb"])
def test_a_token_with_whitespace_is_refused_without_echoing_it(flavour: type, token: str) -> None:
    with pytest.raises(MeshAPIError) as info:
        flavour(base_url="https://gw.test", token=token)

    assert token.strip() not in str(info.value)
    assert token.strip() not in repr(info.value)
    assert "rsk_" not in str(info.value)


# -- timeouts --------------------------------------------------------------------------------


async def test_a_float_timeout_applies_to_every_phase(api: Api) -> None:
    client = api.make(timeout=7.5)

    await api.call(lambda c: c.models.list(), client)

    assert api.gateway.last.timeout == timeout_dict(httpx.Timeout(7.5))


async def test_an_httpx_timeout_is_used_as_given(api: Api) -> None:
    client = api.make(timeout=httpx.Timeout(30.0, connect=2.0, pool=1.0))

    await api.call(lambda c: c.models.list(), client)

    assert api.gateway.last.timeout == {"connect": 2.0, "read": 30.0, "write": 30.0, "pool": 1.0}


async def test_a_per_call_timeout_overrides_the_client_one_for_that_call_only(api: Api) -> None:
    client = api.make(timeout=7.5)

    await api.call(lambda c: c.models.list(timeout=1.5), client)
    await api.call(
        lambda c: c.chat.completions.create(CHAT, timeout=httpx.Timeout(3, read=9)), client
    )
    await api.call(lambda c: c.models.list(), client)

    first, second, third = api.gateway.requests
    assert first.timeout == timeout_dict(httpx.Timeout(1.5))
    assert second.timeout == timeout_dict(httpx.Timeout(3, read=9))
    assert third.timeout == timeout_dict(httpx.Timeout(7.5))


async def test_a_stream_takes_the_per_call_timeout_too(api: Api) -> None:
    await api.collect(lambda c: c.chat.completions.stream(CHAT, timeout=4.0))
    assert api.gateway.last.timeout == timeout_dict(httpx.Timeout(4.0))


async def test_without_a_timeout_a_supplied_httpx_clients_own_timeout_is_kept(api: Api) -> None:
    client = api.make(httpx_client=api.httpx_client(timeout=httpx.Timeout(12.0, connect=3.0)))

    await api.call(lambda c: c.models.list(), client)

    assert api.gateway.last.timeout == timeout_dict(httpx.Timeout(12.0, connect=3.0))


@pytest.mark.parametrize("timeout", [0, -1.0, "5", True])
async def test_a_bad_timeout_is_refused(api: Api, timeout: Any) -> None:
    with pytest.raises((TypeError, ValueError), match="timeout"):
        api.make(timeout=timeout)


@pytest.mark.parametrize("max_retries", [-1, 1.5, True])
async def test_a_bad_max_retries_is_refused(api: Api, max_retries: Any) -> None:
    with pytest.raises(ValueError, match="max_retries"):
        api.make(max_retries=max_retries)


# -- headers set by the caller ---------------------------------------------------------------


async def test_default_headers_go_on_every_request(api: Api) -> None:
    client = api.make(default_headers={"X-Mesh-Version": "2025-01"})

    await api.call(lambda c: c.models.list(), client)
    await api.collect(lambda c: c.chat.completions.stream(CHAT), client)

    assert [s.headers["x-mesh-version"] for s in api.gateway.requests] == ["2025-01", "2025-01"]


# -- owned connection pools (respx intercepts the SDK's own httpx client) ----------------------


@pytest.fixture
def intercept(gateway: FakeGateway) -> Iterator[FakeGateway]:
    """Route every httpx request of the process to the fake gateway (for SDK-owned clients)."""
    with respx.mock(assert_all_called=False) as router:
        router.route().mock(side_effect=gateway.handler)
        yield gateway


@pytest.mark.parametrize("flavour", ["sync", "async"])
async def test_an_owned_client_uses_the_default_timeout_and_follows_no_redirect(
    intercept: FakeGateway, flavour: str
) -> None:
    gw = intercept
    gw.on("GET", "/v1/models", gw.reply_raw(b"", 307, headers={"location": "https://gw.test/x"}))
    with pytest.raises(APIStatusError) as info:
        if flavour == "async":
            async with AsyncMeshAPI(base_url=gw.base_url, token=gw.token) as aclient:
                await aclient.models.list()
        else:
            with MeshAPI(base_url=gw.base_url, token=gw.token) as client:
                client.models.list()

    assert (info.value.status, info.value.error_code) == (307, "unexpected_redirect")
    (seen,) = gw.requests
    assert seen.timeout == {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 60.0}


async def test_a_callers_client_that_follows_redirects_does_not_make_the_sdk_follow_them(
    api: Api,
) -> None:
    client = api.make(httpx_client=api.httpx_client(follow_redirects=True))
    api.gateway.on(
        "GET", "/v1/models", api.gateway.reply_raw(b"", 302, headers={"location": "/v1/other"})
    )

    with pytest.raises(APIStatusError) as info:
        await api.call(lambda c: c.models.list(), client)

    assert (info.value.status, info.value.error_code) == (302, "unexpected_redirect")
    assert [s.raw_path for s in api.gateway.requests] == ["/v1/models"]


def test_the_sync_context_manager_closes_an_owned_pool() -> None:
    with MeshAPI(base_url="https://gw.test", token="rsk_x") as client:
        pool = client._http.client
        assert not pool.is_closed
    assert pool.is_closed


def test_close_releases_an_owned_pool() -> None:
    client = MeshAPI(base_url="https://gw.test", token="rsk_x")
    client.close()
    assert client._http.client.is_closed


async def test_the_async_context_manager_closes_an_owned_pool() -> None:
    async with AsyncMeshAPI(base_url="https://gw.test", token="rsk_x") as client:
        pool = client._http.client
        assert not pool.is_closed
    assert pool.is_closed


@pytest.mark.parametrize("method", ["close", "aclose"])
async def test_async_close_and_aclose_release_an_owned_pool(method: str) -> None:
    client = AsyncMeshAPI(base_url="https://gw.test", token="rsk_x")
    await getattr(client, method)()
    assert client._http.client.is_closed


async def test_a_caller_supplied_httpx_client_is_not_closed(api: Api) -> None:
    http = api.httpx_client()
    client = api.make(httpx_client=http)

    await api.close(client)
    assert not http.is_closed

    if api.is_async:
        async with client:
            pass
    else:
        with client:
            pass
    assert not http.is_closed
    # And it still works for the caller.
    await api.call(lambda c: c.models.list(), api.make(httpx_client=http))


def test_an_async_httpx_client_given_to_the_sync_client_is_refused() -> None:
    http = httpx.AsyncClient()
    with pytest.raises(TypeError, match="async_httpx_client"):
        MeshAPI(base_url="https://gw.test", token="rsk_x", httpx_client=http)  # type: ignore[arg-type]


def test_a_sync_httpx_client_given_to_the_async_client_is_refused() -> None:
    with httpx.Client() as http, pytest.raises(TypeError, match=r"httpx\.AsyncClient"):
        AsyncMeshAPI(base_url="https://gw.test", token="rsk_x", async_httpx_client=http)  # type: ignore[arg-type]


# -- the token never shows -------------------------------------------------------------------


async def test_the_token_is_not_in_the_clients_repr_or_str(api: Api) -> None:
    token = api.gateway.token
    client = api.client
    for text in (repr(client), str(client), repr(client._http), repr(client.chat.completions)):
        assert token not in text
    assert "gw.test" in repr(client)


def _leaks(err: BaseException, token: str) -> bool:
    texts = [str(err), repr(err), *map(str, err.args)]
    if isinstance(err, MeshAPIError):
        texts.append(str(err.message))
    return any(token in t for t in texts)


SDK_MESSAGE_FAILURES: Dict[str, Any] = {
    "connect-error": lambda gw: gw.reply_raises(httpx.ConnectError, "[Errno 111] refused"),
    "read-timeout": lambda gw: gw.reply_raises(httpx.ReadTimeout, "timed out"),
    "remote-protocol-error": lambda gw: gw.reply_raises(httpx.RemoteProtocolError, "peer closed"),
    "invalid-response": lambda gw: gw.reply_json({"unexpected": True}),
    "not-json-200": lambda gw: gw.reply_raw(b"<html>login</html>", 200, "text/html"),
    "empty-401": lambda gw: gw.reply_raw(b"", 401, ""),
    "html-503": lambda gw: gw.reply_raw(b"<title>Down</title>", 503, "text/html"),
}


@pytest.mark.parametrize("name", list(SDK_MESSAGE_FAILURES))
async def test_no_error_message_written_by_the_sdk_contains_the_token(api: Api, name: str) -> None:
    client = api.make(max_retries=0)
    api.gateway.on("POST", "/v1/chat/completions", SDK_MESSAGE_FAILURES[name](api.gateway))

    with pytest.raises(MeshAPIError) as info:
        await api.call(lambda c: c.chat.completions.create(CHAT), client)

    assert not _leaks(info.value, api.gateway.token)


async def test_a_stream_interruption_message_does_not_contain_the_token(api: Api) -> None:
    gw = api.gateway
    gw.on("POST", "/v1/chat/completions", gw.reply_sse(gw.bodies.chat_chunks(), done=False))

    with pytest.raises(MeshAPIError) as info:
        await api.collect(lambda c: c.chat.completions.stream(CHAT))

    assert info.value.error_code == "stream_interrupted"
    assert not _leaks(info.value, gw.token)


async def test_a_401_error_names_the_failure_without_the_token(api: Api) -> None:
    gw = api.gateway
    gw.on("GET", "/v1/models", gw.reply_error(401, "unauthorized", "Invalid API key"))

    with pytest.raises(AuthenticationError) as info:
        await api.call(lambda c: c.models.list())

    assert "Invalid API key" in str(info.value)
    assert not _leaks(info.value, gw.token)


async def test_a_failed_upload_does_not_print_the_signed_urls_signature(api: Api) -> None:
    gw = api.gateway
    gw.on("PUT", gw.signed_url, gw.reply_raises(httpx.ConnectError, "[Errno 111] refused"))
    client = api.make(max_retries=0)

    with pytest.raises(APIConnectionError) as info:
        await api.call(
            lambda c: c.rag.upload_file(file_name="a.txt", mime_type="text/plain", content=b"x"),
            client,
        )

    assert "storage.test/uploads/file_01JDXC" in str(info.value)
    assert "X-Sig" not in str(info.value) and "abc123" not in str(info.value)
    assert not _leaks(info.value, gw.token)
