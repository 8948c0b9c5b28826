"""One module per capability (chat, responses, templates, compare, batches, RAG, embeddings,
images): what to do given a request body, the key and the :class:`Gateway`. Request schemas,
SQL and background jobs live here; no Starlette.

A service function validates with ``validate_body(Model, body)``, raises ``GatewayError`` for
anything the client got wrong, charges the key (``gateway.charge``) and returns the answer as a
dict (or an async iterator of ``(event, payload)`` pairs for a stream). State that belongs to
one gateway (its tables, a store, running jobs) is a class made once per gateway with
``gateway.part(TheClass)``; background work runs through ``_core/jobs.py``.
"""
