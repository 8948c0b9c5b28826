"""Fuzz every endpoint of the gateway: malformed, huge, deeply nested and odd-Unicode bodies.

The routes are read from the running app, so an endpoint added later is fuzzed too. Whatever
arrives, the answer is never a 500 (nor any 5xx but compare's documented 502 when every
compared model failed), and every error is JSON.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any, Iterator, List, Tuple
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.routing import Route

from meshapi.testing import LocalGateway

MAX_BODY = 64 * 1024
Endpoint = Tuple[str, str]  # (method, path template)


@pytest.fixture(scope="module")
def gateway() -> Iterator[LocalGateway]:
    options = {"max_body_bytes": MAX_BODY, "batch_step_delay": 0, "rag_embed_delay": 0}
    with LocalGateway(options=options, balance_usd=1e9) as gw:
        yield gw


@pytest.fixture(scope="module")
def client(gateway: LocalGateway) -> Iterator[httpx.Client]:
    with httpx.Client(
        base_url=gateway.base_url,
        headers={"Authorization": f"Bearer {gateway.api_key}"},
        timeout=30,
    ) as c:
        yield c


def _endpoints(gateway: LocalGateway) -> List[Endpoint]:
    found = []
    for route in gateway.app.routes:
        if isinstance(route, Route):
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    found.append((method, route.path))
    return found


def _fill(path: str, value: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda _: quote(value, safe=""), path)


def _check(response: httpx.Response, what: str) -> None:
    # The one 5xx the protocol has for a bad request: a compare whose every model failed.
    documented = response.status_code == 502 and b"all_models_failed" in response.content
    assert response.status_code < 500 or documented, (
        f"{what}: {response.status_code} {response.text[:500]}"
    )
    if response.status_code >= 400 and response.content:
        assert isinstance(json.loads(response.content), dict), what


def _send(client: httpx.Client, method: str, path: str, body: bytes) -> None:
    with client.stream(
        method, path, content=body, headers={"Content-Type": "application/json"}
    ) as response:
        response.read()
    _check(response, f"{method} {path} {body[:120]!r}")


# Bodies every endpoint gets, whatever the fuzzer draws.
NASTY: List[bytes] = [
    b"",
    b"null",
    b"[]",
    b"{",
    b'{"a": 1}garbage',
    b"\xff\xfe\x00{",
    b"[" * 10_000,
    b'{"a":' * 10_000 + b"1" + b"}" * 10_000,
    b'{"x": "' + b"y" * (MAX_BODY + 10) + b'"}',
    b'{"model": NaN, "messages": Infinity, "input": 1e999}',
    b'{"model": "\\ud800", "messages": [{"role": "user", "content": "\\udfff"}]}',
    b'{"\\ud800": 1}',
    b'{"n": 1' + b"0" * 5000 + b"}",
    b'{"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": 5}]}]}',
]


def test_every_endpoint_survives_the_nasty_bodies(
    gateway: LocalGateway, client: httpx.Client
) -> None:
    endpoints = _endpoints(gateway)
    assert len(endpoints) >= 20  # the enumeration found the app's routes
    for method, template in endpoints:
        for ident in ["x", "\udc80".encode("utf-8", "surrogatepass").decode("latin-1")]:
            path = _fill(template, ident)
            for body in NASTY:
                _send(client, method, path, body)


# Values a client could put anywhere in a JSON body: plain, odd Unicode, odd numbers.
_TEXT = st.text(
    alphabet=st.characters(codec=None, exclude_categories=()), max_size=40
) | st.sampled_from(["", " ", "\u0000", "\u202e", "\ufeff", "openai/gpt-4o-mini", "user"])
_ODD = st.sampled_from(
    [float("nan"), float("inf"), -float("inf"), "\ud800", "a\udfffb", 10**400, -(2**64), 1e308]
)
_SCALARS = (
    _ODD
    | st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | _TEXT
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_TEXT, inner, max_size=4),
    max_leaves=12,
)
_FIELDS = st.sampled_from(
    [
        "model",
        "models",
        "messages",
        "input",
        "stream",
        "name",
        "metadata",
        "requests",
        "file_ids",
        "query",
        "prompt",
        "params",
        "tools",
        "n",
        "size",
        "seconds",
        "file_name",
        "mime_type",
        "variables",
        "response_format",
        "template",
    ]
)
_BODIES = st.dictionaries(_FIELDS, _JSON, max_size=5)


def _encode(value: Any) -> bytes:
    # allow_nan and surrogatepass on purpose: the fuzzer sends what strict JSON forbids.
    return json.dumps(value, allow_nan=True).encode("utf-8", "surrogatepass")


CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
# A valid body per endpoint, for the fuzzer to break one field at a time (an endpoint missing
# here is fuzzed from an empty object).
EXAMPLES = {
    "/v1/chat/completions": CHAT,
    "/v1/responses": {"model": "openai/gpt-4o-mini", "input": "hi", "metadata": {"k": "v"}},
    "/v1/embeddings": {"model": "openai/text-embedding-3-small", "input": ["a", "b"]},
    "/v1/images/generations": {"model": "openai/gpt-image-1", "prompt": "a cat", "n": 1},
    "/v1/chat/compare": {"models": ["openai/gpt-4o-mini"], "messages": CHAT["messages"]},
    "/v1/templates": {"name": "t", "system": "s", "params": {"temperature": 0.1}},
    "/v1/templates/{template_id}": {"description": "d", "variables": ["x"]},
    "/v1/batches": {"requests": [{"custom_id": "a", "body": CHAT}], "metadata": {"k": "v"}},
    "/v1/files": {"file_name": "a.txt", "mime_type": "text/plain", "metadata": {"k": "v"}},
    "/v1/files/embed": {"file_ids": ["file_x"], "metadata": {"k": "v"}},
    "/v1/files/search": {"query": "q", "top_k": 3, "filter": {"k": "v"}},
}


def _leaves(value: Any, path: Tuple[Any, ...] = ()) -> List[Tuple[Any, ...]]:
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in _leaves(v, (*path, k))] or [path]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in _leaves(v, (*path, i))] or [path]
    return [path]


_NAMES = itertools.count()


def _mutated(data: st.DataObject, base: Any) -> Any:
    body = json.loads(json.dumps(base))
    if body.get("name") == "t":
        body["name"] = f"t{next(_NAMES)}"  # a fresh name, so the write is not a 409
    paths = [p for p in _leaves(body) if p]
    if not paths or data.draw(st.integers(0, 3), label="add a field") == 0:
        if isinstance(body, dict):
            body[data.draw(_FIELDS | _TEXT, label="field")] = data.draw(_JSON, label="value")
        return body
    path = data.draw(st.sampled_from(paths), label="path")
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = data.draw(_ODD | _JSON, label="value")
    return body


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_fuzzed_bodies_never_get_a_5xx(
    gateway: LocalGateway, client: httpx.Client, data: st.DataObject
) -> None:
    endpoints = _endpoints(gateway)
    writes = [e for e in endpoints if e[1] in EXAMPLES and e[0] in ("POST", "PATCH")]
    method, template = data.draw(
        st.sampled_from(writes) | st.sampled_from(endpoints), label="endpoint"
    )
    ident = data.draw(st.sampled_from(["x", "tpl_global_summarize", "..", "%00"]), label="id")
    kind = data.draw(st.sampled_from(["mutated", "mutated", "random", "bytes"]), label="kind")
    if kind == "mutated":
        body = _encode(_mutated(data, EXAMPLES.get(template, {})))
    elif kind == "random":
        body = data.draw(_BODIES.map(_encode) | _JSON.map(_encode), label="body")
    else:
        body = data.draw(st.binary(max_size=200), label="bytes")
    _send(client, method, _fill(template, ident), body)


def test_everything_the_fuzzer_stored_can_be_served(client: httpx.Client) -> None:
    for path in ["/v1/templates", "/v1/batches", "/v1/files"]:
        _check(client.get(path), path)
    for file in client.get("/v1/files", params={"limit": 100}).json()["files"]:
        _check(client.get(f"/v1/files/{file['file_id']}"), file["file_id"])
