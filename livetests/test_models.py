"""The model catalogue."""

from __future__ import annotations

from typing import Any

from .config import LiveConfig


async def test_models_list(api: Any, config: LiveConfig) -> None:
    models = await api.call(lambda c: c.models.list())
    assert models, "the catalogue is not empty"
    ids = [m.id for m in models]
    assert all("/" in i for i in ids), "ids are provider/name"
    assert len(set(ids)) == len(ids)
    assert config.model in ids


async def test_models_free_and_paid_filters(api: Any) -> None:
    free = await api.call(lambda c: c.models.free())
    paid = await api.call(lambda c: c.models.paid())
    assert all(m.is_free for m in free)
    assert not any(m.is_free for m in paid)
    assert not {m.id for m in free} & {m.id for m in paid}
    filtered = await api.call(lambda c: c.models.list(free=True))
    assert {m.id for m in filtered} == {m.id for m in free}


async def test_models_get(api: Any, config: LiveConfig) -> None:
    model = await api.call(lambda c: c.models.get(config.model))
    assert model.id == config.model
    assert model.pricing is not None
