"""A minimal, fast HTTP/1.1 stub of the gateway for the benchmarks (not the local gateway).

It answers precomputed bytes, so that the client under test, not the server, is what costs CPU:

- ``POST /v1/chat/completions``: a ~700-byte ``chat.completion``; with ``"stream": true`` in
  the body, an SSE stream of N ``chat.completion.chunk`` frames (default N = 10,000, or the
  ``X-Bench-Chunks`` request header) then ``data: [DONE]``, sent as chunked transfer-encoding
  in batches of frames, paced by the transport's flow control;
- ``POST /v1/embeddings``: 64 embeddings of 1,536 floats;
- ``GET /v1/models``: a bare JSON array of 300 model objects;
- ``GET /_bench/cpu``: the server's own CPU seconds, so the harness can show it is not the
  bottleneck.

Keep-alive is the default (HTTP/1.1), bodies have ``Content-Length``. The request parser reads
only the request line, ``Content-Length``, ``Connection`` and ``X-Bench-Chunks``.

Run on its own: ``python -m benchmarks.stub_server --port 8765``; it prints
``READY http://127.0.0.1:<port>`` once listening and stops on SIGTERM / SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import signal
import sys
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

__all__ = [
    "DEFAULT_CHUNKS",
    "STREAM_BATCH",
    "chat_completion_body",
    "embeddings_body",
    "models_body",
    "stream_parts",
]

DEFAULT_CHUNKS = 10_000
# Frames per chunked-encoding chunk: ~50 frames is ~12 KB, a plausible read for a busy stream.
STREAM_BATCH = 50
MAX_CHUNKS = 1_000_000
_STREAM_RE = re.compile(rb'"stream"\s*:\s*true')
_CREATED = 1_764_100_000
_MODEL = "openai/gpt-4o-mini"
_FINGERPRINT = "fp_560af6e559"


def _json(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode()


def chat_completion_body() -> bytes:
    """A ``chat.completion`` of about 700 bytes, shaped like a real gateway answer."""
    content = (
        "Server-sent events keep one HTTP response open and push each token as a `data:` line; "
        "the client parses frames as they come."
    )
    return _json(
        {
            "id": "chatcmpl-BENCHaX1b2C3d4E5f6G7h8I9j0KlMn",
            "object": "chat.completion",
            "created": _CREATED,
            "model": _MODEL,
            "choices": [
                {
                    "index": 0,
                    "message": {
                        "role": "assistant",
                        "content": content,
                        "refusal": None,
                        "annotations": [],
                    },
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": 24,
                "completion_tokens": 41,
                "total_tokens": 65,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": 0,
                    "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                },
            },
            "cost": "0.00002820",
            "service_tier": "default",
            "system_fingerprint": _FINGERPRINT,
        }
    )


_WORDS = (
    " the", " stream", " of", " tokens", " arrives", " one", " frame", " at", " a", " time",
    ",", " and", " each", " frame", " is", " parsed", " as", " it", " comes", ".",
)  # fmt: skip


def _chunk(index: int, n: int) -> Dict[str, Any]:
    """Frame ``index`` of ``n``: role first, then words, a finish frame, a usage frame last."""
    base: Dict[str, Any] = {
        "id": "chatcmpl-BENCHaX1b2C3d4E5f6G7h8I9j0KlMn",
        "object": "chat.completion.chunk",
        "created": _CREATED,
        "model": _MODEL,
        "service_tier": "default",
        "system_fingerprint": _FINGERPRINT,
    }
    if index == n - 1:
        base["choices"] = []
        base["usage"] = {"prompt_tokens": 24, "completion_tokens": n - 3, "total_tokens": n + 21}
        base["cost"] = "0.00600000"
        return base
    if index == 0:
        delta: Dict[str, Any] = {"role": "assistant", "content": "", "refusal": None}
        finish: Optional[str] = None
    elif index == n - 2:
        delta, finish = {}, "stop"
    else:
        delta, finish = {"content": _WORDS[index % len(_WORDS)]}, None
    base["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
    return base


def stream_parts(n: int, batch: int = STREAM_BATCH) -> List[bytes]:
    """The response head then the chunked body: ``batch`` SSE frames per chunk, then the end."""
    if n < 3:
        raise ValueError(f"a benchmark stream needs at least 3 chunks, got {n}")
    head = (
        b"HTTP/1.1 200 OK\r\n"
        b"content-type: text/event-stream; charset=utf-8\r\n"
        b"cache-control: no-cache\r\n"
        b"x-request-id: req_01JBENCHSTREAM0000000000000\r\n"
        b"transfer-encoding: chunked\r\n\r\n"
    )
    frames = [b"data: " + _json(_chunk(i, n)) + b"\n\n" for i in range(n)]
    frames.append(b"data: [DONE]\n\n")
    parts = [head]
    for start in range(0, len(frames), batch):
        payload = b"".join(frames[start : start + batch])
        parts.append(b"%x\r\n%s\r\n" % (len(payload), payload))
    parts.append(b"0\r\n\r\n")
    return parts


def embeddings_body(count: int = 64, dims: int = 1536) -> bytes:
    """``count`` float embeddings of ``dims`` values, printed like OpenAI prints them."""
    rng = random.Random(1536)
    data = [
        {
            "object": "embedding",
            "index": i,
            "embedding": [round(rng.gauss(0.0, 0.03), 10) for _ in range(dims)],
        }
        for i in range(count)
    ]
    return _json(
        {
            "object": "list",
            "data": data,
            "model": "openai/text-embedding-3-small",
            "usage": {"prompt_tokens": 8 * count, "total_tokens": 8 * count},
        }
    )


_PROVIDERS = (
    ("openai", ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "o3", "o4-mini")),
    ("anthropic", ("claude-sonnet-4", "claude-opus-4", "claude-3.5-haiku", "claude-3.7-sonnet")),
    ("google", ("gemini-2.5-pro", "gemini-2.5-flash", "gemini-2.0-flash", "gemma-3-27b-it")),
    ("meta-llama", ("llama-3.3-70b-instruct", "llama-4-maverick", "llama-4-scout")),
    ("mistralai", ("mistral-large", "mistral-small-3.1", "codestral", "pixtral-large")),
    ("deepseek", ("deepseek-chat-v3", "deepseek-r1", "deepseek-r1-distill-llama-70b")),
    ("qwen", ("qwen3-235b-a22b", "qwen3-32b", "qwen2.5-coder-32b-instruct", "qwq-32b")),
    ("x-ai", ("grok-3", "grok-3-mini", "grok-4")),
    ("cohere", ("command-r-plus", "command-a", "embed-v4")),
)


def models_body(count: int = 300) -> bytes:
    """A bare JSON array of ``count`` catalogue entries with every documented field."""
    rng = random.Random(300)
    families = [(p, name) for p, names in _PROVIDERS for name in names]
    models = []
    for i in range(count):
        provider, family = families[i % len(families)]
        variant = i // len(families)
        model_id = f"{provider}/{family}" + (f"-v{variant}" if variant else "")
        free = i % 7 == 0
        prompt = 0.0 if free else round(rng.uniform(0.0001, 0.015), 6)
        completion = 0.0 if free else round(prompt * rng.choice((2, 3, 4, 5)), 6)
        discount = rng.choice((0, 0, 10, 25, 50))
        thinking = family.startswith(("o3", "o4", "deepseek-r1", "qwq", "claude-opus"))
        models.append(
            {
                "id": model_id,
                "name": f"{family.replace('-', ' ').title()}" + (f" v{variant}" if variant else ""),
                "provider": provider,
                "model_type": "embedding" if "embed" in family else "chat",
                "context_length": rng.choice((32768, 65536, 128000, 200000, 1048576)),
                "is_free": free,
                "pricing": {
                    "prompt_usd_per_1k": prompt,
                    "completion_usd_per_1k": completion,
                    "image_usd_per_image": None,
                    "discount_pct": discount,
                    "prompt_usd_per_1k_discounted": round(prompt * (100 - discount) / 100, 8),
                    "completion_usd_per_1k_discounted": round(
                        completion * (100 - discount) / 100, 8
                    ),
                    "image_usd_per_image_discounted": None,
                },
                "description": (
                    f"{family} served by {provider}: general-purpose model for chat, tool use "
                    "and structured output, routed by the gateway with automatic fallback."
                ),
                "supports_thinking": thinking,
                "supports_completions_api": True,
                "supports_responses_api": provider in ("openai", "anthropic", "google"),
                "supports_tools": True,
                "input_modalities": ["text", "image"] if i % 3 else ["text"],
                "output_modalities": ["text"],
            }
        )
    return _json(models)


def _response(
    body: bytes, status: bytes = b"200 OK", content_type: bytes = b"application/json"
) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\n"
        b"content-type: " + content_type + b"\r\n"
        b"content-length: " + str(len(body)).encode() + b"\r\n"
        b"x-request-id: req_01JBENCH000000000000000000\r\n\r\n" + body
    )


def _not_found(method: bytes, target: bytes) -> bytes:
    message = f"no route {method.decode(errors='replace')} {target.decode(errors='replace')}"
    return _response(
        _json({"error": {"code": "not_found", "message": message}}), status=b"404 Not Found"
    )


class Responses:
    """Every answer, built once at start-up (streams on first use of each length)."""

    def __init__(self) -> None:
        self.chat = _response(chat_completion_body())
        self.embeddings = _response(embeddings_body())
        self.models = _response(models_body())
        self._streams: Dict[int, List[bytes]] = {}

    def stream(self, n: int) -> List[bytes]:
        parts = self._streams.get(n)
        if parts is None:
            parts = self._streams[n] = stream_parts(n)
        return parts


class StubProtocol(asyncio.Protocol):
    """One connection: parse pipelined requests, answer each with precomputed bytes."""

    def __init__(self, responses: Responses) -> None:
        self._responses = responses
        self._buf = bytearray()
        self._transport: Optional[asyncio.Transport] = None
        self._pending: Optional[Iterator[bytes]] = None
        self._paused = False
        self._close_after = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._transport = None
        self._pending = None

    def data_received(self, data: bytes) -> None:
        self._buf += data
        self._process()

    def pause_writing(self) -> None:
        self._paused = True

    def resume_writing(self) -> None:
        self._paused = False
        self._pump()

    def _process(self) -> None:
        # A request that arrives while a stream is still being sent waits for its turn.
        while self._pending is None and self._transport is not None:
            request = self._next_request()
            if request is None:
                return
            self._answer(*request)

    def _next_request(self) -> Optional[Tuple[bytes, bytes, bytes, Dict[bytes, bytes]]]:
        end = self._buf.find(b"\r\n\r\n")
        if end < 0:
            return None
        lines = bytes(self._buf[:end]).split(b"\r\n")
        try:
            method, target, _version = lines[0].split(b" ", 2)
        except ValueError:
            method, target = b"?", lines[0][:80]
        headers: Dict[bytes, bytes] = {}
        for line in lines[1:]:
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get(b"content-length", b"0"))
        total = end + 4 + length
        if len(self._buf) < total:
            return None
        body = bytes(self._buf[end + 4 : total])
        del self._buf[:total]
        return method, target, body, headers

    def _answer(
        self, method: bytes, target: bytes, body: bytes, headers: Dict[bytes, bytes]
    ) -> None:
        assert self._transport is not None
        self._close_after = headers.get(b"connection", b"").lower() == b"close"
        path = target.split(b"?", 1)[0]
        r = self._responses
        if method == b"POST" and path == b"/v1/chat/completions":
            if _STREAM_RE.search(body):
                raw = headers.get(b"x-bench-chunks")
                if raw is None or (raw.isdigit() and 3 <= int(raw) <= MAX_CHUNKS):
                    self._pending = iter(r.stream(int(raw) if raw else DEFAULT_CHUNKS))
                    self._pump()
                    return
                message = f"X-Bench-Chunks must be an integer in [3, {MAX_CHUNKS}], got {raw!r}"
                out = _response(
                    _json({"error": {"code": "invalid_request", "message": message}}),
                    status=b"400 Bad Request",
                )
            else:
                out = r.chat
        elif method == b"POST" and path == b"/v1/embeddings":
            out = r.embeddings
        elif method == b"GET" and path == b"/v1/models":
            out = r.models
        elif method == b"GET" and path == b"/_bench/cpu":
            out = _response(_json({"cpu": time.process_time()}))
        else:
            out = _not_found(method, target)
        self._transport.write(out)
        if self._close_after:
            self._transport.close()

    def _pump(self) -> None:
        while not self._paused and self._pending is not None and self._transport is not None:
            part = next(self._pending, None)
            if part is None:
                self._pending = None
                if self._close_after:
                    self._transport.close()
                    return
                self._process()
                return
            self._transport.write(part)


async def serve(host: str, port: int, ready: bool = True) -> None:
    """Listen until SIGTERM / SIGINT; print ``READY <url>`` once listening."""
    responses = Responses()
    responses.stream(DEFAULT_CHUNKS)  # the common stream is built before the clock starts
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: StubProtocol(responses), host, port, backlog=1024)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    bound = server.sockets[0].getsockname()[1]
    if ready:
        print(f"READY http://{host}:{bound}", flush=True)
    async with server:
        await stop.wait()


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    if args.host != "127.0.0.1":
        sys.exit("the stub server only listens on 127.0.0.1")
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
