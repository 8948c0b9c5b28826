"""Prompt templates: the CRUD lifecycle and a templated chat."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from meshapi import (
    ChatCompletionParams,
    ChatMessage,
    CreateTemplateParams,
    NotFoundError,
    UpdateTemplateParams,
)

from .config import LiveConfig


async def test_template_crud_lifecycle(api: Any, config: LiveConfig) -> None:
    name = f"livetest-{uuid.uuid4().hex[:12]}"
    created = await api.call(
        lambda c: c.templates.create(
            CreateTemplateParams(
                name=name,
                description="Created by the meshapi live tests",
                system="You are a support agent for {{company}}. Be concise.",
                model=config.model,
                variables=["company"],
            )
        )
    )
    try:
        assert created.id and created.name == name
        assert created.variables == ["company"]

        fetched = await api.call(lambda c: c.templates.get(created.id))
        assert fetched.id == created.id and fetched.name == name

        listed = await api.call(lambda c: c.templates.list())
        assert created.id in {t.id for t in listed}

        updated = await api.call(
            lambda c: c.templates.update(
                created.id, UpdateTemplateParams(description="Updated by the live tests")
            )
        )
        assert updated.description == "Updated by the live tests"
        assert updated.name == name

        reply = await api.call(
            lambda c: c.chat.completions.create(
                ChatCompletionParams(
                    messages=[ChatMessage(role="user", content="How do I reset my password?")],
                    template=name,
                    variables={"company": "Acme Corp"},
                    max_tokens=128,
                )
            )
        )
        assert reply.choices[0].message.content
    finally:
        await api.call(lambda c: c.templates.delete(created.id))
    with pytest.raises(NotFoundError):
        await api.call(lambda c: c.templates.get(created.id))
