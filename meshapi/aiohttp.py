"""The aiohttp backend, for your own ``httpx.AsyncClient``: ``from meshapi.aiohttp import
AiohttpTransport``. Needs the ``aiohttp`` extra (``pip install "meshapi[aiohttp]"``).

``AsyncMeshAPI(http_backend="aiohttp")`` is the short way; build the transport yourself to set
a proxy, certificates or pool limits, or to add httpx event hooks::

    http = httpx.AsyncClient(transport=AiohttpTransport(proxy="http://proxy:3128"))
    client = AsyncMeshAPI(async_httpx_client=http)
"""

from __future__ import annotations

from ._aiohttp import DEFAULT_AIOHTTP_LIMITS, AiohttpTransport

__all__ = ["DEFAULT_AIOHTTP_LIMITS", "AiohttpTransport"]
