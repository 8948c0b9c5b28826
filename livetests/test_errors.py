"""Error handling: 401 for a bad key, 404 for unknown things; the key never shows."""

from __future__ import annotations

from typing import Any

from meshapi import (
    AuthenticationError,
    ChatCompletionParams,
    ChatMessage,
    MeshAPIError,
    NotFoundError,
)

from .config import LiveConfig

BAD_KEY = "rsk_livetest_" + "0" * 40


async def test_bad_key_is_401(api: Any, config: LiveConfig) -> None:
    bad = api.make(token=BAD_KEY, max_retries=0)
    err = await api.raises(AuthenticationError, lambda c: c.models.list(), bad)
    assert err.status == 401
    assert isinstance(err, MeshAPIError)
    for text in (str(err), repr(err)):
        assert BAD_KEY not in text and config.token not in text


async def test_unknown_model_is_404(api: Any, config: LiveConfig) -> None:
    err = await api.raises(NotFoundError, lambda c: c.models.get("nobody/no-such-model-livetest"))
    assert err.status == 404
    err = await api.raises(
        NotFoundError,
        lambda c: c.chat.completions.create(
            ChatCompletionParams(
                model="nobody/no-such-model-livetest",
                messages=[ChatMessage(role="user", content="Hello")],
            )
        ),
    )
    assert err.status == 404
    assert config.token not in str(err)


async def test_unknown_template_is_404(api: Any) -> None:
    err = await api.raises(NotFoundError, lambda c: c.templates.get("tpl_does_not_exist_livetest"))
    assert err.status == 404
