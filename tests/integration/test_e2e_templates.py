"""Prompt templates over real sockets: CRUD, templated chat/responses, and their errors."""

from __future__ import annotations

import secrets
from typing import Any

from meshapi import (
    ChatCompletionParams,
    ChatMessage,
    ConflictError,
    CreateTemplateParams,
    NotFoundError,
    ResponsesParams,
    UnprocessableEntityError,
    UpdateTemplateParams,
)

SYSTEM = "You are a support agent for {{company}} in {{city}}. Be concise."


def unique(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(4)}"


def create_params(name: str) -> CreateTemplateParams:
    return CreateTemplateParams(
        name=name,
        description="Support persona",
        system=SYSTEM,
        model="openai/gpt-4o-mini",
        params={"temperature": 0.2},
        variables=["company", "city"],
    )


async def test_template_crud_lifecycle(api: Any) -> None:
    name = unique("crud")
    created = await api.call(lambda c: c.templates.create(create_params(name)))
    assert created.id and created.name == name
    assert created.system == SYSTEM
    assert created.model == "openai/gpt-4o-mini"
    assert created.variables == ["company", "city"]
    assert created.owner and created.is_global is False
    assert created.created_at and created.updated_at

    fetched = await api.call(lambda c: c.templates.get(created.id))
    assert fetched.model_dump() == created.model_dump()

    listed = await api.call(lambda c: c.templates.list())
    assert created.id in {t.id for t in listed}

    updated = await api.call(
        lambda c: c.templates.update(
            created.id, UpdateTemplateParams(model="openai/gpt-4o", description="changed")
        )
    )
    assert updated.id == created.id
    assert updated.model == "openai/gpt-4o"
    assert updated.description == "changed"
    assert updated.system == SYSTEM, "fields not given to update are left as they were"
    assert updated.updated_at >= created.updated_at

    deleted = await api.call(lambda c: c.templates.delete(created.id))
    assert deleted.deleted is True
    err = await api.raises(NotFoundError, lambda c: c.templates.get(created.id))
    assert err.status == 404
    listed = await api.call(lambda c: c.templates.list())
    assert created.id not in {t.id for t in listed}


async def test_templated_chat_and_responses_render_the_variables(api: Any) -> None:
    name = unique("persona")
    created = await api.call(lambda c: c.templates.create(create_params(name)))
    try:
        variables = {"company": "Acme Corp", "city": "Lyon"}
        for ref in (name, created.id):  # by name or by id
            reply = await api.call(
                lambda c, r=ref: c.chat.completions.create(
                    ChatCompletionParams(
                        messages=[ChatMessage(role="user", content="How do I reset my password?")],
                        template=r,
                        variables=variables,
                    )
                )
            )
            assert reply.model == "openai/gpt-4o-mini", "the template supplies the model"
            assert "Acme Corp" in reply.choices[0].message.content
        answer = await api.call(
            lambda c: c.responses.create(
                ResponsesParams(input="Hello", template=name, variables=variables)
            )
        )
        assert answer.model == "openai/gpt-4o-mini"
        assert answer.output_text
        # A model in the request overrides the template's.
        overridden = await api.call(
            lambda c: c.chat.completions.create(
                ChatCompletionParams(
                    model="anthropic/claude-haiku-4.5",
                    messages=[ChatMessage(role="user", content="Hi")],
                    template=name,
                    variables=variables,
                )
            )
        )
        assert overridden.model == "anthropic/claude-haiku-4.5"
    finally:
        await api.call(lambda c: c.templates.delete(created.id))


async def test_missing_template_variable_is_a_422_with_details(api: Any) -> None:
    name = unique("strict")
    created = await api.call(lambda c: c.templates.create(create_params(name)))
    try:
        err = await api.raises(
            UnprocessableEntityError,
            lambda c: c.chat.completions.create(
                ChatCompletionParams(
                    messages=[ChatMessage(role="user", content="Hi")],
                    template=name,
                    variables={"company": "Acme Corp"},
                )
            ),
        )
        assert err.status == 422
        assert err.error_code == "validation_error"
        assert err.request_id and err.request_id.startswith("req_")
        assert err.details, "a 422 lists what is wrong"
        assert any("city" in str(item) for item in err.details)
        assert "city" in str(err)
    finally:
        await api.call(lambda c: c.templates.delete(created.id))


async def test_duplicate_template_name_is_a_conflict(api: Any) -> None:
    name = unique("dup")
    created = await api.call(lambda c: c.templates.create(create_params(name)))
    try:
        err = await api.raises(
            ConflictError, lambda c: c.templates.create(CreateTemplateParams(name=name, system="x"))
        )
        assert err.status == 409 and err.error_code == "conflict"
    finally:
        await api.call(lambda c: c.templates.delete(created.id))


async def test_template_ids_are_path_encoded_so_dot_dot_cannot_reach_another_route(
    api: Any,
) -> None:
    # Unencoded, "../models" would resolve to GET /v1/models and answer the catalogue.
    err = await api.raises(NotFoundError, lambda c: c.templates.get("../models"))
    assert err.status == 404
    for odd in ("a/b", "tpl?x=1", "tpl#frag", "über"):
        await api.raises(NotFoundError, lambda c, t=odd: c.templates.get(t))
    err = await api.raises(NotFoundError, lambda c: c.templates.delete("../models/openai"))
    assert err.status == 404
