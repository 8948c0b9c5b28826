"""Fixtures of the compatibility tests: the session's shared LocalGateway (the same one
``tests/integration`` and ``livetests`` use in a root run), an httpx client for it."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from meshapi.testing import LocalGateway


def _integration_conftest() -> Any:
    # The shared-gateway helper lives in tests/integration/conftest.py; load it by path (a
    # second module named `conftest` cannot be imported by name).
    path = Path(__file__).parents[1] / "integration" / "conftest.py"
    spec = importlib.util.spec_from_file_location("_meshapi_integration_conftest", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def gw(pytestconfig: pytest.Config) -> LocalGateway:
    """The session's shared gateway."""
    gateway: LocalGateway = _integration_conftest().shared_local_gateway(pytestconfig)
    return gateway


@pytest.fixture(scope="session")
def http(gw: LocalGateway) -> Iterator[httpx.Client]:
    """Plain httpx with the gateway's key: what a published SDK sends, without our SDK."""
    with httpx.Client(
        base_url=gw.base_url, headers={"Authorization": f"Bearer {gw.api_key}"}, timeout=30
    ) as client:
        yield client
