"""What each client does in each case: one ``Runner`` per (case, client) pair.

A runner owns one long-lived client (connections stay open between rounds, as in a real
program), warms it up, and then runs rounds on demand. ``run_round`` returns the number of
operations it did (requests, or chunks for the stream cases) and checks every answer, so a
client that silently did less work cannot look fast.

The calls are the ones a user writes:

- floor: ``httpx`` + ``json.dumps`` / ``json.loads`` (streams: ``iter_lines`` and ``json.loads``
  of each ``data:`` line), the least any Python client on httpx can do;
- meshapi: ``MeshAPI(base_url=..., token=...)`` with ``ChatCompletionParams`` /
  ``ChatMessage`` / ``EmbeddingsParams`` built per call;
- openai: ``openai.OpenAI(base_url=.../v1, api_key=...)`` with keyword arguments.

Every stream consumer reads ``choices[0].delta.content`` of each chunk and keeps only a
character count, so memory does not grow with the stream unless the client buffers it.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, TypeVar

__all__ = ["CASES", "Runner", "Settings", "make_runner"]

T = TypeVar("T")

MODEL = "openai/gpt-4o-mini"
EMBED_MODEL = "openai/text-embedding-3-small"
TOKEN = "rsk_bench"
SYSTEM = "You are a concise assistant."
PROMPT = "Explain in two sentences how server-sent events deliver a streamed answer."
TEXTS = [
    f"Document {i}: notes on routing, retries and streaming for the gateway." for i in range(64)
]
EMBED_COUNT, EMBED_DIMS, MODEL_COUNT = 64, 1536, 300
WARMUP_STREAM = 300
# The concurrent chat cases: how many tasks send at once.
CONCURRENCY = {"chat_async": 64, "chat_async_256": 256, "chat_async_1024": 1024}
WIDE = 1_100  # connections in the pool of the 1,000-streams memory case


def _pool_wait() -> Any:
    import httpx

    # No limit on the wait for a free pooled connection: at 1,024 concurrent tasks httpcore's
    # pool (200 connections) is slow enough on a busy machine that queued requests can wait
    # longer than the 60 s default, which would stop the run.
    return httpx.Timeout(60.0, pool=None)


POOL_WAIT = _pool_wait()


@dataclass
class Settings:
    """Sizes of one benchmark run (``--quick`` shrinks the request counts, not the stream)."""

    base_url: str
    chunks: int = 10_000
    chat_requests: int = 400
    async_requests: int = 2_000
    concurrency: int = 64
    embed_requests: int = 8
    model_lists: int = 100
    streams: int = 64  # streams_async: this many concurrent streams per round...
    stream_chunks_each: int = 500  # ...of this many chunks each
    embed_concurrency: int = 8  # embeddings_async: this many tasks...
    embed_async_requests: int = 32  # ...sending this many requests per round

    def to_dict(self) -> Dict[str, Any]:
        return asdict(self)


class Runner:
    """One client doing one case: ``warmup`` once, then ``run_round`` per round, ``close``."""

    case: str = ""

    def __init__(self, settings: Settings) -> None:
        self.s = settings
        self.url = settings.base_url

    def warmup(self) -> None:
        raise NotImplementedError

    def run_round(self) -> int:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def prepare_round(self) -> None:
        """Untimed, before each round: bring the client to the same state every time."""

    def info(self) -> Dict[str, Any]:
        """Facts about the client's state after a round, reported next to its timings."""
        return {}


def _check(cond: bool, what: str) -> None:
    if not cond:
        raise RuntimeError(f"benchmark answer check failed: {what}")


def _chat_body(stream: bool = False) -> Dict[str, Any]:
    body: Dict[str, Any] = {
        "model": MODEL,
        "messages": [
            {"role": "system", "content": SYSTEM},
            {"role": "user", "content": PROMPT},
        ],
        "max_tokens": 256,
    }
    if stream:
        body["stream"] = True
    return body


# ---------------------------------------------------------------------------------------------
# Synchronous runners
# ---------------------------------------------------------------------------------------------


class SyncRunner(Runner):
    """A sync client; each op method does one request (or one stream of ``n`` chunks)."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.ops: Dict[str, Callable[[int], int]] = {
            "chat_sync": lambda _n: self.chat(),
            "stream_sync": self.stream,
            "embeddings": lambda _n: self.embed(),
            "models": lambda _n: self.models(),
        }

    def chat(self) -> int:
        raise NotImplementedError

    def stream(self, n: int) -> int:
        raise NotImplementedError

    def embed(self) -> int:
        raise NotImplementedError

    def models(self) -> int:
        raise NotImplementedError

    def warmup(self) -> None:
        op = self.ops[self.case]
        for _ in range({"chat_sync": 20, "embeddings": 1, "models": 3}.get(self.case, 1)):
            op(WARMUP_STREAM)

    def run_round(self) -> int:
        s, op = self.s, self.ops[self.case]
        if self.case == "stream_sync":
            return op(s.chunks)
        count = {"chat_sync": s.chat_requests, "embeddings": s.embed_requests}.get(
            self.case, s.model_lists
        )
        return sum(op(0) for _ in range(count))


class FloorSync(SyncRunner):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        import httpx

        self.client = httpx.Client(timeout=60.0)
        self.headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    def chat(self) -> int:
        r = self.client.post(
            self.url + "/v1/chat/completions",
            content=json.dumps(_chat_body()).encode(),
            headers=self.headers,
        )
        _check(r.status_code == 200, f"chat status {r.status_code}")
        data = json.loads(r.content)
        _check(bool(data["choices"][0]["message"]["content"]), "chat content")
        return 1

    def stream(self, n: int) -> int:
        chunks = chars = 0
        headers = {**self.headers, "Accept": "text/event-stream", "X-Bench-Chunks": str(n)}
        body = json.dumps(_chat_body(stream=True)).encode()
        url = self.url + "/v1/chat/completions"
        with self.client.stream("POST", url, content=body, headers=headers) as r:
            _check(r.status_code == 200, f"stream status {r.status_code}")
            for line in r.iter_lines():
                if line.startswith("data:"):
                    data = line[5:].lstrip()
                    if data == "[DONE]":
                        break
                    chunk = json.loads(data)
                    chunks += 1
                    choices = chunk["choices"]
                    if choices:
                        chars += len(choices[0]["delta"].get("content") or "")
        _check(chunks == n and chars > 0, f"floor stream got {chunks} of {n} chunks")
        return chunks

    def embed(self) -> int:
        body = {"model": EMBED_MODEL, "input": TEXTS}
        r = self.client.post(
            self.url + "/v1/embeddings", content=json.dumps(body).encode(), headers=self.headers
        )
        _check(r.status_code == 200, f"embeddings status {r.status_code}")
        data = json.loads(r.content)["data"]
        _check(len(data) == EMBED_COUNT and len(data[-1]["embedding"]) == EMBED_DIMS, "vectors")
        return 1

    def models(self) -> int:
        r = self.client.get(self.url + "/v1/models", headers=self.headers)
        _check(r.status_code == 200, f"models status {r.status_code}")
        _check(len(json.loads(r.content)) == MODEL_COUNT, "model count")
        return 1

    def close(self) -> None:
        self.client.close()


class MeshSync(SyncRunner):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        import meshapi

        self.m = meshapi
        self.client = meshapi.MeshAPI(base_url=self.url, token=TOKEN)

    def _params(self) -> Any:
        m = self.m
        return m.ChatCompletionParams(
            model=MODEL,
            messages=[
                m.ChatMessage(role="system", content=SYSTEM),
                m.ChatMessage(role="user", content=PROMPT),
            ],
            max_tokens=256,
        )

    def chat(self) -> int:
        reply = self.client.chat.completions.create(self._params())
        _check(bool(reply.choices[0].message.content), "chat content")
        return 1

    def stream(self, n: int) -> int:
        chunks = chars = 0
        headers = {"X-Bench-Chunks": str(n)}
        with self.client.chat.completions.stream(self._params(), extra_headers=headers) as stream:
            for chunk in stream:
                chunks += 1
                if chunk.choices:
                    chars += len(chunk.choices[0].delta.content or "")
        _check(chunks == n and chars > 0, f"meshapi stream got {chunks} of {n} chunks")
        return chunks

    def embed(self) -> int:
        reply = self.client.embeddings.create(
            self.m.EmbeddingsParams(model=EMBED_MODEL, input=TEXTS)
        )
        data = reply.data
        _check(len(data) == EMBED_COUNT and len(data[-1].vector()) == EMBED_DIMS, "vectors")
        return 1

    def models(self) -> int:
        _check(len(self.client.models.list()) == MODEL_COUNT, "model count")
        return 1

    def close(self) -> None:
        self.client.close()


class OpenAISync(SyncRunner):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        import openai

        self.client = openai.OpenAI(base_url=self.url + "/v1", api_key="x")

    def chat(self) -> int:
        reply = self.client.chat.completions.create(
            model=MODEL,
            messages=[
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": PROMPT},
            ],
            max_tokens=256,
        )
        _check(bool(reply.choices[0].message.content), "chat content")
        return 1

    def stream(self, n: int) -> int:
        chunks = chars = 0
        stream = self.client.chat.completions.create(
            model=MODEL,
            messages=[
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": PROMPT},
            ],
            max_tokens=256,
            stream=True,
            extra_headers={"X-Bench-Chunks": str(n)},
        )
        with stream:
            for chunk in stream:
                chunks += 1
                if chunk.choices:
                    chars += len(chunk.choices[0].delta.content or "")
        _check(chunks == n and chars > 0, f"openai stream got {chunks} of {n} chunks")
        return chunks

    def embed(self) -> int:
        # "float" explicitly: openai asks for base64 by default, and the stub answers floats.
        reply = self.client.embeddings.create(
            model=EMBED_MODEL, input=TEXTS, encoding_format="float"
        )
        data = reply.data
        _check(len(data) == EMBED_COUNT and len(data[-1].embedding) == EMBED_DIMS, "vectors")
        return 1

    def close(self) -> None:
        self.client.close()


# ---------------------------------------------------------------------------------------------
# Asynchronous runners: one event loop per runner, reused by every round
# ---------------------------------------------------------------------------------------------


class AsyncRunner(Runner):
    """An async client; every round runs on the same event loop."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self.loop)

    async def chat(self) -> int:
        raise NotImplementedError

    async def stream(self, n: int) -> int:
        raise NotImplementedError

    async def embed(self) -> int:
        raise NotImplementedError

    async def aclose(self) -> None:
        raise NotImplementedError

    async def _concurrent(
        self, total: int, width: int, op: Optional[Callable[[], Awaitable[int]]] = None
    ) -> int:
        call = op or self.chat
        left = [total]
        done: List[int] = []

        async def worker() -> None:
            while left[0] > 0:
                left[0] -= 1
                done.append(await call())

        await asyncio.gather(*(worker() for _ in range(width)))
        return sum(done)

    async def _streams(self, width: int, each: int) -> int:
        counts = await asyncio.gather(*(self.stream(each) for _ in range(width)))
        return sum(counts)

    def _run(self, coro: Awaitable[T]) -> T:
        return self.loop.run_until_complete(coro)  # type: ignore[arg-type,unused-ignore]

    def warmup(self) -> None:
        s = self.s
        if self.case == "streams_memory":
            # A pool wide enough for every stream at once; warmed with a few, so that the
            # peak of the round is what the concurrent streams themselves hold.
            self.client = self._run(self.wide())
            self._run(self._streams(10, 50))
        elif self.case == "stream_async":
            self._run(self.stream(WARMUP_STREAM))
        elif self.case == "streams_async":
            self._run(self._streams(s.streams, 50))
        elif self.case == "embeddings_async":
            self._run(self._concurrent(s.embed_concurrency, s.embed_concurrency, self.embed))
        else:
            width = CONCURRENCY[self.case]
            self._run(self._concurrent(width, width))

    def prepare_round(self) -> None:
        # Every concurrent round starts with a new client (built untimed) and an empty pool.
        # httpcore closes a connection left idle for 5 s, so a reused pool would start each
        # round with however many connections survived the time the other clients took; its
        # CPU per request depends on that count (each pool event scans every connection, and
        # queued requests race for the same idle one: encode/httpcore#822), which would make
        # the result depend on the order of the clients, not on the client.
        if self.case in CONCURRENCY:
            self._run(self.reopen())

    async def reopen(self) -> int:
        raise NotImplementedError

    async def wide(self) -> Any:
        """A new client whose pool holds ``WIDE`` connections (the old one closed)."""
        raise NotImplementedError

    def pool(self) -> Any:
        raise NotImplementedError

    def info(self) -> Dict[str, Any]:
        if self.case not in CONCURRENCY:
            return {}
        try:
            return {"connections": len(self.pool().connections)}
        except AttributeError:  # httpx internals moved: the count is a diagnostic only
            return {}

    def run_round(self) -> int:
        s = self.s
        if self.case == "stream_async":
            return self._run(self.stream(s.chunks))
        if self.case in ("streams_async", "streams_memory"):
            return self._run(self._streams(s.streams, s.stream_chunks_each))
        if self.case == "embeddings_async":
            return self._run(
                self._concurrent(s.embed_async_requests, s.embed_concurrency, self.embed)
            )
        width = CONCURRENCY[self.case]
        # At 1,024 tasks every task sends one request (httpcore's pool is too slow for more
        # in a run of reasonable length); below, async_requests shared by the tasks.
        total = width if width >= 1024 else max(s.async_requests, 2 * width)
        return self._run(self._concurrent(total, width))

    def close(self) -> None:
        self.loop.run_until_complete(self.aclose())
        # A stream left at [DONE] leaves httpx's byte iterator suspended; finalize it here.
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()


class FloorAsync(AsyncRunner):
    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        import httpx

        self.httpx = httpx
        self.client = self._new()
        self.headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    async def chat(self) -> int:
        r = await self.client.post(
            self.url + "/v1/chat/completions",
            content=json.dumps(_chat_body()).encode(),
            headers=self.headers,
        )
        _check(r.status_code == 200, f"chat status {r.status_code}")
        data = json.loads(r.content)
        _check(bool(data["choices"][0]["message"]["content"]), "chat content")
        return 1

    async def stream(self, n: int) -> int:
        chunks = chars = 0
        headers = {**self.headers, "Accept": "text/event-stream", "X-Bench-Chunks": str(n)}
        body = json.dumps(_chat_body(stream=True)).encode()
        url = self.url + "/v1/chat/completions"
        async with self.client.stream("POST", url, content=body, headers=headers) as r:
            _check(r.status_code == 200, f"stream status {r.status_code}")
            async for line in r.aiter_lines():
                if line.startswith("data:"):
                    data = line[5:].lstrip()
                    if data == "[DONE]":
                        break
                    chunk = json.loads(data)
                    chunks += 1
                    choices = chunk["choices"]
                    if choices:
                        chars += len(choices[0]["delta"].get("content") or "")
        _check(chunks == n and chars > 0, f"floor stream got {chunks} of {n} chunks")
        return chunks

    async def embed(self) -> int:
        body = {"model": EMBED_MODEL, "input": TEXTS}
        r = await self.client.post(
            self.url + "/v1/embeddings", content=json.dumps(body).encode(), headers=self.headers
        )
        _check(r.status_code == 200, f"embeddings status {r.status_code}")
        data = json.loads(r.content)["data"]
        _check(len(data) == EMBED_COUNT and len(data[-1]["embedding"]) == EMBED_DIMS, "vectors")
        return 1

    def _new(self) -> Any:
        # As many keep-alive connections as meshapi keeps (httpx's default of 20 would make
        # the floor reconnect under concurrency 64 and look slower than it is).
        limits = self.httpx.Limits(max_connections=200, max_keepalive_connections=100)
        return self.httpx.AsyncClient(timeout=POOL_WAIT, limits=limits)

    async def reopen(self) -> int:
        await self.client.aclose()
        self.client = self._new()
        return 0

    async def wide(self) -> Any:
        await self.client.aclose()
        limits = self.httpx.Limits(max_connections=WIDE, max_keepalive_connections=WIDE)
        return self.httpx.AsyncClient(timeout=60.0, limits=limits)

    def pool(self) -> Any:
        return getattr(self.client._transport, "_pool")  # noqa: B009 (private)

    async def aclose(self) -> None:
        await self.client.aclose()


class MeshAsync(AsyncRunner):
    backend = "httpx"

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        import meshapi

        self.m = meshapi
        self.client = self._new()

    def _new(self) -> Any:
        return self.m.AsyncMeshAPI(
            base_url=self.url, token=TOKEN, http_backend=self.backend, timeout=POOL_WAIT
        )

    def _params(self) -> Any:
        m = self.m
        return m.ChatCompletionParams(
            model=MODEL,
            messages=[
                m.ChatMessage(role="system", content=SYSTEM),
                m.ChatMessage(role="user", content=PROMPT),
            ],
            max_tokens=256,
        )

    async def chat(self) -> int:
        reply = await self.client.chat.completions.create(self._params())
        _check(bool(reply.choices[0].message.content), "chat content")
        return 1

    async def stream(self, n: int) -> int:
        chunks = chars = 0
        headers = {"X-Bench-Chunks": str(n)}
        async with self.client.chat.completions.stream(
            self._params(), extra_headers=headers
        ) as stream:
            async for chunk in stream:
                chunks += 1
                if chunk.choices:
                    chars += len(chunk.choices[0].delta.content or "")
        _check(chunks == n and chars > 0, f"meshapi stream got {chunks} of {n} chunks")
        return chunks

    async def embed(self) -> int:
        reply = await self.client.embeddings.create(
            self.m.EmbeddingsParams(model=EMBED_MODEL, input=TEXTS)
        )
        data = reply.data
        _check(len(data) == EMBED_COUNT and len(data[-1].vector()) == EMBED_DIMS, "vectors")
        return 1

    async def reopen(self) -> int:
        await self.client.close()
        self.client = self._new()
        return 0

    async def wide(self) -> Any:
        import httpx

        await self.client.close()
        limits = httpx.Limits(max_connections=WIDE, max_keepalive_connections=WIDE)
        if self.backend == "aiohttp":
            from meshapi.aiohttp import AiohttpTransport

            http = httpx.AsyncClient(timeout=60.0, transport=AiohttpTransport(limits=limits))
        else:
            http = httpx.AsyncClient(timeout=60.0, limits=limits)
        return self.m.AsyncMeshAPI(base_url=self.url, token=TOKEN, async_httpx_client=http)

    def pool(self) -> Any:
        return getattr(self.client._http.client._transport, "_pool")  # noqa: B009 (private)

    async def aclose(self) -> None:
        await self.client.close()


class MeshAioAsync(MeshAsync):
    """meshapi on its aiohttp backend: ``AsyncMeshAPI(..., http_backend="aiohttp")``."""

    backend = "aiohttp"


class OpenAIAsync(AsyncRunner):
    aiohttp = False

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        import openai

        self.openai = openai
        self.client = self._new()

    def _new(self) -> Any:
        if self.aiohttp:
            # openai-python's own aiohttp backend (needs `openai[aiohttp]`).
            http = self.openai.DefaultAioHttpClient()
            return self.openai.AsyncOpenAI(
                base_url=self.url + "/v1", api_key="x", http_client=http, timeout=POOL_WAIT
            )
        return self.openai.AsyncOpenAI(base_url=self.url + "/v1", api_key="x", timeout=POOL_WAIT)

    async def reopen(self) -> int:
        await self.client.close()
        self.client = self._new()
        return 0

    def pool(self) -> Any:
        return getattr(self.client._client._transport, "_pool")  # noqa: B009 (private)

    async def embed(self) -> int:
        reply = await self.client.embeddings.create(
            model=EMBED_MODEL, input=TEXTS, encoding_format="float"
        )
        data = reply.data
        _check(len(data) == EMBED_COUNT and len(data[-1].embedding) == EMBED_DIMS, "vectors")
        return 1

    async def chat(self) -> int:
        reply = await self.client.chat.completions.create(
            model=MODEL,
            messages=[
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": PROMPT},
            ],
            max_tokens=256,
        )
        _check(bool(reply.choices[0].message.content), "chat content")
        return 1

    async def stream(self, n: int) -> int:
        chunks = chars = 0
        stream = await self.client.chat.completions.create(
            model=MODEL,
            messages=[
                {"role": "system", "content": SYSTEM},
                {"role": "user", "content": PROMPT},
            ],
            max_tokens=256,
            stream=True,
            extra_headers={"X-Bench-Chunks": str(n)},
        )
        async with stream:
            async for chunk in stream:
                chunks += 1
                if chunk.choices:
                    chars += len(chunk.choices[0].delta.content or "")
        _check(chunks == n and chars > 0, f"openai stream got {chunks} of {n} chunks")
        return chunks

    async def aclose(self) -> None:
        await self.client.close()


class OpenAIAioAsync(OpenAIAsync):
    """openai-python on its aiohttp backend: ``AsyncOpenAI(http_client=DefaultAioHttpClient())``."""

    aiohttp = True


# ---------------------------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------------------------

RunnerClass = Callable[[Settings], Runner]

ASYNC_CLIENTS: Dict[str, RunnerClass] = {
    "floor": FloorAsync,
    "meshapi": MeshAsync,
    "meshapi-aiohttp": MeshAioAsync,
    "openai": OpenAIAsync,
    "openai-aiohttp": OpenAIAioAsync,
}

# case -> (unit, scale from seconds per op to the unit, {client: runner class})
CASES: Dict[str, Tuple[str, float, Dict[str, RunnerClass]]] = {
    "chat_sync": (
        "µs/request",
        1e6,
        {"floor": FloorSync, "meshapi": MeshSync, "openai": OpenAISync},
    ),
    "stream_sync": (
        "µs/chunk",
        1e6,
        {"floor": FloorSync, "meshapi": MeshSync, "openai": OpenAISync},
    ),
    "stream_async": ("µs/chunk", 1e6, ASYNC_CLIENTS),
    "streams_async": ("µs/chunk", 1e6, ASYNC_CLIENTS),
    "chat_async": ("µs/request", 1e6, ASYNC_CLIENTS),
    "chat_async_256": ("µs/request", 1e6, ASYNC_CLIENTS),
    "chat_async_1024": ("µs/request", 1e6, ASYNC_CLIENTS),
    "embeddings_async": ("ms/request", 1e3, ASYNC_CLIENTS),
    # Not in the CPU table: run by the `memory` step with 1,000 concurrent streams.
    "streams_memory": (
        "µs/chunk",
        1e6,
        {c: ASYNC_CLIENTS[c] for c in ("floor", "meshapi", "meshapi-aiohttp")},
    ),
    "embeddings": (
        "ms/request",
        1e3,
        {"floor": FloorSync, "meshapi": MeshSync, "openai": OpenAISync},
    ),
    "models": ("ms/list", 1e3, {"floor": FloorSync, "meshapi": MeshSync}),
}


def make_runner(case: str, client: str, settings: Settings) -> Runner:
    """Build the runner of ``client`` for ``case`` (the stream-memory case reuses stream_sync)."""
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}; known: {', '.join(CASES)}")
    classes = CASES[case][2]
    if client not in classes:
        raise ValueError(f"case {case!r} has no client {client!r}; known: {', '.join(classes)}")
    runner: Runner = classes[client](settings)
    runner.case = case
    return runner
