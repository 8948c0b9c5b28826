"""Iterating a list call's page yields every item across pages, fetched lazily (sync ``for``,
async ``async for``), over real sockets; the page still gives its own items and the next page."""

from __future__ import annotations

from typing import Any, List

import pytest

from meshapi import BatchRequestItem, CreateBatchParams, InitUploadRequest


async def items_of(api: Any, page: Any, stop_after: int = -1) -> List[Any]:
    """Iterate ``page`` the way the flavour does (``for`` / ``async for``)."""
    out: List[Any] = []
    if api.is_async:
        async for item in page:
            out.append(item)
            if len(out) == stop_after:
                break
    else:
        for item in page:
            out.append(item)
            if len(out) == stop_after:
                break
    return out


def one_batch() -> CreateBatchParams:
    body = {"model": "openai/gpt-5-nano", "messages": [{"role": "user", "content": "Hi."}]}
    return CreateBatchParams(requests=[BatchRequestItem(custom_id="a", body=body)])


async def test_batches_iterate_every_page_lazily(api: Any, own_key: str, wire: Any) -> None:
    client = api.make(token=own_key, wire=wire)
    ids = [(await api.call(lambda c: c.batches.create(one_batch()), client)).id for _ in range(5)]
    newest_first = ids[::-1]

    page = await api.call(lambda c: c.batches.list(limit=2), client)
    assert [b.id for b in page.data] == newest_first[:2]  # the page's own items, as before
    assert page.has_next_page() and page.object == "list"
    sent = len(wire.requests)

    first_three = await items_of(api, page, stop_after=3)
    assert [b.id for b in first_three] == newest_first[:3]
    assert len(wire.requests) == sent + 1  # only the second page was fetched
    assert wire.requests[-1].url.params["after"] == newest_first[1]

    everything = await items_of(api, page)
    assert [b.id for b in everything] == newest_first
    assert [r.url.params.get("limit") for r in wire.requests[sent + 1 :]] == ["2", "2"]

    second = await api.call(
        lambda c: page.aget_next_page() if api.is_async else page.get_next_page()
    )
    assert [b.id for b in second.data] == newest_first[2:4]
    last = await api.call(
        lambda c: second.aget_next_page() if api.is_async else second.get_next_page()
    )
    assert [b.id for b in last.data] == newest_first[4:] and not last.has_next_page()
    with pytest.raises(RuntimeError, match="no next page"):
        await api.call(lambda c: last.aget_next_page() if api.is_async else last.get_next_page())


async def test_rag_files_iterate_every_page_by_offset(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    ids = []
    for n in range(5):
        announced = await api.call(
            lambda c, n=n: c.rag.init_upload(
                InitUploadRequest(file_name=f"f{n}.txt", mime_type="text/plain")
            ),
            client,
        )
        ids.append(announced.file_id)
    page = await api.call(lambda c: c.rag.list(limit=2), client)
    assert len(page.files) == 2 and page.total == 5
    listed = [f.file_id for f in await items_of(api, page)]
    assert sorted(listed) == sorted(ids) and len(listed) == 5


async def test_iterating_with_the_other_flavour_says_which_to_use(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    page = await api.call(lambda c: c.batches.list(), client)
    if api.is_async:
        with pytest.raises(TypeError, match="async for"):
            list(page)
        with pytest.raises(TypeError, match="aget_next_page"):
            page.get_next_page()
    else:
        with pytest.raises(TypeError, match="use `for`"):
            [x async for x in page]


async def test_voices_iterate_by_token_and_videos_by_offset(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    first = await api.call(lambda c: c.audio.list_voices(page_size=2), client)
    assert len(first.voices) == 2 and first.next_page_token  # the catalogue has more voices
    voices = await items_of(api, first)
    everything = await api.call(lambda c: c.audio.list_voices(page_size=100), client)
    assert [v.voice_id for v in voices] == [v.voice_id for v in everything.voices]
    assert len(voices) > 2

    body = {"model": "byteplus/dreamina-seedance-2-0", "content": [{"type": "text", "text": "x"}]}
    ids = [(await api.call(lambda c: c.videos.generate(body), client)).id for _ in range(3)]
    page = await api.call(lambda c: c.videos.list(limit=2), client)
    assert len(page.data) == 2 and page.has_next_page()
    tasks = await items_of(api, page)
    assert sorted(t.id for t in tasks) == sorted(ids)


async def test_model_search_and_stored_responses_iterate(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    page = await api.call(lambda c: c.models.search(limit=5), client)
    assert len(page.items) == 5 and page.total > 5 and page.has_next_page()
    every = await items_of(api, page)
    assert len(every) == page.total
    assert len({m.id for m in every}) == page.total  # no page fetched twice

    ids = []
    for n in range(3):
        made = await api.call(
            lambda c, n=n: c.responses.create(model="openai/gpt-4o-mini", input=f"Hi {n}"), client
        )
        ids.append(made.id)
    stored = await api.call(lambda c: c.responses.list(limit=2), client)
    assert [r.id for r in await items_of(api, stored)] == ids[::-1]
