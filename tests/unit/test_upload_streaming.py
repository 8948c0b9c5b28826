"""Uploading a file from disk: streamed in chunks (a tracemalloc bound, not a timer), sent again
whole on a retry, named and typed from its path; sync and async from one body."""

from __future__ import annotations

import hashlib
import inspect
import io
import json
import os
import tracemalloc
from pathlib import Path
from typing import Any, Iterator, List

import httpx
import pytest

from meshapi import AsyncMeshAPI, MeshAPI
from meshapi._http import UPLOAD_CHUNK_SIZE, FileContent
from meshapi._uploads import name_and_type

SIZE = 8 * 1024 * 1024  # 32 chunks


class DrainingServer:
    """Answers the announcement, then drains each PUT chunk by chunk (keeping only a hash), so
    that only the SDK's own memory is measured. The first ``fail`` PUTs are answered 503."""

    def __init__(self, fail: int = 0) -> None:
        self.fail = fail
        self.puts: List[Any] = []

    def answer(self, request: httpx.Request, chunks: Iterator[bytes]) -> httpx.Response:
        if request.method == "POST":
            sent = json.loads(request.content)
            self.announced = sent
            body = {
                "file_id": "file_1",
                "signed_url": "http://uploads.test/put/file_1?sig=x",
                "expires_at": "2026-01-01T00:15:00Z",
            }
            return httpx.Response(200, json=body)
        digest, size = hashlib.sha256(), 0
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
        self.puts.append((request.headers.get("content-length"), size, digest.hexdigest()))
        if self.fail:
            self.fail -= 1
            return httpx.Response(503, json={"error": {"code": "upstream_error", "message": "x"}})
        return httpx.Response(200)


class SyncTransport(httpx.BaseTransport):
    def __init__(self, server: DrainingServer) -> None:
        self.server = server

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            request.read()
        return self.server.answer(request, iter(request.stream))  # type: ignore[arg-type]


class AsyncDrainingTransport(httpx.AsyncBaseTransport):
    """Drains the PUT body as it arrives, hashing it (no list of chunks)."""

    def __init__(self, server: DrainingServer) -> None:
        self.server = server

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            await request.aread()
            return self.server.answer(request, iter(()))
        digest, size = hashlib.sha256(), 0
        async for chunk in request.stream:  # type: ignore[union-attr]
            digest.update(chunk)
            size += len(chunk)
        server = self.server
        server.puts.append((request.headers.get("content-length"), size, digest.hexdigest()))
        if server.fail:
            server.fail -= 1
            return httpx.Response(503, json={"error": {"code": "upstream_error", "message": "x"}})
        return httpx.Response(200)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("upload") / "big.txt"
    line = b"All work and no play makes a dull upload test.\n"
    with open(path, "wb") as fh:
        fh.write(line * (SIZE // len(line)) + b"x" * (SIZE % len(line)))
    return path


def client_for(kind: str, server: DrainingServer) -> Any:
    if kind == "async":
        http = httpx.AsyncClient(transport=AsyncDrainingTransport(server))
        return AsyncMeshAPI(base_url="http://gw.test", token="rsk_t", async_httpx_client=http)
    http_sync = httpx.Client(transport=SyncTransport(server))
    return MeshAPI(base_url="http://gw.test", token="rsk_t", httpx_client=http_sync)


async def run(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_large_file_streams_from_disk_in_bounded_memory(kind: str, big_file: Path) -> None:
    server = DrainingServer()
    client = client_for(kind, server)
    expected = hashlib.sha256(big_file.read_bytes()).hexdigest()
    # Warm up first (models built, connections made), so that only the upload is measured.
    await run(client.rag.upload_file(file_name="w.txt", mime_type="text/plain", content=b"w"))
    server.puts.clear()
    tracemalloc.start()
    try:
        await run(client.rag.upload_file(big_file, embed=True))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert server.puts == [(str(SIZE), SIZE, expected)]
    assert server.announced == {"file_name": "big.txt", "mime_type": "text/plain", "embed": True}
    # The whole file is 8 MiB; reading it whole would peak above that. Chunks of 256 KiB keep
    # the peak to a few of them.
    assert peak < SIZE // 4, f"peak {peak} bytes for an {SIZE}-byte file"
    await run(client.close())


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_a_retried_put_sends_the_whole_file_again(kind: str, big_file: Path) -> None:
    server = DrainingServer(fail=1)
    client = client_for(kind, server)
    client._http.sleep = (lambda s: _noop()) if kind == "async" else (lambda s: None)
    with open(big_file, "rb") as fh:
        fh.seek(1000)  # a file object is sent from where it stands
        await run(client.rag.upload_file(file=fh, mime_type="text/plain"))
    expected = hashlib.sha256(big_file.read_bytes()[1000:]).hexdigest()
    assert server.puts == [(str(SIZE - 1000), SIZE - 1000, expected)] * 2
    await run(client.close())


async def _noop() -> None:
    return None


def test_an_unseekable_file_is_sent_once_and_a_retry_says_why() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self) -> None:
            self.left = 3

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            if not self.left:
                return 0
            self.left -= 1
            buffer[:2] = b"ab"
            return 2

    body = FileContent(Pipe())
    assert body.length is None
    assert b"".join(body) == b"ababab"
    with pytest.raises(Exception, match="cannot seek back"):
        list(body)


def test_names_types_and_bad_files(tmp_path: Path) -> None:
    assert name_and_type(tmp_path / "a" / "report.pdf", None, None) == (
        "report.pdf",
        "application/pdf",
    )
    assert name_and_type(io.BytesIO(b"x"), "n.json", None) == ("n.json", "application/json")
    with pytest.raises(TypeError, match="file_name="):
        name_and_type(io.BytesIO(b"x"), None, None)
    with pytest.raises(ValueError, match="mime_type="):
        name_and_type("data.unknownext", None, None)
    with pytest.raises(TypeError, match="binary"):
        FileContent(io.StringIO("text"))
    with pytest.raises(FileNotFoundError):
        FileContent(tmp_path / "missing.txt")
    assert UPLOAD_CHUNK_SIZE < SIZE
    assert os.path.getsize(__file__) > 0
