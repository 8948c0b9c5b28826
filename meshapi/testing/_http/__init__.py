"""Starlette plumbing shared by every route: request context and error answers, auth, JSON
bodies and query parameters, SSE responses with fault injection, the WebSocket loop."""
