"""Live tests: the SDK against a real MeshAPI gateway, or a LocalGateway when none is named.

A package so that its modules (``test_errors``, ``test_rag``...) do not clash with test modules
of the same name under ``tests/`` when both run in one pytest session.
"""
