"""The page core with no network: binding, the next query, lazy iteration, models made pages."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest

from meshapi import BatchList, RagFileListResponse
from meshapi._endpoint import CursorPagination, Endpoint, OffsetPagination, TokenPagination
from meshapi._pagination import ListPage, bind_page, paged_model
from meshapi._types._base import ResponseModel


def batch_page(ids: List[str], has_more: bool) -> BatchList:
    data = [{"id": i, "status": "completed"} for i in ids]
    return BatchList.model_validate(
        {"object": "list", "data": data, "has_more": has_more, "last_id": ids[-1] if ids else None}
    )


def rag_file(file_id: str) -> Dict[str, Any]:
    return {
        "file_id": file_id,
        "upload_status": "ready",
        "file_name": "a.txt",
        "file_type": "txt",
        "mime_type": "text/plain",
        "embedding_status": "pending",
        "created_at": "2026-01-01T00:00:00Z",
        "updated_at": "2026-01-01T00:00:00Z",
    }


def test_a_page_iterates_items_and_keeps_its_fields() -> None:
    page = batch_page(["b1", "b2"], has_more=False)
    assert [b.id for b in page] == ["b1", "b2"]
    assert page.object == "list" and page.last_id == "b2"  # attribute access unchanged
    assert page.model_dump()["last_id"] == "b2"
    assert "data=" in repr(page)
    # a page nobody bound has nothing more to fetch
    assert not page.has_next_page()
    with pytest.raises(RuntimeError, match="not returned by a list call"):
        page.get_next_page()


def test_bound_cursor_pages_are_fetched_only_when_needed() -> None:
    pages = {None: batch_page(["b1", "b2"], True), "b2": batch_page(["b3"], False)}
    fetched: List[Dict[str, Any]] = []

    def fetch(query: Dict[str, Any]) -> BatchList:
        fetched.append(query)
        page = pages[query.get("after")]
        bind_page(page, CursorPagination(), query, fetch, is_async=False)
        return page

    first = fetch({"after": None, "limit": 2})
    iterator = iter(first)
    assert [next(iterator).id, next(iterator).id] == ["b1", "b2"]
    assert len(fetched) == 1
    assert next(iterator).id == "b3"
    assert fetched[-1] == {"after": "b2", "limit": 2}
    assert list(iterator) == []
    assert [p.last_id for p in first.iter_pages()] == ["b2", "b3"]


def test_offset_and_token_pages_compute_the_next_query() -> None:
    files = RagFileListResponse.model_validate(
        {"files": [rag_file("f1"), rag_file("f2")], "total": 3, "limit": 2, "offset": 0}
    )
    bind_page(files, OffsetPagination(items="files"), {"limit": 2}, lambda q: q, is_async=False)
    assert files.next_page_query() == {"limit": 2, "offset": 2}
    assert [f.file_id for f in files.page_items()] == ["f1", "f2"]

    class Voices(ResponseModel):
        data: List[Dict[str, Any]]
        next_page_token: Optional[str] = None

    voices = paged_model(Voices).model_validate({"data": [{"v": 1}], "next_page_token": "t2"})
    assert isinstance(voices, Voices) and isinstance(voices, ListPage)
    bind_page(voices, TokenPagination(), {}, lambda q: q, is_async=False)
    assert voices.next_page_query() == {"page_token": "t2"}


def test_an_endpoint_with_pagination_parses_into_a_page() -> None:
    class Things(ResponseModel):
        data: List[int]

    endpoint = Endpoint("GET", "/v1/things", Things, name="list", pagination=CursorPagination())
    page = endpoint.parser.validate(b'{"data": [1, 2]}')
    assert isinstance(page, ListPage) and list(page) == [1, 2]
    assert paged_model(Things) is paged_model(Things)  # made once
    assert paged_model(BatchList) is BatchList  # already a page


async def test_async_pages_iterate_with_async_for_only() -> None:
    pages = {None: batch_page(["b1"], True), "b1": batch_page(["b2"], False)}

    async def fetch(query: Dict[str, Any]) -> BatchList:
        page = pages[query.get("after")]
        bind_page(page, CursorPagination(), query, fetch, is_async=True)
        return page

    first = await fetch({})
    assert [b.id async for b in first] == ["b1", "b2"]
    with pytest.raises(TypeError, match="async for"):
        list(first)
    assert (await first.aget_next_page()).last_id == "b2"


def test_a_bound_page_pickles_without_its_client() -> None:
    import pickle

    page = batch_page(["b1"], has_more=True)
    bind_page(page, CursorPagination(), {}, lambda q: q, is_async=False)
    assert page.has_next_page()
    copy = pickle.loads(pickle.dumps(page))
    assert [b.id for b in copy] == ["b1"] and not copy.has_next_page()
