"""Web search over an offline corpus: BM25 ranking, snippets and a short answer. Pure functions.

- Words are lower-cased letter/digit runs; a few stop words are dropped and a plural ``s`` is
  cut (``rovers`` finds ``rover``).
- Ranking is Okapi BM25 (``k1 = 1.2``, ``b = 0.75``) over title + content, the title counted
  twice. A document needs at least one query word to be a result. The score sent back is
  ``bm25 / (bm25 + 2)``: between 0 and 1, higher is better, same query same score.
- The snippet (``content``) is, for ``basic`` depth, the two sentences with the most query words
  (in document order); for ``advanced``, the whole text.
- The answer is the single sentence with the most query words across the top three results
  (ties go to the better-ranked document), or ``None`` when nothing matched.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Dict, List, Optional, Sequence, Tuple
from urllib.parse import urlsplit

__all__ = ["Document", "Hit", "answer", "search"]

_WORD = re.compile(r"[a-z0-9]+")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_STOP = frozenset((
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "that", "the", "this", "to", "was", "were", "what", "when",
    "where", "which", "who", "why", "how", "with", "latest", "news",
))  # fmt: skip
_K1 = 1.2
_B = 0.75


@dataclasses.dataclass(frozen=True)
class Document:
    """One searchable document."""

    title: str
    url: str
    content: str
    published_date: Optional[str] = None


@dataclasses.dataclass(frozen=True)
class Hit:
    """A ranked result."""

    document: Document
    score: float
    snippet: str


def terms(text: str) -> List[str]:
    """The search words of ``text``."""
    out = []
    for word in _WORD.findall(text.lower()):
        if word in _STOP:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        out.append(word)
    return out


def _domain_ok(url: str, include: Sequence[str], exclude: Sequence[str]) -> bool:
    host = (urlsplit(url).hostname or "").lower()

    def under(domain: str) -> bool:
        domain = domain.lower().strip().lstrip(".")
        return host == domain or host.endswith("." + domain)

    if include and not any(under(d) for d in include):
        return False
    return not any(under(d) for d in exclude)


def _sentences(text: str) -> List[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _overlap(sentence: str, wanted: set[str]) -> int:
    return len(wanted.intersection(terms(sentence)))


def _snippet(document: Document, wanted: set[str], advanced: bool) -> str:
    if advanced:
        return document.content
    sentences = _sentences(document.content)
    best = sorted(range(len(sentences)), key=lambda i: (-_overlap(sentences[i], wanted), i))[:2]
    return " ".join(sentences[i] for i in sorted(best))


def search(
    documents: Sequence[Document],
    query: str,
    *,
    max_results: int,
    advanced: bool = False,
    include_domains: Sequence[str] = (),
    exclude_domains: Sequence[str] = (),
) -> List[Hit]:
    """The best ``max_results`` documents for ``query``, best first."""
    wanted = terms(query)
    pool = [d for d in documents if _domain_ok(d.url, include_domains, exclude_domains)]
    if not wanted or not pool:
        return []
    bags: List[Dict[str, int]] = []
    for doc in pool:
        bag: Dict[str, int] = {}
        for word in terms(doc.title) * 2 + terms(doc.content):
            bag[word] = bag.get(word, 0) + 1
        bags.append(bag)
    lengths = [sum(bag.values()) for bag in bags]
    average = sum(lengths) / len(lengths)
    n = len(pool)
    idf = {}
    for word in set(wanted):
        having = sum(1 for bag in bags if word in bag)
        idf[word] = math.log(1 + (n - having + 0.5) / (having + 0.5))
    scored: List[Tuple[float, int]] = []
    for index, bag in enumerate(bags):
        total = 0.0
        for word in wanted:
            tf = bag.get(word, 0)
            if tf:
                norm = tf + _K1 * (1 - _B + _B * lengths[index] / average)
                total += idf[word] * tf * (_K1 + 1) / norm
        if total > 0:
            scored.append((total, index))
    scored.sort(key=lambda item: (-item[0], item[1]))
    unique = set(wanted)
    return [
        Hit(pool[i], round(s / (s + 2.0), 4), _snippet(pool[i], unique, advanced))
        for s, i in scored[:max_results]
    ]


def answer(hits: Sequence[Hit], query: str) -> Optional[str]:
    """One sentence from the top three hits that shares the most words with ``query``."""
    wanted = set(terms(query))
    best: Optional[Tuple[int, str]] = None
    for hit in hits[:3]:
        for sentence in _sentences(hit.document.content):
            overlap = _overlap(sentence, wanted)
            if overlap and (best is None or overlap > best[0]):
                best = (overlap, sentence)
    return best[1] if best else None
