"""rag.upload_file from a path or a binary file object, over real sockets: named and typed from
the path, streamed with its Content-Length, stored whole, embedded."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

FAST = {"poll_interval": 0.01, "max_interval": 0.05}


async def test_upload_a_path_larger_than_a_chunk(
    api: Any, own_key: str, wire: Any, tmp_path: Path
) -> None:
    path = tmp_path / "handbook.md"
    text = "".join(f"Rule {i}: tea is served at five o'clock sharp.\n" for i in range(12000))
    path.write_text(text)  # ~560 KB: more than two chunks
    client = api.make(token=own_key, wire=wire)
    up = await api.call(lambda c: c.rag.upload_file(path, embed=True), client)
    put = [r for r in wire.requests if r.method == "PUT"][-1]
    assert put.headers["content-length"] == str(path.stat().st_size)
    assert put.headers["content-type"] == "text/markdown"
    assert "authorization" not in put.headers
    ready = await api.call(lambda c: c.rag.wait_until_ready(up.file_id, **FAST), client)
    assert ready.file_name == "handbook.md" and ready.size_bytes == path.stat().st_size
    found = await api.call(
        lambda c: c.rag.search({"query": "tea served", "file_ids": [up.file_id]}), client
    )
    assert found.results and "tea" in found.results[0].text


async def test_upload_a_file_object_with_its_name_given(api: Any, own_key: str) -> None:
    client = api.make(token=own_key)
    data = io.BytesIO(b'{"menu": ["pancakes", "waffles"]}')
    up = await api.call(
        lambda c: c.rag.upload_file(file=data, file_name="menu.json", embed=True), client
    )
    ready = await api.call(lambda c: c.rag.wait_until_ready(up.file_id, **FAST), client)
    assert ready.mime_type == "application/json" and ready.size_bytes == len(data.getvalue())


async def test_bad_upload_arguments_say_what_is_wrong(api: Any, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hi")
    with pytest.raises(TypeError, match="not both"):
        await api.call(lambda c: c.rag.upload_file(path, content=b"x"))
    with pytest.raises(ValueError, match="mime_type="):
        await api.call(lambda c: c.rag.upload_file(tmp_path / "x.unknownext"))
