"""RAG: upload → embed → list → search, the seven steps of the spec's CLAUDE.md."""

from __future__ import annotations

import time
import uuid

import httpx

from meshapi import BulkEmbedRequest, InitUploadRequest, MeshAPI, SearchRequest

from .config import LiveConfig


def test_rag_upload_embed_search(client: MeshAPI, config: LiveConfig) -> None:
    marker = uuid.uuid4().hex[:8]
    file_name = f"livetest-{marker}.txt"
    content = (
        f"Livetest document {marker}.\n"
        "The onboarding process for new engineers takes two weeks. On the first day every new "
        "hire meets an onboarding buddy who answers questions about tools and teams.\n"
        "Expenses are reimbursed monthly through the finance portal.\n"
    ).encode()

    # 1. init_upload with embed=False
    upload = client.rag.init_upload(
        InitUploadRequest(file_name=file_name, mime_type="text/plain", embed=False)
    )
    assert upload.file_id and upload.signed_url

    # 2. PUT the bytes straight to the signed URL (no Authorization header: the URL is signed)
    put = httpx.put(
        upload.signed_url, content=content, headers={"Content-Type": "text/plain"}, timeout=60
    )
    put.raise_for_status()

    # 3. up to 30 s for upload_status=ready
    deadline = time.monotonic() + 30
    while client.rag.get(upload.file_id).upload_status != "ready":
        assert time.monotonic() < deadline, "upload_status not ready after 30 s"
        time.sleep(0.5)

    # 4. trigger embedding
    started = client.rag.embed(BulkEmbedRequest(file_ids=[upload.file_id]))
    assert [r.file_id for r in started.results] == [upload.file_id]

    # 5. up to 90 s for embedding_status=ready
    deadline = time.monotonic() + 90
    while True:
        status = client.rag.get(upload.file_id)
        assert status.embedding_status != "failed", f"embedding failed: {status.last_error_code}"
        if status.embedding_status == "ready":
            break
        assert time.monotonic() < deadline, "embedding_status not ready after 90 s"
        time.sleep(1.0)

    # 6. the file appears in the list (paged: an account may hold many files)
    found, offset = False, 0
    while not found:
        page = client.rag.list(limit=100, offset=offset)
        found = any(f.file_id == upload.file_id for f in page.files)
        if not page.files or (page.total is not None and offset + len(page.files) >= page.total):
            break
        offset += len(page.files)
    assert found, f"{upload.file_id} is not listed"

    # 7. a search scoped to the file finds something
    results = client.rag.search(
        SearchRequest(query="onboarding buddy for new engineers", file_ids=[upload.file_id])
    )
    assert results.results, "a scoped search returned nothing"
    assert all(r.file_id in (None, upload.file_id) for r in results.results)
