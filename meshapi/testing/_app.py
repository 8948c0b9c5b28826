"""The Starlette application: every route module mounted on one :class:`Gateway`."""

from __future__ import annotations

import contextlib
from typing import AsyncIterator, List

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute

from ._core.gateway import Gateway
from ._core.idempotency import IdempotencyStore
from ._http.connections import ConnectionGuardMiddleware
from ._http.context import RequestContextMiddleware, exception_handlers
from ._http.idempotency import IdempotencyMiddleware
from ._routes import (
    admin,
    audio,
    batches,
    chat,
    compare,
    embeddings,
    images,
    models,
    moderations,
    rag,
    realtime,
    responses,
    router,
    templates,
    videos,
    websearch,
)
from ._services.batches import BatchJobs
from ._services.images import ImageFiles
from ._services.rag import RagJobs

__all__ = ["create_app"]


def create_app(gateway: Gateway) -> Starlette:
    """Build the ASGI app serving ``gateway``."""
    # The stores with tables exist from the start; background work resumes when the server does.
    gateway.part(ImageFiles)
    gateway.part(IdempotencyStore)
    gateway.on_startup(gateway.part(BatchJobs).resume)
    gateway.on_startup(gateway.part(RagJobs).resume)
    routes: List[BaseRoute] = [
        *admin.routes(gateway),
        *models.routes(),
        *chat.routes(),
        *responses.routes(),
        *embeddings.routes(),
        *images.routes(),
        *templates.routes(),
        *compare.routes(),
        *batches.routes(),
        *rag.routes(),
        *realtime.routes(),
        *moderations.routes(),
        *websearch.routes(),
        *router.routes(),
        *audio.routes(),
        *videos.routes(),
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
        middleware=[
            Middleware(RequestContextMiddleware),
            Middleware(ConnectionGuardMiddleware),
            Middleware(IdempotencyMiddleware),
        ],
        exception_handlers=exception_handlers,
        lifespan=lifespan,
    )
    app.state.gateway = gateway
    # Trailing-slash redirects are answered by the 404 handler (_http/context.py), with a
    # Location built from the gateway's own address rather than the client's Host header.
    app.router.redirect_slashes = False
    return app
