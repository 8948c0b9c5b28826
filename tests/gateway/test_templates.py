"""Template CRUD and rendering into chat and responses."""

from __future__ import annotations

import re
import uuid
from typing import Any, Callable, Dict

import httpx
from gwkit import client_for

from meshapi.testing import LocalGateway

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def create(api: httpx.Client, **fields: Any) -> Dict[str, Any]:
    fields.setdefault("name", unique("tpl"))
    response = api.post("/v1/templates", json=fields)
    assert response.status_code == 201, response.text
    template: Dict[str, Any] = response.json()
    return template


def test_create_get_list_update_delete(api: httpx.Client) -> None:
    template = create(
        api,
        description="Support",
        system="You are a support agent for {{company}}.",
        messages=[{"role": "user", "content": "Context: {{context}}"}],
        model="openai/gpt-4o-mini",
        params={"temperature": 0.3},
        variables=["company", "context"],
    )
    assert template["id"].startswith("tpl_")
    assert template["owner"] and template["is_global"] is False
    assert ISO.match(template["created_at"]) and template["created_at"] == template["updated_at"]
    assert api.get(f"/v1/templates/{template['id']}").json() == template
    listed = api.get("/v1/templates").json()
    assert isinstance(listed, list) and template["id"] in {t["id"] for t in listed}
    updated = api.patch(
        f"/v1/templates/{template['id']}", json={"model": "openai/gpt-4o", "description": None}
    )
    assert updated.status_code == 200
    body = updated.json()
    assert body["model"] == "openai/gpt-4o" and body["description"] is None
    assert body["system"] == template["system"]
    assert body["updated_at"] >= template["updated_at"]
    deleted = api.delete(f"/v1/templates/{template['id']}")
    assert deleted.status_code == 204 and deleted.content == b""
    missing = api.get(f"/v1/templates/{template['id']}")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_a_duplicate_name_is_409_conflict_on_create_and_rename(api: httpx.Client) -> None:
    first = create(api)
    second = create(api)
    again = api.post("/v1/templates", json={"name": first["name"]})
    assert again.status_code == 409 and again.json()["error"]["code"] == "conflict"
    rename = api.patch(f"/v1/templates/{second['id']}", json={"name": first["name"]})
    assert rename.status_code == 409


def test_unknown_ids_are_404_for_every_verb(api: httpx.Client) -> None:
    for method in ("GET", "PATCH", "DELETE"):
        response = api.request(
            method, "/v1/templates/tpl_missing", json={} if method == "PATCH" else None
        )
        assert response.status_code == 404, method
        assert response.json()["error"]["code"] == "not_found"


def test_bad_template_bodies_are_422(api: httpx.Client) -> None:
    for body in (
        {},
        {"name": ""},
        {"name": "x", "messages": [{"role": "alien", "content": "x"}]},
        {"name": None},
    ):
        response = api.post("/v1/templates", json=body)
        assert response.status_code == 422, body
    template = create(api)
    assert api.patch(f"/v1/templates/{template['id']}", json={"name": None}).status_code == 422
    unknown_model = api.post("/v1/templates", json={"name": unique("m"), "model": "acme/none"})
    assert unknown_model.status_code == 404


def test_global_templates_are_listed_usable_and_read_only(api: httpx.Client) -> None:
    globals_ = [t for t in api.get("/v1/templates").json() if t["is_global"]]
    assert {"summarize", "translate"} <= {t["name"] for t in globals_}
    summarize = next(t for t in globals_ if t["name"] == "summarize")
    assert (
        api.patch(f"/v1/templates/{summarize['id']}", json={"model": "openai/gpt-4o"}).status_code
        == 403
    )
    assert api.delete(f"/v1/templates/{summarize['id']}").status_code == 403
    reply = api.post(
        "/v1/chat/completions",
        json={
            "template": "summarize",
            "variables": {"sentences": 1, "text": "Cats sleep a lot. They purr."},
        },
    )
    assert reply.status_code == 200
    assert reply.json()["model"] == "openai/gpt-4o-mini"
    assert reply.json()["choices"][0]["message"]["content"] == "In one sentence: Cats sleep a lot."


def test_chat_renders_the_template_by_name_or_id_with_its_model(api: httpx.Client) -> None:
    template = create(
        api,
        system="You are a support agent for {{company}}. Be concise and friendly.",
        model="anthropic/claude-haiku-4.5",
        variables=["company"],
    )
    for ref in (template["name"], template["id"]):
        response = api.post(
            "/v1/chat/completions",
            json={
                "messages": [{"role": "user", "content": "How do I reset my password?"}],
                "template": ref,
                "variables": {"company": "Acme Corp"},
            },
        )
        assert response.status_code == 200, response.text
        assert response.json()["model"] == "anthropic/claude-haiku-4.5"
        assert (
            "As a support agent for Acme Corp"
            in response.json()["choices"][0]["message"]["content"]
        )


def test_request_fields_override_the_template_model_and_params(api: httpx.Client) -> None:
    template = create(
        api, system="Count for {{who}}.", model="openai/gpt-4o", params={"max_tokens": 2}
    )
    base = {
        "messages": [{"role": "user", "content": "Count to 20"}],
        "template": template["id"],
        "variables": {"who": "me"},
    }
    limited = api.post("/v1/chat/completions", json=base).json()
    assert limited["model"] == "openai/gpt-4o"
    assert limited["choices"][0]["finish_reason"] == "length"
    free = api.post(
        "/v1/chat/completions", json={**base, "model": "openai/gpt-4o-mini", "max_tokens": 100}
    ).json()
    assert free["model"] == "openai/gpt-4o-mini"
    assert free["choices"][0]["finish_reason"] == "stop"


def test_a_missing_variable_is_422_naming_each_one(api: httpx.Client) -> None:
    template = create(
        api,
        system="Hello {{ first }} and {{second}}",
        messages=[{"role": "user", "content": "{{third}}"}],
        model="openai/gpt-4o-mini",
    )
    response = api.post(
        "/v1/chat/completions",
        json={
            "messages": [{"role": "user", "content": "x"}],
            "template": template["name"],
            "variables": {"second": "b"},
        },
    )
    assert response.status_code == 422
    details = response.json()["error"]["details"]
    assert [d["loc"] for d in details] == [
        ["body", "variables", "first"],
        ["body", "variables", "third"],
    ]
    assert all(d["type"] == "missing" for d in details)


def test_an_unknown_template_in_chat_is_404(api: httpx.Client) -> None:
    response = api.post(
        "/v1/chat/completions",
        json={
            "model": "openai/gpt-4o-mini",
            "messages": [{"role": "user", "content": "x"}],
            "template": "no-such",
        },
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_responses_render_the_template_into_instructions_and_input(api: httpx.Client) -> None:
    template = create(
        api,
        system="You are a tutor of {{subject}}.",
        messages=[{"role": "user", "content": "My name is Lin."}],
        model="openai/gpt-4o-mini",
    )
    response = api.post(
        "/v1/responses",
        json={
            "input": "What is my name?",
            "template": template["name"],
            "variables": {"subject": "maths"},
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["instructions"] == "You are a tutor of maths."
    assert body["output_text"] == "Your name is Lin."


def test_templates_are_private_to_their_owner(make_gateway: Callable[..., LocalGateway]) -> None:
    gateway = make_gateway(api_keys=[{"key": "rsk_other_owner", "owner": "usr_other"}])
    with client_for(gateway) as mine, client_for(gateway, "rsk_other_owner") as theirs:
        template = mine.post("/v1/templates", json={"name": "shared-name"}).json()
        assert theirs.get(f"/v1/templates/{template['id']}").status_code == 404
        assert template["id"] not in {t["id"] for t in theirs.get("/v1/templates").json()}
        assert theirs.post("/v1/templates", json={"name": "shared-name"}).status_code == 201
