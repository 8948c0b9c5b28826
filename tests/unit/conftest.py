"""Fixtures of the unit tests: the fake gateway (``fake_gateway.py``) and the ``api`` fixture that
runs one test body against the sync client and then the async one.

The ``api`` fixture is parametrized ``["sync", "async"]``::

    async def test_x(api):
        reply = await api.call(lambda c: c.chat.completions.create(params))
        chunks = await api.collect(lambda c: c.chat.completions.stream(params))

Retries are instant: every client made by the fixture has its ``_http.sleep`` replaced by a
recorder, and the delays it was asked to sleep are in ``api.sleeps``.
"""

from __future__ import annotations

from typing import AsyncIterator, Iterator

import pytest
from fake_gateway import Api, FakeGateway

__all__ = ["Api", "FakeGateway"]


@pytest.fixture
def gateway() -> FakeGateway:
    """A fresh fake gateway with realistic default answers."""
    return FakeGateway()


@pytest.fixture(params=["sync", "async"])
async def api(request: pytest.FixtureRequest, gateway: FakeGateway) -> AsyncIterator[Api]:
    """The SDK, sync then async, on the fake gateway (``api.client``, ``api.gateway``)."""
    flavour = Api(request.param, gateway)
    yield flavour
    await flavour.aclose()


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    """Remove every MESHAPI_* variable so that tests of the defaults see a clean environment."""
    for name in ("MESHAPI_BASE_URL", "MESHAPI_TOKEN", "MESHAPI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    yield monkeypatch
