"""The gateway's one tokenizer: every token count (usage, billing, limits) and every streamed
text delta comes from here, so the same text counts the same everywhere."""

from __future__ import annotations

import re
from typing import List

__all__ = ["count_tokens", "tokenize"]


_TOKEN_RE = re.compile(r"\s*(?:[^\W\d_]+|\d{1,3}|_|[^\w\s])|\s+")
_MAX_PIECE = 6


def tokenize(text: str) -> List[str]:
    """Split ``text`` into tokens whose concatenation is exactly ``text``.

    Words carry their leading whitespace (as BPE tokens do); long words are split into pieces
    of at most six characters, digits into groups of three.
    """
    tokens: List[str] = []
    for match in _TOKEN_RE.finditer(text):
        piece = match.group(0)
        core = piece.lstrip()
        if len(core) <= _MAX_PIECE + 2:
            tokens.append(piece)
            continue
        lead = piece[: len(piece) - len(core)]
        first = True
        for i in range(0, len(core), _MAX_PIECE):
            tokens.append((lead if first else "") + core[i : i + _MAX_PIECE])
            first = False
    return tokens


def count_tokens(text: str) -> int:
    """Number of tokens of ``text`` under :func:`tokenize`."""
    return len(tokenize(text)) if text else 0
