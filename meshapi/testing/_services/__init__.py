"""One module per capability (chat, responses, templates, compare, batches, RAG, embeddings,
images): what to do given a request body, the key and the :class:`Gateway`. Request schemas,
SQL and background jobs live here; no Starlette."""
