"""pytest fixtures for testing code that uses meshapi, against a real local gateway.

Enable with ``pytest -p meshapi.testing.pytest_plugin`` or, in a ``conftest.py``::

    pytest_plugins = ["meshapi.testing.pytest_plugin"]

Fixtures:

* ``meshapi_gateway``: a :class:`~meshapi.testing.LocalGateway` running for the whole session
  (fault injection enabled but idle);
* ``meshapi_faults``: that gateway's fault controller, reset before and after each test that
  uses it;
* ``meshapi_client``: a ``meshapi.MeshAPI`` pointed at the gateway (closed after the test);
* ``meshapi_async_client``: a ``meshapi.AsyncMeshAPI`` likewise (needs pytest-asyncio).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, AsyncIterator, Iterator

from ._core.faults import FaultController
from ._server import LocalGateway

if TYPE_CHECKING:
    from meshapi import AsyncMeshAPI, MeshAPI

__all__ = ["meshapi_async_client", "meshapi_client", "meshapi_faults", "meshapi_gateway"]

# pytest is imported by name, not statically: this module is part of the typed package, and
# recent pytest sources do not parse under the package's minimum Python (3.9) for mypy.
_pytest: Any = importlib.import_module("pytest")


def _gateway() -> Iterator[LocalGateway]:
    """A local gateway shared by the whole test session."""
    with LocalGateway(faults_enabled=True) as gateway:
        yield gateway


def _faults(meshapi_gateway: LocalGateway) -> Iterator[FaultController]:
    """The session gateway's faults; whatever a test arms is disarmed after it."""
    meshapi_gateway.faults.reset()
    yield meshapi_gateway.faults
    meshapi_gateway.faults.reset()


def _client(meshapi_gateway: LocalGateway) -> Iterator[MeshAPI]:
    """A synchronous client for the session gateway."""
    from meshapi import MeshAPI

    client = MeshAPI(base_url=meshapi_gateway.base_url, api_key=meshapi_gateway.api_key)
    try:
        yield client
    finally:
        client.close()


async def _async_client(meshapi_gateway: LocalGateway) -> AsyncIterator[AsyncMeshAPI]:
    """An asynchronous client for the session gateway."""
    from meshapi import AsyncMeshAPI

    async with AsyncMeshAPI(
        base_url=meshapi_gateway.base_url, api_key=meshapi_gateway.api_key
    ) as client:
        yield client


def _async_client_unavailable(meshapi_gateway: LocalGateway) -> None:
    """Stands in for ``meshapi_async_client`` when pytest-asyncio is not installed."""
    _pytest.skip("meshapi_async_client needs pytest-asyncio (pip install pytest-asyncio)")


def _async_fixture() -> Any:
    try:
        pytest_asyncio: Any = importlib.import_module("pytest_asyncio")
    except ImportError:
        return _pytest.fixture(name="meshapi_async_client")(_async_client_unavailable)
    return pytest_asyncio.fixture(name="meshapi_async_client")(_async_client)


meshapi_gateway: Any = _pytest.fixture(scope="session", name="meshapi_gateway")(_gateway)
meshapi_faults: Any = _pytest.fixture(name="meshapi_faults")(_faults)
meshapi_client: Any = _pytest.fixture(name="meshapi_client")(_client)
meshapi_async_client: Any = _async_fixture()
