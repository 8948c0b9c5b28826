"""Cutting text into overlapping chunks for RAG search.

Rule: text goes in, :class:`Chunk` objects come out; the same text always gives the same chunks.

The text is split into paragraphs at blank lines; a very short paragraph (a heading, a label) is
joined to the one after it so that a heading travels with its text; each paragraph is a *parent*
(cut into parent-sized windows when it is very long), and each parent is cut into word windows of
``chunk_words`` that overlap by ``overlap_words``. Every chunk keeps its parent's text, so a
search hit can show the larger passage it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import List

__all__ = ["Chunk", "chunk_text"]


@dataclass(frozen=True)
class Chunk:
    """One searchable piece of a file: its text, the passage it came from, its position."""

    chunk_index: int
    text: str
    parent_text: str


def _paragraphs(text: str, join_below_words: int) -> List[List[str]]:
    blocks = [block.split() for block in re.split(r"\n\s*\n", text)]
    blocks = [words for words in blocks if words]
    merged: List[List[str]] = []
    carry: List[str] = []
    for words in blocks:
        words = carry + words
        if len(words) < join_below_words:
            carry = words
            continue
        merged.append(words)
        carry = []
    if carry:
        if merged:
            merged[-1].extend(carry)
        else:
            merged.append(carry)
    return merged


def _windows(words: List[str], size: int, step: int) -> List[List[str]]:
    if len(words) <= size:
        return [words]
    out: List[List[str]] = []
    start = 0
    while True:
        out.append(words[start : start + size])
        if start + size >= len(words):
            return out
        start += step


def chunk_text(
    text: str,
    *,
    chunk_words: int = 80,
    overlap_words: int = 20,
    parent_words: int = 300,
    join_below_words: int = 8,
) -> List[Chunk]:
    """Cut ``text`` into overlapping word windows, each with the parent passage it came from."""
    if chunk_words < 1:
        raise ValueError("chunk_words must be at least 1")
    if not 0 <= overlap_words < chunk_words:
        raise ValueError("overlap_words must be at least 0 and less than chunk_words")
    if parent_words < chunk_words:
        raise ValueError("parent_words must be at least chunk_words")
    chunks: List[Chunk] = []
    for paragraph in _paragraphs(text, join_below_words):
        for parent in _windows(paragraph, parent_words, parent_words):
            parent_text = " ".join(parent)
            for window in _windows(parent, chunk_words, chunk_words - overlap_words):
                chunks.append(Chunk(len(chunks), " ".join(window), parent_text))
    return chunks
