"""The SDK against servers that misbehave on purpose: raw TCP on 127.0.0.1, bounded in time.

Each test scripts a :class:`RawServer`: the n-th connection it accepts is handed to the n-th
behaviour (the last one repeats), after the request was read in full. Behaviours close or reset
the connection before answering, answer a retry status, trickle bytes, or send a gzip bomb. Every
socket has a timeout and every trickle stops after ``MAX_SECONDS``, so a test that goes wrong
fails instead of hanging. One body per test runs sync and async (the ``api`` fixture).
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import struct
import threading
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

from meshapi import (
    APITimeoutError,
    ChatCompletionParams,
    MeshAPIError,
    ResponseTooLargeError,
    Timeout,
)

MAX_SECONDS = 10.0  # no behaviour runs longer than this, whatever the client does
TOKEN = "rsk_raw_server_0123456789abcdef"
PARAMS = ChatCompletionParams.model_validate(
    {"model": "openai/gpt-4o-mini", "messages": [{"role": "user", "content": "Hi"}]}
)
COMPLETION = {
    "id": "chatcmpl-raw",
    "object": "chat.completion",
    "created": 1,
    "model": "openai/gpt-4o-mini",
    "choices": [
        {
            "index": 0,
            "message": {"role": "assistant", "content": "Paris."},
            "finish_reason": "stop",
        }
    ],
}
CHUNK = {
    "id": "chatcmpl-raw",
    "object": "chat.completion.chunk",
    "created": 1,
    "model": "openai/gpt-4o-mini",
    "choices": [{"index": 0, "delta": {"content": "Hi"}, "finish_reason": None}],
}
SSE_BODY = f"data: {json.dumps(CHUNK)}\n\ndata: [DONE]\n\n".encode()

Seen = Tuple[str, Dict[str, str], bytes]  # request line, headers (lower-case names), body
Behaviour = Callable[[socket.socket, Seen], None]


class RawServer:
    """A TCP server on 127.0.0.1 that plays one behaviour per accepted connection."""

    def __init__(self, *behaviours: Behaviour) -> None:
        self.behaviours = list(behaviours)
        self.requests: List[Seen] = []
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.threads: List[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self.sock.accept()
                conn.settimeout(MAX_SECONDS)
                index = min(len(self.requests), len(self.behaviours) - 1)
                seen = _read_request(conn)
                if seen is None:
                    conn.close()
                    continue
                self.requests.append(seen)
                worker = threading.Thread(
                    target=self._run, args=(self.behaviours[index], conn, seen), daemon=True
                )
                self.threads.append(worker)
                worker.start()

    @staticmethod
    def _run(behaviour: Behaviour, conn: socket.socket, seen: Seen) -> None:
        with contextlib.suppress(OSError):
            behaviour(conn, seen)
        with contextlib.suppress(OSError):
            conn.close()

    def __enter__(self) -> RawServer:
        self._acceptor.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.sock.close()
        self._acceptor.join(MAX_SECONDS)
        for worker in self.threads:
            worker.join(MAX_SECONDS)


def _read_request(conn: socket.socket) -> Optional[Seen]:
    data = b""
    while b"\r\n\r\n" not in data:
        more = conn.recv(65536)
        if not more:
            return None
        data += more
    head, _, body = data.partition(b"\r\n\r\n")
    line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for header in header_lines:
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        more = conn.recv(65536)
        if not more:
            break
        body += more
    return line, headers, body


# -- behaviours ----------------------------------------------------------------------------------


def close_silently(conn: socket.socket, seen: Seen) -> None:
    """The request was read; the connection is closed without a byte of answer."""
    conn.shutdown(socket.SHUT_RDWR)


def reset(conn: socket.socket, seen: Seen) -> None:
    """The request was read; the connection is reset (RST) without a byte of answer."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def answer(
    status: int, body: bytes, content_type: str = "application/json", **headers: str
) -> Behaviour:
    def behave(conn: socket.socket, seen: Seen) -> None:
        extra = "".join(f"{k.replace('_', '-')}: {v}\r\n" for k, v in headers.items())
        conn.sendall(
            (
                f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n{extra}"
                f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode()
            + body
        )

    return behave


def trickle(head: bytes, piece: bytes, every: float = 0.05) -> Behaviour:
    """Send ``head``, then ``piece`` every ``every`` seconds until the client goes away (or
    ``MAX_SECONDS`` pass)."""

    def behave(conn: socket.socket, seen: Seen) -> None:
        conn.sendall(head)
        end = time.monotonic() + MAX_SECONDS
        while time.monotonic() < end:
            time.sleep(every)
            conn.sendall(piece)

    return behave


SSE_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"


def instant_retries(api: Any, client: Any) -> List[float]:
    """Make ``client`` sleep no time between retries; returns the list of delays asked for."""
    asked: List[float] = []
    if api.is_async:

        async def sleep(delay: float) -> None:
            asked.append(delay)

        client._http.sleep = sleep
    else:
        client._http.sleep = asked.append
    return asked


def create(client: Any) -> Any:
    return client.chat.completions.create(PARAMS)


def stream(client: Any) -> Any:
    return client.chat.completions.stream(PARAMS)


# -- retries -------------------------------------------------------------------------------------


@pytest.mark.parametrize("cut", [close_silently, reset], ids=["closed", "reset"])
@pytest.mark.parametrize("call", ["create", "stream"])
async def test_a_connection_lost_before_any_answer_is_retried_as_the_same_request(
    api: Any, cut: Behaviour, call: str
) -> None:
    ok = answer(200, json.dumps(COMPLETION).encode())
    if call == "stream":
        ok = answer(200, SSE_BODY, "text/event-stream")
    with RawServer(cut, cut, ok) as server:
        client = api.make(base_url=server.base_url, token=TOKEN, max_retries=3)
        asked = instant_retries(api, client)
        if call == "create":
            reply = await api.call(create, client)
            assert reply.choices[0].message.content == "Paris."
        else:
            chunks = await api.collect(stream, client)
            assert [c.choices[0].delta.content for c in chunks] == ["Hi"]
    assert len(server.requests) == 3 and len(asked) == 2
    for name in ("idempotency-key", "x-request-id"):
        values = {headers[name] for _, headers, _ in server.requests}
        assert len(values) == 1, f"{name} changed between attempts: {values}"
    assert len({body for _, _, body in server.requests}) == 1


@pytest.mark.parametrize(
    "status, headers",
    [(429, {"Retry_After": "0"}), (502, {}), (503, {"Retry_After": "0"}), (504, {})],
)
async def test_a_stream_refused_with_a_retry_status_before_any_event_is_retried(
    api: Any, status: int, headers: Dict[str, str]
) -> None:
    busy = answer(status, b'{"error": {"code": "upstream_error", "message": "busy"}}', **headers)
    with RawServer(busy, answer(200, SSE_BODY, "text/event-stream")) as server:
        client = api.make(base_url=server.base_url, token=TOKEN)
        instant_retries(api, client)
        chunks = await api.collect(stream, client)
    assert [c.choices[0].delta.content for c in chunks] == ["Hi"]
    assert len(server.requests) == 2
    assert server.requests[0][1]["idempotency-key"] == server.requests[1][1]["idempotency-key"]


# -- no endless waits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "piece",
    [b": keep-alive\n\n", b"x"],
    ids=["keep-alives only", "an event that never completes"],
)
async def test_a_stream_with_no_complete_event_within_the_read_timeout_times_out(
    api: Any, piece: bytes
) -> None:
    head = SSE_HEAD + (b"" if piece.startswith(b":") else b"data: {")
    with RawServer(trickle(head, piece)) as server:
        client = api.make(base_url=server.base_url, token=TOKEN, timeout=0.5)
        err = await api.raises(APITimeoutError, stream, client)
    assert err.error_code == "timeout"
    assert "no event completed within the read timeout" in str(err)


@pytest.mark.parametrize("where", ["client", "call"])
async def test_a_body_that_trickles_forever_ends_at_the_deadline(api: Any, where: str) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n"
    with RawServer(trickle(head + b'{"id": "', b"x")) as server:
        if where == "client":
            client = api.make(base_url=server.base_url, token=TOKEN, total_timeout=0.6)
            call = create
        else:
            client = api.make(base_url=server.base_url, token=TOKEN)

            def call(c: Any) -> Any:
                return c.chat.completions.create(PARAMS, timeout=Timeout(30.0, total=0.6))

        started = time.monotonic()
        err = await api.raises(APITimeoutError, call, client)
        elapsed = time.monotonic() - started
    assert "total_timeout=0.6s" in str(err)
    assert elapsed < MAX_SECONDS  # it did end; how fast is not a test's business


# -- size caps -----------------------------------------------------------------------------------


async def test_a_gzip_bomb_stops_at_max_response_bytes(api: Any) -> None:
    bomb = gzip.compress(b" " * (32 * 1024 * 1024), compresslevel=9)
    with RawServer(answer(200, bomb, Content_Encoding="gzip")) as server:
        client = api.make(base_url=server.base_url, token=TOKEN, max_response_bytes=1024 * 1024)
        err = await api.raises(ResponseTooLargeError, create, client)
    assert (err.error_code, err.limit, err.limit_bytes) == (
        "response_too_large",
        "max_response_bytes",
        1024 * 1024,
    )
    assert "POST /v1/chat/completions" in str(err)


async def test_an_endless_event_stream_line_stops_at_max_event_bytes(api: Any) -> None:
    with RawServer(trickle(SSE_HEAD + b"data: ", b"y" * 4096, every=0.001)) as server:
        client = api.make(base_url=server.base_url, token=TOKEN, max_event_bytes=64 * 1024)
        err = await api.raises(ResponseTooLargeError, stream, client)
    assert err.limit == "max_event_bytes"
    assert "max_event_bytes=65536" in str(err)


async def test_an_error_keeps_only_the_start_of_a_huge_error_body(api: Any) -> None:
    page = b"<html><title>Bad gateway</title>" + b"<p>padding</p>" * 200_000 + b"</html>"
    with RawServer(answer(502, page, "text/html")) as server:
        client = api.make(base_url=server.base_url, token=TOKEN, max_retries=0)
        err = await api.raises(MeshAPIError, create, client)
    assert err.status == 502
    assert "longer than max_error_body_bytes=8192" in err.message
    assert len(err.body) <= 8192 + 100 and len(str(err)) < 1000


# -- UTF-8 -----------------------------------------------------------------------------------


async def test_invalid_utf8_in_a_stream_is_replaced_not_fatal(api: Any) -> None:
    bad = json.dumps({**CHUNK, "choices": [{"index": 0, "delta": {"content": "caf@"}}]})
    body = f"data: {bad}\n\n".encode().replace(b"caf@", b"caf\xe9") + SSE_BODY
    with RawServer(answer(200, body, "text/event-stream")) as server:
        client = api.make(base_url=server.base_url, token=TOKEN)
        chunks = await api.collect(stream, client)
    assert [c.choices[0].delta.content for c in chunks] == ["caf\ufffd", "Hi"]


async def test_invalid_utf8_in_a_json_body_is_still_an_error(api: Any) -> None:
    body = json.dumps(COMPLETION).encode().replace(b"Paris.", b"Par\xe9s.")
    with RawServer(answer(200, body)) as server:
        client = api.make(base_url=server.base_url, token=TOKEN)
        err = await api.raises(MeshAPIError, create, client)
    assert err.error_code == "invalid_response"
