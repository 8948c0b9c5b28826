"""RAG over real sockets: signed-URL upload, embedding, search, listing, signature checks."""

from __future__ import annotations

import asyncio
import time
from typing import Any, List

import httpx

from meshapi import (
    BulkEmbedRequest,
    InitUploadRequest,
    NotFoundError,
    PermissionDeniedError,
    SearchRequest,
)

HANDBOOK = b"""# Acme handbook

## Onboarding
New hires meet their buddy on day one. The onboarding process takes two weeks and ends with a
demo of a small project to the team.

## Holidays
Everyone gets 25 days of paid leave. Ask your manager at least two weeks ahead.

## Expenses
Keep receipts. Expenses are reimbursed monthly through the finance portal.
"""

RECIPES = b"""Tomato soup: simmer tomatoes with garlic and basil for twenty minutes, then blend.
Pancakes: whisk flour, eggs and milk; fry thin layers in butter until golden."""


async def wait_until_embedded(api: Any, file_id: str, client: Any = None) -> Any:
    deadline = time.monotonic() + 30
    while True:
        status = await api.call(lambda c: c.rag.get(file_id), client)
        assert status.embedding_status != "failed", status.last_error_code
        if status.embedding_status == "ready":
            return status
        assert time.monotonic() < deadline, f"still {status.embedding_status} after 30 s"
        await asyncio.sleep(0.02)


async def test_upload_embed_poll_and_search(api: Any, own_key: str, wire: Any) -> None:
    client = api.make(token=own_key, wire=wire)
    handbook = await api.call(
        lambda c: c.rag.upload_file(
            file_name="handbook.md",
            mime_type="text/markdown",
            content=HANDBOOK,
            metadata={"team": "hr"},
        ),
        client,
    )
    recipes = await api.call(
        lambda c: c.rag.upload_file(
            file_name="recipes.txt",
            mime_type="text/plain",
            content=RECIPES,
            metadata={"team": "kitchen"},
        ),
        client,
    )
    # The PUTs went to the signed URL with the file's type and without the API key.
    puts = [r for r in wire.requests if r.method == "PUT"]
    assert [str(r.url) for r in puts] == [handbook.signed_url, recipes.signed_url]
    assert [r.headers["content-type"] for r in puts] == ["text/markdown", "text/plain"]
    assert all("authorization" not in r.headers for r in puts)

    status = await api.call(lambda c: c.rag.get(handbook.file_id), client)
    assert status.upload_status == "ready"
    assert status.file_name == "handbook.md" and status.size_bytes == len(HANDBOOK)
    assert status.embedding_status == "pending"

    started = await api.call(
        lambda c: c.rag.embed(BulkEmbedRequest(file_ids=[handbook.file_id, recipes.file_id])),
        client,
    )
    assert {r.file_id for r in started.results} == {handbook.file_id, recipes.file_id}
    assert all(r.embedding_status in {"processing", "ready"} for r in started.results)
    ready = await wait_until_embedded(api, handbook.file_id, client)
    assert ready.total_tokens and ready.total_tokens > 0
    await wait_until_embedded(api, recipes.file_id, client)

    found = await api.call(
        lambda c: c.rag.search(SearchRequest(query="onboarding buddy on day one", top_k=5)), client
    )
    assert found.results, "the question is answered by the handbook"
    best = found.results[0]
    assert best.file_id == handbook.file_id and best.file_name == "handbook.md"
    assert "buddy" in best.text
    assert best.parent_text and best.text in best.parent_text
    scores = [r.score for r in found.results]
    assert scores == sorted(scores, reverse=True)

    top1 = await api.call(
        lambda c: c.rag.search(SearchRequest(query="leave and holidays", top_k=1)), client
    )
    assert len(top1.results) == 1

    scoped = await api.call(
        lambda c: c.rag.search(
            SearchRequest(query="onboarding buddy", file_ids=[recipes.file_id], top_k=5)
        ),
        client,
    )
    assert {r.file_id for r in scoped.results} <= {recipes.file_id}

    by_team = await api.call(
        lambda c: c.rag.search(SearchRequest(query="soup", filter={"team": "kitchen"})), client
    )
    assert by_team.results and {r.file_id for r in by_team.results} == {recipes.file_id}
    assert all(r.metadata == {"team": "kitchen"} for r in by_team.results)
    nobody = await api.call(
        lambda c: c.rag.search(SearchRequest(query="soup", filter={"team": "legal"})), client
    )
    assert nobody.results == []


async def test_init_upload_then_manual_put_without_auth(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    upload = await api.call(
        lambda c: c.rag.init_upload(
            InitUploadRequest(file_name="recipes.txt", mime_type="text/plain", embed=False)
        ),
        client,
    )
    assert upload.file_id.startswith("file_") and upload.signed_url and upload.expires_at
    pending = await api.call(lambda c: c.rag.get(upload.file_id), client)
    assert pending.upload_status == "pending"

    async with httpx.AsyncClient() as http:
        put = await http.put(
            upload.signed_url, content=RECIPES, headers={"Content-Type": "text/plain"}
        )
    assert put.status_code == 200, put.text
    assert (await api.call(lambda c: c.rag.get(upload.file_id), client)).upload_status == "ready"

    done = await api.call(
        lambda c: c.rag.embed(BulkEmbedRequest(file_ids=[upload.file_id], wait=True)), client
    )
    assert done.results[0].embedding_status == "ready"
    assert done.results[0].chunk_count and done.results[0].chunk_count > 0
    found = await api.call(
        lambda c: c.rag.search(SearchRequest(query="pancakes", file_ids=[upload.file_id])), client
    )
    assert found.results and "Pancakes" in found.results[0].text


async def test_list_pages_with_limit_and_offset(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    ids: List[str] = []
    for i in range(3):
        upload = await api.call(
            lambda c, n=i: c.rag.init_upload(
                InitUploadRequest(file_name=f"f{n}.txt", mime_type="text/plain")
            ),
            client,
        )
        ids.append(upload.file_id)
    first = await api.call(lambda c: c.rag.list(limit=2), client)
    assert (first.total, first.limit, first.offset) == (3, 2, 0)
    assert len(first.files) == 2
    rest = await api.call(lambda c: c.rag.list(limit=2, offset=2), client)
    assert (rest.total, rest.offset) == (3, 2) and len(rest.files) == 1
    listed = [f.file_id for f in first.files + rest.files]
    assert sorted(listed) == sorted(ids)
    beyond = await api.call(lambda c: c.rag.list(limit=2, offset=5), client)
    assert beyond.files == [] and beyond.total == 3


class SignatureTamperer(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """A transport that corrupts the signature of every PUT, as a broken proxy might."""

    def __init__(self) -> None:
        self._sync = httpx.HTTPTransport()
        self._async = httpx.AsyncHTTPTransport()

    @staticmethod
    def _tamper(request: httpx.Request) -> None:
        if request.method == "PUT":
            request.url = request.url.copy_set_param("signature", "0" * 64)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self._tamper(request)
        return self._sync.handle_request(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self._tamper(request)
        return await self._async.handle_async_request(request)

    def close(self) -> None:
        self._sync.close()

    async def aclose(self) -> None:
        await self._async.aclose()


async def test_a_bad_signature_is_a_403_permission_denied(
    api: Any, own_key: str, assert_no_secret: Any
) -> None:
    client = api.make(token=own_key, http=api.http_client(transport=SignatureTamperer()))
    err = await api.raises(
        PermissionDeniedError,
        lambda c: c.rag.upload_file(file_name="a.txt", mime_type="text/plain", content=b"hello"),
        client,
    )
    assert err.status == 403
    assert err.error_code == "invalid_signature"
    assert err.request_id
    assert_no_secret(err, own_key)

    upload = await api.call(
        lambda c: c.rag.init_upload(InitUploadRequest(file_name="b.txt", mime_type="text/plain"))
    )
    async with httpx.AsyncClient() as http:
        wrong_file = await http.put(
            upload.signed_url.replace(upload.file_id, "file_someone_else"),
            content=b"x",
            headers={"Content-Type": "text/plain"},
        )
    assert wrong_file.status_code in {403, 404}


async def test_unknown_file_is_not_found(api: Any) -> None:
    err = await api.raises(NotFoundError, lambda c: c.rag.get("file_does_not_exist"))
    assert err.status == 404 and err.request_id
