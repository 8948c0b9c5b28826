"""Server-Sent Events framing: the ``(event, payload)`` pairs services produce, as bytes."""

from __future__ import annotations

import json
from typing import Any, List, Optional, Tuple

__all__ = ["SSEEvent", "encode_frame"]

SSEEvent = Tuple[Optional[str], Any]
"""One event of a stream: its ``event:`` name (or ``None``) and its JSON payload (or a string)."""


def encode_frame(event: Optional[str], payload: Any, eol: str = "\n") -> bytes:
    """One SSE frame: optional ``event:`` line, ``data:`` line(s), blank line."""
    data = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
    lines: List[str] = []
    if event:
        lines.append(f"event: {event}")
    lines.extend(f"data: {line}" for line in data.split("\n"))
    return (eol.join(lines) + eol + eol).encode("utf-8")
