"""Moderation: a deterministic lexicon classifier with OpenAI's categories. Pure functions.

How a score is made (a reader can check any answer by hand):

1. The text is lower-cased and cut into words (letters, digits, apostrophes).
2. Each category has a lexicon of word stems with weights (``_LEXICON``); a word matches a stem
   when it starts with it (``kill`` matches ``killing``). Phrases (``"kill myself"``) match as
   consecutive words. The weights of every match in a category are added up: ``w``.
3. ``score = 1 - exp(-w)``, so one strong word (weight 1.5) gives 0.78, none gives 0, and the
   score never reaches 1. With no match at all a category gets a tiny baseline (below 0.001)
   derived from a hash of the text, so that scores differ between inputs as real ones do.
4. A category is flagged at ``score >= 0.5``; the input is flagged when any category is.
   Sub-categories (``violence/graphic``, ``self-harm/intent``...) also lift their parent: the
   parent's weight includes the child's.

An image is classified by the words of its URL (``.../gore.png``) when it is an ``http(s)`` URL,
and gets baseline scores for a ``data:`` URL (there is no vision model here).
"""

from __future__ import annotations

import hashlib
import math
import re
from typing import Dict, List, Tuple

__all__ = ["CATEGORIES", "FLAG_THRESHOLD", "classify"]

FLAG_THRESHOLD = 0.5

CATEGORIES: Tuple[str, ...] = (
    "harassment",
    "harassment/threatening",
    "hate",
    "hate/threatening",
    "illicit",
    "illicit/violent",
    "self-harm",
    "self-harm/intent",
    "self-harm/instructions",
    "sexual",
    "sexual/minors",
    "violence",
    "violence/graphic",
)

# category -> [(stem or phrase, weight)]. A phrase is several words separated by spaces.
_LEXICON: Dict[str, List[Tuple[str, float]]] = {
    "harassment": [
        ("idiot", 0.8), ("stupid", 0.6), ("loser", 0.7), ("moron", 0.8), ("pathetic", 0.5),
        ("worthless", 0.7), ("shut up", 0.5), ("ugly", 0.4), ("dumb", 0.5), ("hate you", 1.2),
    ],
    "harassment/threatening": [
        ("i will find you", 1.5), ("watch your back", 1.3), ("you will pay", 1.0),
        ("going to hurt you", 1.6), ("kill you", 1.8), ("hunt you down", 1.6), ("hurt you", 1.2),
    ],
    "hate": [
        ("subhuman", 1.4), ("vermin", 1.0), ("inferior race", 1.8),
        ("go back to your country", 1.5),
        ("all of them are animals", 1.5), ("exterminate them", 1.8), ("racial purity", 1.6),
    ],
    "hate/threatening": [
        ("exterminate them", 1.8), ("wipe them out", 1.6), ("ethnic cleansing", 1.8),
    ],
    "illicit": [
        ("cook meth", 1.8), ("buy cocaine", 1.6), ("launder money", 1.4), ("steal a car", 1.4),
        ("counterfeit", 1.0), ("pick a lock", 0.8), ("hack into", 1.2), ("phishing", 0.9),
    ],
    "illicit/violent": [
        ("build a bomb", 2.0), ("make a bomb", 2.0), ("pipe bomb", 2.0),
        ("buy a gun illegally", 1.6),
        ("poison someone", 1.8),
    ],
    "self-harm": [
        ("suicide", 1.2), ("self-harm", 1.4), ("self harm", 1.4), ("cut myself", 1.6),
        ("end my life", 1.8), ("kill myself", 2.0), ("want to die", 1.5), ("overdose", 1.0),
    ],
    "self-harm/intent": [
        ("kill myself", 2.0), ("end my life", 1.8), ("want to die", 1.5),
        ("going to cut myself", 1.8),
    ],
    "self-harm/instructions": [
        ("how to kill myself", 2.0), ("painless way to die", 2.0), ("how to cut", 1.2),
    ],
    "sexual": [
        ("porn", 1.5), ("nude", 1.0), ("naked", 0.9), ("explicit sex", 1.6), ("sexual", 0.8),
        ("erotic", 1.0), ("xxx", 1.4),
    ],
    "sexual/minors": [
        ("child porn", 2.5), ("underage sex", 2.5), ("minor nude", 2.5),
    ],
    "violence": [
        ("kill", 1.0), ("murder", 1.4), ("stab", 1.3), ("shoot", 0.5), ("attack", 0.6),
        ("beat him", 1.0), ("beat her", 1.0), ("torture", 1.4), ("strangle", 1.4),
        ("slaughter", 1.4), ("massacre", 1.5), ("behead", 1.8), ("bomb", 0.9), ("gun", 0.4),
        ("blood", 0.4), ("violent", 0.6), ("weapon", 0.4), ("hurt", 0.5),
    ],
    "violence/graphic": [
        ("gore", 1.4), ("dismember", 1.8), ("mutilat", 1.8), ("entrails", 1.6),
        ("blood everywhere", 1.4), ("guts spilled", 1.8), ("decapitat", 1.8),
    ],
}  # fmt: skip

_WORD = re.compile(r"[a-z0-9']+(?:-[a-z0-9']+)*")


def _words(text: str) -> List[str]:
    return _WORD.findall(text.lower())


def _matches(words: List[str], entry: str) -> int:
    """How many times ``entry`` (a stem, or a phrase of stems) occurs in ``words``."""
    parts = entry.split()
    if len(parts) == 1 and "-" in entry:
        parts = [entry]
    count = 0
    for start in range(len(words) - len(parts) + 1):
        if all(words[start + i].startswith(part) for i, part in enumerate(parts)):
            count += 1
    return count


def _baseline(text: str, category: str) -> float:
    digest = hashlib.sha256(f"{category}\x00{text}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 / 1000  # [0, 0.001)


def _parent(category: str) -> str:
    return category.split("/", 1)[0]


def classify(text: str) -> Tuple[Dict[str, bool], Dict[str, float]]:
    """``(categories, category_scores)`` of ``text``: every category of :data:`CATEGORIES`."""
    words = _words(text)
    weights: Dict[str, float] = {c: 0.0 for c in CATEGORIES}
    for category, entries in _LEXICON.items():
        for entry, weight in entries:
            weights[category] += weight * _matches(words, entry)
    for category in CATEGORIES:
        parent = _parent(category)
        if parent != category:
            weights[parent] = max(weights[parent], weights[category])
    scores: Dict[str, float] = {}
    for category in CATEGORIES:
        weight = weights[category]
        score = 1.0 - math.exp(-weight) if weight > 0 else _baseline(text, category)
        scores[category] = round(score, 6)
    flags = {category: scores[category] >= FLAG_THRESHOLD for category in CATEGORIES}
    return flags, scores
