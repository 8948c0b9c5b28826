"""The Starlette application: every route module mounted on one :class:`Gateway`."""

from __future__ import annotations

import contextlib
from typing import AsyncIterator, List

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, WebSocketRoute

from . import (
    _admin,
    _batches,
    _catalogue_routes,
    _chat,
    _compare,
    _embeddings,
    _images,
    _rag,
    _responses,
    _templates,
)
from ._http_util import RequestContextMiddleware, exception_handlers
from ._state import Gateway

__all__ = ["create_app"]


def create_app(gateway: Gateway) -> Starlette:
    """Build the ASGI app serving ``gateway``."""
    from . import _realtime

    _images.ensure_schema(gateway)
    routes: List[BaseRoute] = [
        *_admin.routes(gateway),
        *_catalogue_routes.routes(),
        *_chat.routes(),
        *_responses.routes(),
        *_embeddings.routes(),
        *_images.routes(),
        *_templates.routes(),
        *_compare.routes(),
        *_batches.routes(),
        *_rag.routes(),
        WebSocketRoute("/v1/realtime", _realtime.realtime_endpoint),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await gateway.startup()
        try:
            yield
        finally:
            await gateway.shutdown()

    app = Starlette(
        routes=routes,
        middleware=[Middleware(RequestContextMiddleware)],
        exception_handlers=exception_handlers,
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    return app
