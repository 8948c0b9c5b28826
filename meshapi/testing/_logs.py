"""The gateway's log lines: configured when asked for, and never carrying a secret.

Rule: every record of the loggers the gateway writes to (``uvicorn.access``, ``uvicorn.error``,
``meshapi.testing``) passes :class:`RedactingFilter` first, which masks secret query
parameters (a realtime handshake's ``api_key``, a signed URL's ``signature``), bearer tokens
and ``rsk_`` keys. The filter sits on the loggers themselves, so it applies whatever handlers
the application (or pytest) attached. :func:`configure` adds a stderr handler only when
nothing else handles these records.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Optional

__all__ = ["GATEWAY_LOGGERS", "RedactingFilter", "configure", "redact"]

GATEWAY_LOGGERS = ("uvicorn.access", "uvicorn.error", "meshapi.testing")
MASK = "[redacted]"

_SECRETS = re.compile(
    r"(?i)(?P<param>[?&](?:api[_-]?key|key|token|access_token|signature|secret|password)=)"
    r"[^&#\s'\"]*"
    r"|(?P<bearer>bearer\s+)[^\s'\",]+"
    r"|\brsk_[A-Za-z0-9_\-]+"
)
_LEVELS = {"critical", "error", "warning", "info", "debug", "trace"}


def _mask(match: re.Match[str]) -> str:
    prefix = match.group("param") or match.group("bearer") or ""
    return prefix + MASK


def redact(text: str) -> str:
    """``text`` with every secret query value, bearer token and ``rsk_`` key masked."""
    return _SECRETS.sub(_mask, text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with :func:`redact` (and keeps every record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        return True


_FILTER = RedactingFilter()


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The gateway's own stderr handler, added at most once per process (found again by type,
    so no module global has to remember it)."""


def _own_handler() -> Optional[logging.Handler]:
    for logger_name in GATEWAY_LOGGERS:
        for handler in logging.getLogger(logger_name).handlers:
            if isinstance(handler, _StderrHandler):
                return handler
    return None


def configure(level: str) -> bool:
    """Redact the gateway's loggers and log at ``level``; True when access lines are wanted.

    A stderr handler is added (once per process) when neither the root logger nor the
    gateway's loggers have one, as under ``meshapi gateway --log-level info``.
    """
    name = level.lower()
    if name not in _LEVELS:
        raise ValueError(f"log_level must be one of {sorted(_LEVELS)}, not {level!r}")
    numeric = logging.DEBUG if name in ("debug", "trace") else getattr(logging, name.upper())
    for logger_name in GATEWAY_LOGGERS:
        logger = logging.getLogger(logger_name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
        logger.setLevel(numeric)
    handler = _own_handler()
    handled = logging.getLogger().handlers or any(
        logging.getLogger(n).handlers for n in GATEWAY_LOGGERS
    )
    if handler is None and not handled:
        handler = _StderrHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler.addFilter(_FILTER)
    if handler is not None:
        handler.setLevel(numeric)
        for logger_name in GATEWAY_LOGGERS:
            logger = logging.getLogger(logger_name)
            if handler not in logger.handlers:  # uvicorn empties uvicorn.access when quiet
                logger.addHandler(handler)
    access = numeric <= logging.INFO
    if access:
        # uvicorn stops uvicorn.access propagating when a quieter gateway ran before.
        logging.getLogger("uvicorn.access").propagate = handler is None
    return access
