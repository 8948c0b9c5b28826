"""meshapi.testing: a local, MeshAPI-compatible gateway for development, tests and demos.

::

    from meshapi import MeshAPI
    from meshapi.testing import LocalGateway

    with LocalGateway() as gw:
        client = MeshAPI(base_url=gw.base_url, api_key=gw.api_key)
        print(client.models.list()[0].id)

The server needs the ``gateway`` extra (``pip install "meshapi[gateway]"``: starlette, uvicorn,
websockets, pypdf). It speaks the production wire protocol over real sockets, with a
deterministic local engine instead of real models, state in SQLite, and optional fault injection
for tests (``LocalGateway(faults_enabled=True)``, then ``gw.faults.fail_next(...)`` and
friends). A pytest plugin is available: ``pytest -p meshapi.testing.pytest_plugin``.

Inside, the package is layered bottom-up (``_core``, ``_formats``, ``_engines``, ``_services``,
``_realtime``, ``_http``, ``_routes``, then ``_app``/``_server``); a module imports only from its
own layer or below, which ``tests/gateway/test_layers.py`` checks.
"""

from __future__ import annotations

from ._core.config import GatewayConfig, GatewayOptions, KeyRecord
from ._core.db import DatabaseInUseError
from ._core.errors import GatewayError
from ._core.faults import FaultController, FaultsDisabledError
from ._core.gateway import Gateway
from ._server import LocalGateway

__all__ = [
    "DatabaseInUseError",
    "FaultController",
    "FaultsDisabledError",
    "Gateway",
    "GatewayConfig",
    "GatewayError",
    "GatewayOptions",
    "KeyRecord",
    "LocalGateway",
]
