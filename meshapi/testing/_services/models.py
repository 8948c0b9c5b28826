"""The model catalogue as the API serves it: ``GET /v1/models`` filters and
``GET /v1/models/search`` (fuzzy text, filters, sort, offset pages, the brand facet).

- ``type`` is the kind of output: ``text`` (chat, reasoning and moderation models), ``embedding``,
  ``image``, ``audio`` (audio and realtime models) or ``video``; ``provider`` is the id's prefix.
- ``q`` matches a model when every word of it is found in the model's id, name or brand: as a
  substring, or as a close spelling of one of their words (``gtp`` finds ``gpt``: one edit
  apart, two for words of six letters or more). Without ``sort``, results are ordered best
  match first (exact word, then prefix, then substring, then close spelling), ties by id; with
  ``sort``, by that field.
- ``brands`` is the facet: every brand among the models that match everything except the
  ``brand`` filter itself, sorted, so a client can offer the other brands to pick.
- ``limit`` (1-100, default 20) is echoed back; ``offset`` counts from 0.
"""

from __future__ import annotations

import re
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from .._core.catalogue import brand_of, provider_of, wire_model
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway

__all__ = ["TYPES", "filter_models", "search_models", "type_of"]

TYPES = ("text", "embedding", "image", "audio", "video")
_TYPE_OF_KIND = {
    "chat": "text",
    "reasoning": "text",
    "moderation": "text",
    "embedding": "embedding",
    "image": "image",
    "audio": "audio",
    "realtime": "audio",
    "video": "video",
}
SORTS = ("brand", "name", "id", "context_length")
_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")


def type_of(model: Mapping[str, Any]) -> str:
    """``text``, ``embedding``, ``image``, ``audio`` or ``video``."""
    kind = str(model.get("model_type"))
    if kind in _TYPE_OF_KIND:
        return _TYPE_OF_KIND[kind]
    outputs = model.get("output_modalities") or []
    for candidate in ("video", "image", "audio", "embedding"):
        if candidate in outputs:
            return candidate
    return "text"


def _bad_query(name: str, message: str) -> GatewayError:
    return GatewayError(
        422,
        "validation_error",
        f"Query parameter {name!r} {message}.",
        details=[validation_detail(["query", name], f"Input {message}", "value_error")],
    )


def filter_models(
    gateway: Gateway,
    *,
    free: Optional[bool] = None,
    type_: Optional[str] = None,
    provider: Optional[str] = None,
) -> List[Dict[str, Any]]:
    """``GET /v1/models`` with its filters (each ``None`` = not filtered)."""
    if type_ is not None and type_ not in TYPES:
        raise _bad_query("type", f"should be one of {', '.join(TYPES)}")
    out = []
    for model in gateway.catalogue.all():
        if free is not None and bool(model.get("is_free")) is not free:
            continue
        if type_ is not None and type_of(model) != type_:
            continue
        if provider is not None and provider_of(model).lower() != provider.lower():
            continue
        out.append(model)
    return out


def _words(text: str) -> List[str]:
    return _WORD.findall(text.lower())


def _match(term: str, haystacks: Sequence[str], words: Sequence[str]) -> int:
    """How well ``term`` matches (4 exact word, 3 word prefix, 2 substring, 1 close), 0 none."""
    if term in words:
        return 4
    if any(w.startswith(term) for w in words):
        return 3
    if any(term in h for h in haystacks):
        return 2
    if len(term) >= 3 and any(_close(term, w) for w in words):
        return 1
    return 0


def _close(a: str, b: str) -> bool:
    """A close spelling: one edit (insert, delete, replace, swap of neighbours) apart, two for
    words of six letters or more."""
    allowed = 2 if min(len(a), len(b)) >= 6 else 1
    if abs(len(a) - len(b)) > allowed:
        return False
    # Optimal string alignment distance.
    rows = [list(range(len(b) + 1))]
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            row[j] = min(row[j - 1] + 1, rows[i - 1][j] + 1, rows[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], rows[i - 2][j - 2] + 1)
        rows.append(row)
    return rows[-1][-1] <= allowed


def _relevance(q_terms: Sequence[str], model: Mapping[str, Any]) -> int:
    haystacks = [str(model["id"]).lower(), str(model.get("name") or "").lower(),
                 brand_of(model).lower()]  # fmt: skip
    words: List[str] = []
    for h in haystacks:
        words.extend(_words(h))
    total = 0
    for term in q_terms:
        score = _match(term, haystacks, words)
        if not score:
            return 0
        total += score
    return total


def _discounted(model: Mapping[str, Any]) -> bool:
    pct = (model.get("pricing") or {}).get("discount_pct")
    try:
        return float(pct or 0) > 0
    except (TypeError, ValueError):
        return False


def _has_all(model: Mapping[str, Any], field: str, wanted: Iterable[str]) -> bool:
    have = {str(x).lower() for x in model.get(field) or []}
    return all(w.lower() in have for w in wanted)


def search_models(gateway: Gateway, query: Mapping[str, Any]) -> Dict[str, Any]:
    """``GET /v1/models/search``. ``query``: ``q``, ``free``, ``discounted``, ``input_modality``
    and ``output_modality`` (lists: every one required), ``brand`` (list: any one), ``sort``,
    ``order``, ``limit``, ``offset``."""
    sort = query.get("sort")
    if sort is not None and sort not in SORTS:
        raise _bad_query("sort", f"should be one of {', '.join(SORTS)}")
    order = query.get("order") or "asc"
    if order not in ("asc", "desc"):
        raise _bad_query("order", "should be asc or desc")
    limit: int = query["limit"]
    offset: int = query["offset"]
    q_terms = _words(query.get("q") or "")
    brands_wanted = {b.lower() for b in query.get("brand") or []}
    matched = []
    for model in gateway.catalogue.all():
        if query.get("free") is not None and bool(model.get("is_free")) is not query["free"]:
            continue
        if query.get("discounted") is not None and _discounted(model) is not query["discounted"]:
            continue
        if not _has_all(model, "input_modalities", query.get("input_modality") or []):
            continue
        if not _has_all(model, "output_modalities", query.get("output_modality") or []):
            continue
        relevance = _relevance(q_terms, model) if q_terms else 1
        if relevance:
            matched.append((relevance, model))
    facet = sorted({brand_of(m) for _, m in matched}, key=str.lower)
    if brands_wanted:
        matched = [(r, m) for r, m in matched if brand_of(m).lower() in brands_wanted]
    if sort is None:
        matched.sort(key=lambda rm: str(rm[1]["id"]))
        if q_terms:
            matched.sort(key=lambda rm: -rm[0])
        if order == "desc":
            matched.reverse()
    else:

        def key(rm: Any) -> Any:
            model = rm[1]
            if sort == "context_length":
                return (int(model.get("context_length") or 0), str(model["id"]))
            if sort == "brand":
                return (brand_of(model).lower(), str(model["id"]))
            return (str(model.get(sort) or "").lower(), str(model["id"]))

        matched.sort(key=key, reverse=order == "desc")
    items = [wire_model(m) for _, m in matched]
    return {
        "items": items[offset : offset + limit],
        "total": len(items),
        "limit": limit,
        "offset": offset,
        "brands": facet,
    }
