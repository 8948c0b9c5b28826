"""The ``meshapi`` command line, built on the SDK, rendered with ``rich`` (the ``cli`` extra).

Layout: ``app.py`` (entry point, the command registry, error -> exit status), ``common.py``
(shared options, the per-run :class:`Context` and its client), ``output.py`` (JSON, tables,
progress; terminal vs pipe), ``errors.py`` (exit statuses, the one-line error), and one module per
command group (``chat.py``, ``compare.py``, ``models.py``...). Nothing here is imported by
``import meshapi``; ``rich`` is imported only when a command renders.
"""

from __future__ import annotations

from .app import build_parser, main

__all__ = ["build_parser", "main"]
