"""One thin module per endpoint group, each exporting ``routes()``: parse the request, call the
service, answer. Mounted by ``_app.py``. The shape of one (``_routes/embeddings.py``)::

    async def _embeddings(request: Request) -> Response:
        key = await authenticate(request)  # faults, key, rate limits
        body = await json_body(request)  # a JSON object, or 422
        return json_response(request, create_embeddings(gateway_of(request), body, key))


    def routes() -> List[BaseRoute]:
        return [Route("/v1/embeddings", _embeddings, methods=["POST"])]

A stream answers ``sse_response(request, events)`` with the service's ``(event, payload)``
pairs; errors are raised as ``GatewayError`` and answered by ``_http/context.py``.
"""
