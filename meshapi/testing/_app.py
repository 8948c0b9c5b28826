"""The Starlette application: every route module mounted on one :class:`Gateway`."""

from __future__ import annotations

import contextlib
import importlib
from typing import AsyncIterator, List

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, WebSocketRoute

from . import _admin, _catalogue_routes, _chat, _embeddings, _images, _responses, _templates
from ._http_util import RequestContextMiddleware, exception_handlers
from ._state import Gateway

__all__ = ["create_app"]


def _optional_routes(module_name: str) -> List[BaseRoute]:
    # Compare, batches and RAG are written alongside this module; until one exists the rest of
    # the gateway still serves.
    try:
        module = importlib.import_module(f"meshapi.testing.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"meshapi.testing.{module_name}":
            raise
        return []
    routes: List[BaseRoute] = module.routes()
    return routes


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
        *_optional_routes("_compare"),
        *_optional_routes("_batches"),
        *_optional_routes("_rag"),
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
