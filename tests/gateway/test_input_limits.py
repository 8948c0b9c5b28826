"""Bodies the gateway must refuse before they reach a service or a table.

Stored poison (NaN, Infinity, 1e999, lone surrogates) in every writable field, bodies nested
10,000 deep, oversized bodies, and lone surrogates in fields that are never stored: each is a
4xx with the error envelope naming the field, never a 500, and every list still serves.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Callable, Dict, List, Tuple

import httpx
import pytest
from gwkit import client_for

from meshapi.testing import LocalGateway

POISONS = ["NaN", "Infinity", "-Infinity", "1e999", '"\\ud800"', '"a\\udfffb"']
MARK = "__POISON__"
CHAT = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


def _with_poison(body: Dict[str, Any], path: Tuple[Any, ...]) -> Dict[str, Any]:
    body = json.loads(json.dumps(body))
    target = body
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = MARK
    return body


def _raw(body: Dict[str, Any], poison: str) -> bytes:
    return json.dumps(body).replace(f'"{MARK}"', poison).encode()


def _assert_refused(response: httpx.Response, loc: List[Any]) -> None:
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["details"][0]["loc"] == loc, error
    assert "request_id" in response.json()


# (method, path, base body, field path) for every field a client can write.
def _writes(
    template_id: str, file_id: str
) -> List[Tuple[str, str, Dict[str, Any], Tuple[Any, ...]]]:
    template = {
        "name": "t",
        "description": "d",
        "system": "s {{x}}",
        "messages": [{"role": "user", "content": "{{x}}"}],
        "model": "openai/gpt-4o-mini",
        "params": {"temperature": 0.1},
        "variables": ["x"],
    }
    batch = {
        "requests": [{"custom_id": "a", "body": dict(CHAT)}],
        "metadata": {"k": "v"},
        "completion_window": "24h",
        "endpoint": "/v1/chat/completions",
    }
    upload = {"file_name": "a.txt", "mime_type": "text/plain", "metadata": {"k": "v"}}
    writes: List[Tuple[str, str, Dict[str, Any], Tuple[Any, ...]]] = []
    for field in ["name", "description", "system", "model"]:
        writes.append(("POST", "/v1/templates", template, (field,)))
        writes.append(("PATCH", f"/v1/templates/{template_id}", template, (field,)))
    for path in [("messages", 0, "content"), ("messages", 0, "role"), ("params", "temperature")]:
        writes.append(("POST", "/v1/templates", template, path))
        writes.append(("PATCH", f"/v1/templates/{template_id}", template, path))
    writes.append(("POST", "/v1/templates", template, ("variables", 0)))
    writes.append(("POST", "/v1/templates", template, ("params", "nested")))
    for path in [
        ("metadata", "k"),
        ("metadata", "new"),
        ("completion_window",),
        ("endpoint",),
        ("requests", 0, "custom_id"),
        ("requests", 0, "body", "messages", 0, "content"),
        ("requests", 0, "body", "temperature"),
    ]:
        writes.append(("POST", "/v1/batches", batch, path))
    for path in [("file_name",), ("mime_type",), ("metadata", "k")]:
        writes.append(("POST", "/v1/files", upload, path))
    embed = {"file_ids": [file_id], "metadata": {"k": "v"}}
    writes.append(("POST", "/v1/files/embed", embed, ("metadata", "k")))
    writes.append(("POST", "/v1/files/embed", embed, ("file_ids", 0)))
    return writes


LISTS = ["/v1/templates", "/v1/batches", "/v1/files"]


def _serves_everything(client: httpx.Client, file_id: str) -> None:
    for path in [*LISTS, f"/v1/files/{file_id}"]:
        response = client.get(path)
        assert response.status_code == 200, (path, response.text)


def test_poison_is_refused_in_every_writable_field_and_lists_keep_serving(
    make_gateway: Callable[..., LocalGateway], tmp_path: Path
) -> None:
    db = str(tmp_path / "gw.db")
    gateway = make_gateway(db_path=db)
    with client_for(gateway) as client:
        template_id = client.post("/v1/templates", json={"name": "base"}).json()["id"]
        file_id = client.post(
            "/v1/files", json={"file_name": "a.txt", "mime_type": "text/plain"}
        ).json()["file_id"]
        checked = 0
        for method, path, base, field in _writes(template_id, file_id):
            for poison in POISONS:
                raw = _raw(_with_poison(base, field), poison)
                response = client.request(
                    method, path, content=raw, headers={"Content-Type": "application/json"}
                )
                _assert_refused(response, ["body", *field])
                checked += 1
        assert checked == len(_writes("t", "f")) * len(POISONS)
        _serves_everything(client, file_id)
    gateway.stop()
    restarted = make_gateway(db_path=db, api_key=gateway.api_key)
    with client_for(restarted) as client:
        _serves_everything(client, file_id)
        assert [t["name"] for t in client.get("/v1/templates").json() if not t["is_global"]] == [
            "base"
        ]


# Fields that are never stored but used to raise UnicodeEncodeError (500).
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/v1/chat/completions", CHAT, ("messages", 0, "content")),
        ("/v1/chat/completions", CHAT, ("model",)),
        ("/v1/responses", {"model": "openai/gpt-4o-mini", "input": "x"}, ("input",)),
        (
            "/v1/chat/compare",
            {"models": ["openai/gpt-4o-mini", "x"], "messages": CHAT["messages"]},
            ("models", 1),
        ),
        ("/v1/files/search", {"query": "q", "file_ids": ["x"]}, ("file_ids", 0)),
        ("/v1/files/search", {"query": "q"}, ("query",)),
        ("/v1/embeddings", {"model": "openai/text-embedding-3-small", "input": "x"}, ("input",)),
    ],
)
def test_lone_surrogates_anywhere_are_a_422_naming_the_field(
    api: httpx.Client, path: str, body: Dict[str, Any], field: Tuple[Any, ...]
) -> None:
    raw = _raw(_with_poison(body, field), '"\\ud800"')
    response = api.post(path, content=raw, headers={"Content-Type": "application/json"})
    _assert_refused(response, ["body", *field])


@pytest.mark.parametrize("path", ["/v1/chat/completions", "/v1/templates", "/v1/batches"])
def test_ten_thousand_deep_json_is_refused_before_parsing(api: httpx.Client, path: str) -> None:
    for raw in [b'{"a":' * 10_000 + b"1" + b"}" * 10_000, b"[" * 10_000]:
        response = api.post(path, content=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 422, response.text
        error = response.json()["error"]
        assert "nested" in error["message"] and "64" in error["message"]


def test_nesting_and_size_limits_are_options(make_gateway: Callable[..., LocalGateway]) -> None:
    gateway = make_gateway(options={"max_json_depth": 3, "max_body_bytes": 2000})
    with client_for(gateway) as client:
        deep = {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "x"}]}
        assert client.post("/v1/chat/completions", json=deep).status_code == 200
        deeper = dict(deep, metadata={"a": {"b": {"c": 1}}})
        response = client.post("/v1/chat/completions", json=deeper)
        assert response.status_code == 422 and "limit is 3" in response.text
        big = dict(deep, messages=[{"role": "user", "content": "x" * 3000}])
        response = client.post("/v1/chat/completions", json=big)
        assert response.status_code == 413, response.text
        assert response.json()["error"]["code"] == "payload_too_large"
        # A body that lies about its size is cut off while it is read.
        chunks = iter([b'{"model": "', b"x" * 3000, b'"}'])
        response = client.post("/v1/chat/completions", content=chunks)
        assert response.status_code == 413, response.text


def test_huge_integers_are_refused(api: httpx.Client) -> None:
    raw = b'{"name": "n", "params": {"x": 1' + b"0" * 5000 + b"}}"
    response = api.post("/v1/templates", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and "digits" in response.text


def test_bad_options_are_refused() -> None:
    with pytest.raises(ValueError, match="max_json_depth"):
        LocalGateway(options={"max_json_depth": 0})
    with pytest.raises(ValueError, match="request_header_timeout"):
        LocalGateway(options={"request_header_timeout": float("nan")})


def test_poison_an_older_gateway_stored_is_served_not_a_500(
    make_gateway: Callable[..., LocalGateway], tmp_path: Path
) -> None:
    gateway = make_gateway(db_path=str(tmp_path / "old.db"))
    with client_for(gateway) as client:
        template = client.post("/v1/templates", json={"name": "old"}).json()
        file_id = client.post(
            "/v1/files", json={"file_name": "a.txt", "mime_type": "text/plain"}
        ).json()["file_id"]
        # What a gateway without body checks wrote (json.dumps allows NaN and escapes surrogates).
        db = gateway.gateway.db
        db.execute(
            "UPDATE templates SET params = ? WHERE id = ?",
            (json.dumps({"t": float("nan"), "s": "\ud800"}), template["id"]),
        )
        db.execute(
            "UPDATE rag_files SET metadata = ? WHERE file_id = ?",
            (json.dumps({"x": float("inf")}), file_id),
        )
        _serves_everything(client, file_id)
        served = client.get(f"/v1/templates/{template['id']}").json()
        assert served["params"] == {"t": None, "s": "\ufffd"}
        assert client.get(f"/v1/files/{file_id}").json()["metadata"] == {"x": None}
