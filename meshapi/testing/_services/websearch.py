"""Web search: ``POST /v1/web/search`` over an offline corpus and the caller's RAG files.

There is no internet here. The documents searched are the corpus shipped with the gateway
(``websearch_corpus.json``, or ``GatewayOptions.web_search_corpus``) plus every chunk of the
caller's embedded RAG files (title: the file name; URL: the file's ``/v1/files/{id}`` address
with ``#chunk-<n>``). Ranking, snippets and the answer: :mod:`.._engines.websearch`.

``provider`` names the engine that served: ``native``, unless the request asks for ``tavily``
(both search the same documents here). Switched off (``web_search_enabled=False``, production's
``WEB_SEARCH_ENABLED``), the endpoint answers 403 ``forbidden``.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any, Dict, List, Literal, Mapping, Optional

import pydantic

from .._core.config import KeyRecord
from .._core.errors import GatewayError, validation_detail
from .._core.gateway import Gateway
from .._core.validation import validate_body
from .._engines.websearch import Document, answer, search
from .rag import ready_chunks

__all__ = ["WebCorpus", "WebSearchRequest", "web_search"]


class WebSearchRequest(pydantic.BaseModel):
    """The web search body."""

    model_config = pydantic.ConfigDict(extra="allow")

    query: str = pydantic.Field(min_length=1, max_length=2000)
    model: Optional[str] = None
    provider: Optional[Literal["native", "tavily"]] = None
    max_results: int = pydantic.Field(default=5, ge=1, le=20)
    search_depth: Literal["basic", "advanced"] = "basic"
    include_domains: Optional[List[str]] = None
    exclude_domains: Optional[List[str]] = None
    include_answer: bool = False


def _load(path: str) -> List[Document]:
    if path:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    else:
        text = (
            resources.files("meshapi.testing").joinpath("websearch_corpus.json").read_text("utf-8")
        )
    data = json.loads(text)
    items = data.get("documents") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError(f"{path or 'websearch_corpus.json'} must hold {{'documents': [...]}}")
    documents = []
    for index, item in enumerate(items):
        try:
            documents.append(
                Document(
                    title=str(item["title"]),
                    url=str(item["url"]),
                    content=str(item["content"]),
                    published_date=item.get("published_date"),
                )
            )
        except (KeyError, TypeError):
            raise ValueError(
                f"web search document {index} needs 'title', 'url' and 'content'"
            ) from None
    return documents


class WebCorpus:
    """The documents of one gateway's web search, loaded once."""

    def __init__(self, gateway: Gateway) -> None:
        self.documents = _load(gateway.config.options.web_search_corpus)


def _rag_documents(gateway: Gateway, key: KeyRecord, base_url: str) -> List[Document]:
    return [
        Document(
            title=str(row["file_name"]),
            url=f"{base_url}/v1/files/{row['file_id']}#chunk-{row['chunk_index']}",
            content=str(row["text"]),
            published_date=gateway.iso(row["created_at"])[:10],
        )
        for row in ready_chunks(gateway, key.owner)
    ]


def web_search(
    gateway: Gateway, body: Mapping[str, Any], key: KeyRecord, *, base_url: str, request_id: str
) -> Dict[str, Any]:
    """Search the corpus and the caller's files."""
    if not gateway.config.options.web_search_enabled:
        raise GatewayError(
            403, "forbidden", "Web search is disabled on this gateway (WEB_SEARCH_ENABLED=false)."
        )
    request = validate_body(WebSearchRequest, body)
    if not request.query.strip():
        raise GatewayError(
            422,
            "validation_error",
            "query must contain text.",
            details=[validation_detail(["body", "query"], "String should not be blank")],
        )
    documents = gateway.part(WebCorpus).documents + _rag_documents(gateway, key, base_url)
    hits = search(
        documents,
        request.query,
        max_results=request.max_results,
        advanced=request.search_depth == "advanced",
        include_domains=request.include_domains or (),
        exclude_domains=request.exclude_domains or (),
    )
    results = [
        {
            "title": hit.document.title,
            "url": hit.document.url,
            "content": hit.snippet,
            "score": hit.score,
            "published_date": hit.document.published_date,
        }
        for hit in hits
    ]
    return {
        "query": request.query,
        "answer": answer(hits, request.query) if request.include_answer else None,
        "results": results,
        "provider": request.provider or "native",
        "request_id": request_id,
    }
