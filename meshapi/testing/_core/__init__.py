"""Bottom layer: config (typed options), ids, errors, database, keys, rate limits, catalogue,
billing, fault plans, signed URLs, request validation and the :class:`Gateway` state object.
Imports nothing else from the gateway."""
