"""Realtime sessions end to end: the SDK (sync and async) against the local gateway, real sockets.

Every SDK test body runs twice (ids ``sync`` / ``async``) through :class:`Side`, which calls the
sync session directly (the gateway runs on its own thread, so blocking is fine) or awaits the
async one. Edge cases a correct gateway never produces (a dropped TCP connection, a server that
accepts the upgrade and then refuses the session) come from a bare websockets server.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import math
import socket
import struct
import threading
import traceback
from typing import Any, AsyncIterator, Callable, Dict, Iterator, List, Optional, Tuple
from urllib.parse import parse_qs, urlsplit

import pytest
from websockets.sync.server import ServerConnection, serve

from meshapi import (
    APIConnectionError,
    AsyncMeshAPI,
    AuthenticationError,
    BadRequestError,
    MeshAPI,
    MeshAPIError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
)
from meshapi._errors import APITimeoutError
from meshapi.resources.realtime import AsyncRealtimeSession, RealtimeError, RealtimeMessage
from meshapi.testing import LocalGateway

MODEL = "openai/gpt-realtime-mini"
RATE = 24_000
WAIT = 10.0  # generous upper bound for one event; a healthy gateway answers in milliseconds


def tone(seconds: float, hz: float = 440.0, amplitude: float = 0.3) -> bytes:
    """PCM16 little-endian mono 24 kHz sine wave."""
    n = int(RATE * seconds)
    return struct.pack(
        f"<{n}h",
        *(int(amplitude * 32767 * math.sin(2 * math.pi * hz * i / RATE)) for i in range(n)),
    )


def silence(seconds: float) -> bytes:
    return bytes(int(RATE * seconds) * 2)


def everything_about(exc: BaseException) -> str:
    return "\n".join(
        [
            str(exc),
            repr(exc),
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        ]
    )


# -- sync/async adapter ---------------------------------------------------------------------------


class Session:
    """One test-facing API over a ``RealtimeSession`` or an ``AsyncRealtimeSession``."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.is_async = isinstance(raw, AsyncRealtimeSession)

    async def _call(self, value: Any) -> Any:
        return await value if self.is_async else value

    async def send(self, event: Dict[str, Any]) -> None:
        await self._call(self.raw.send(event))

    async def send_audio(self, pcm: bytes) -> None:
        await self._call(self.raw.send_audio(pcm))

    async def receive(self, timeout: Optional[float] = WAIT) -> RealtimeMessage:
        message: RealtimeMessage = await self._call(self.raw.receive(timeout=timeout))
        return message

    async def until(self, kind: str) -> List[RealtimeMessage]:
        """Every message up to and including the first one of type ``kind``."""
        seen = []
        while True:
            message = await self.receive()
            seen.append(message)
            if message.type == kind:
                return seen

    async def iterate(self, stop_at: Optional[str] = None) -> List[RealtimeMessage]:
        """Messages from ``for``/``async for``, until ``stop_at`` or the end of iteration."""
        seen: List[RealtimeMessage] = []
        if self.is_async:
            async for message in self.raw:
                seen.append(message)
                if message.type == stop_at:
                    break
        else:
            for message in self.raw:
                seen.append(message)
                if message.type == stop_at:
                    break
        return seen

    async def close(self) -> None:
        await self._call(self.raw.close())


class Side:
    """Opens sessions with the sync or the async client."""

    def __init__(self, mode: str, base_url: str, api_key: str) -> None:
        self.mode = mode
        self.base_url = base_url
        self.api_key = api_key
        self._sync_clients: List[MeshAPI] = []
        self._async_clients: List[AsyncMeshAPI] = []

    def client(self, **kwargs: Any) -> Any:
        options = {"base_url": self.base_url, "token": self.api_key, **kwargs}
        if self.mode == "sync":
            client = MeshAPI(**options)
            self._sync_clients.append(client)
            return client
        aclient = AsyncMeshAPI(**options)
        self._async_clients.append(aclient)
        return aclient

    async def connect(self, model: str = MODEL, **kwargs: Any) -> Session:
        pending = self.client(**kwargs).realtime.connect(model=model)
        return Session(await pending if self.mode == "async" else pending)

    @contextlib.asynccontextmanager
    async def opened(self, model: str = MODEL) -> AsyncIterator[Session]:
        """The context-manager forms: ``with connect()`` / ``async with connect()``."""
        if self.mode == "sync":
            with self.client().realtime.connect(model=model) as raw:
                yield Session(raw)
        else:
            async with self.client().realtime.connect(model=model) as araw:
                yield Session(araw)

    async def close(self) -> None:
        for client in self._sync_clients:
            client.close()
        for aclient in self._async_clients:
            await aclient.close()


@pytest.fixture
def gateway(gw: LocalGateway) -> LocalGateway:
    """The session's shared gateway (``gw`` of tests/integration/conftest.py)."""
    return gw


@pytest.fixture
def quick_idle_gateway() -> Iterator[LocalGateway]:
    # Short, but long enough for a client on a loaded machine to send its first event in time.
    with LocalGateway(realtime_idle_timeout=0.6) as gw:
        yield gw


def make_side(request: pytest.FixtureRequest, gw: LocalGateway) -> Side:
    return Side(request.param, gw.base_url, gw.api_key)


@pytest.fixture(params=["sync", "async"])
async def side(request: pytest.FixtureRequest, gateway: LocalGateway) -> AsyncIterator[Side]:
    chosen = make_side(request, gateway)
    yield chosen
    await chosen.close()


@pytest.fixture(params=["sync", "async"])
async def quick_idle_side(
    request: pytest.FixtureRequest, quick_idle_gateway: LocalGateway
) -> AsyncIterator[Side]:
    chosen = make_side(request, quick_idle_gateway)
    yield chosen
    await chosen.close()


# -- connect / close ------------------------------------------------------------------------------


async def test_connect_delivers_session_created_first_and_close_ends_the_session(
    side: Side,
) -> None:
    session = await side.connect()
    first = await session.receive()
    assert first.type == "session.created"
    assert first.event is not None and first.event["event_id"].startswith("event_")
    config = first.event["session"]
    assert config["model"] == MODEL and config["id"].startswith("sess_")
    assert config["audio"]["input"]["format"] == {"type": "audio/pcm", "rate": 24000}
    assert config["audio"]["output"]["format"] == {"type": "audio/pcm", "rate": 24000}
    assert config["input_audio_format"] == config["output_audio_format"] == "pcm16"
    assert {"instructions", "voice", "output_modalities", "modalities"} <= set(config)
    assert session.raw.session_id == config["id"] and session.raw.model == MODEL
    assert "api_key=***" in repr(session.raw) and side.api_key not in repr(session.raw)

    await session.close()
    await session.close()  # a second close is harmless
    with pytest.raises(MeshAPIError) as info:
        await session.receive()
    assert info.value.error_code == "connection_closed"
    assert await session.iterate() == []
    with pytest.raises(MeshAPIError, match="closed"):
        await session.send({"type": "response.create"})


async def test_context_manager_closes_the_session_on_exit(side: Side) -> None:
    async with side.opened() as session:
        assert (await session.receive()).type == "session.created"
    with pytest.raises(MeshAPIError) as info:
        await session.receive()
    assert info.value.error_code == "connection_closed"


# -- session.update -------------------------------------------------------------------------------


async def test_session_update_is_acknowledged_and_merged(side: Side) -> None:
    session = await side.connect()
    await session.until("session.created")
    await session.send(
        {
            "type": "session.update",
            "session": {"instructions": "Be brief.", "output_modalities": ["text"]},
        }
    )
    first = (await session.until("session.updated"))[-1].event
    assert first is not None
    assert first["session"]["instructions"] == "Be brief."
    assert first["session"]["output_modalities"] == ["text"]
    assert first["session"]["audio"]["input"]["turn_detection"]["type"] == "server_vad"

    await session.send(
        {"type": "session.update", "session": {"audio": {"output": {"voice": "verse"}}}}
    )
    second = (await session.until("session.updated"))[-1].event
    assert second is not None
    assert second["session"]["instructions"] == "Be brief."  # kept from the first update
    assert second["session"]["voice"] == second["session"]["audio"]["output"]["voice"] == "verse"
    await session.close()


async def test_bad_session_update_raises_realtime_error_and_changes_nothing(side: Side) -> None:
    session = await side.connect()
    await session.until("session.created")
    await session.send(
        {
            "type": "session.update",
            "event_id": "evt_7",
            "session": {"instructions": "x", "bogus": 1},
        }
    )
    with pytest.raises(RealtimeError) as info:
        await session.receive()
    err = info.value
    assert (err.code, err.param, err.event_id) == ("unknown_parameter", "session.bogus", "evt_7")
    assert err.request_id is not None and err.request_id.startswith("req_")
    assert err.event is not None and err.event["type"] == "error"

    await session.send({"type": "session.update", "session": {"voice": "ash"}})
    updated = (await session.until("session.updated"))[-1].event
    assert (
        updated is not None and updated["session"]["instructions"] == ""
    )  # the bad update did not apply
    await session.close()


# -- audio round trip -----------------------------------------------------------------------------

AUDIO_SEQUENCE = [
    "response.created",
    "response.output_item.added",
    "conversation.item.added",
    "response.content_part.added",
    "response.output_audio.done",
    "response.output_audio_transcript.done",
    "response.content_part.done",
    "response.output_item.done",
    "conversation.item.done",
    "response.done",
]


async def test_audio_in_audio_out_round_trip(side: Side) -> None:
    session = await side.connect()
    await session.until("session.created")
    await session.send(
        {
            "type": "session.update",
            "session": {"instructions": "You are a helpful assistant.", "turn_detection": None},
        }
    )
    await session.until("session.updated")
    speech = tone(1.2)
    for start in range(0, len(speech), 9600):  # 200 ms chunks, as a microphone would deliver them
        await session.send_audio(speech[start : start + 9600])
    await session.send({"type": "input_audio_buffer.commit"})
    committed = await session.until("input_audio_buffer.committed")
    assert committed[-1].event is not None and committed[-1].event["item_id"].startswith("item_")
    await session.send({"type": "response.create"})
    messages = await session.until("response.done")

    kinds = [m.type for m in messages]
    kinds = kinds[kinds.index("response.created") :]
    assert [k for k in kinds if k is not None and not k.endswith(".delta")] == AUDIO_SEQUENCE
    first_delta, last_delta = (
        kinds.index("response.output_audio.delta"),
        len(kinds) - 1 - kinds[::-1].index("response.output_audio.delta"),
    )
    assert kinds.index("response.content_part.added") < first_delta
    assert last_delta < kinds.index("response.output_audio.done")
    assert all(m.event is not None and m.event["event_id"] for m in messages)
    audio_chunks = [m.audio for m in messages if m.type == "response.output_audio.delta"]
    assert audio_chunks and all(chunk for chunk in audio_chunks)
    audio = b"".join(chunk for chunk in audio_chunks if chunk)
    assert len(audio) > 0 and len(audio) % 2 == 0
    samples = struct.unpack(f"<{len(audio) // 2}h", audio)
    assert max(abs(s) for s in samples) > 1000  # a real waveform, not silence

    transcript = "".join(
        m.event["delta"]
        for m in messages
        if m.event is not None and m.type == "response.output_audio_transcript.delta"
    )
    done = messages[-1].event
    assert done is not None
    assert transcript == done["response"]["output"][0]["content"][0]["transcript"]
    assert transcript.startswith("I heard 1.2 seconds of audio.")
    assert "You are a helpful assistant." in transcript
    usage = done["response"]["usage"]
    assert usage["input_token_details"]["audio_tokens"] == 12
    assert usage["output_token_details"]["audio_tokens"] > 0
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    await session.close()


async def test_server_vad_commits_and_answers_after_trailing_silence(side: Side) -> None:
    session = await side.connect()
    await session.send_audio(tone(0.8) + silence(0.7))
    messages = await session.iterate(stop_at="response.done")
    kinds = [m.type for m in messages]
    for kind in (
        "session.created",
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed",
        "response.done",
    ):
        assert kind in kinds
    stopped = next(m.event for m in messages if m.type == "input_audio_buffer.speech_stopped")
    assert stopped is not None and stopped["audio_end_ms"] == 800
    done = messages[-1].event
    assert done is not None
    assert (
        done["response"]["output"][0]["content"][0]["transcript"] == "I heard 0.8 seconds of audio."
    )
    await session.close()


async def test_text_in_text_out_and_both_modalities(side: Side) -> None:
    session = await side.connect()
    await session.send(
        {
            "type": "conversation.item.create",
            "item": {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "Hi there"}],
            },
        }
    )
    await session.until("conversation.item.done")
    await session.send({"type": "response.create", "response": {"output_modalities": ["text"]}})
    messages = await session.until("response.done")
    assert not any(m.audio for m in messages)
    text = "".join(
        m.event["delta"]
        for m in messages
        if m.event is not None and m.type == "response.output_text.delta"
    )
    assert text == 'You said: "Hi there".'
    assert any(m.type == "response.output_text.done" for m in messages)

    await session.send(
        {
            "type": "conversation.item.create",
            "item": {
                "type": "message",
                "role": "user",
                "content": [{"type": "input_text", "text": "Again"}],
            },
        }
    )
    await session.send(
        {"type": "response.create", "response": {"output_modalities": ["text", "audio"]}}
    )
    messages = await session.until("response.done")
    done = messages[-1].event
    assert done is not None
    parts = done["response"]["output"][0]["content"]
    assert [p["type"] for p in parts] == ["output_text", "output_audio"]
    assert parts[0]["text"] == parts[1]["transcript"] == 'You said: "Again".'
    assert any(m.audio for m in messages)
    await session.close()


async def test_same_input_gives_the_same_answer_and_audio(side: Side) -> None:
    async def answer() -> Tuple[str, bytes]:
        session = await side.connect()
        await session.send({"type": "session.update", "session": {"turn_detection": None}})
        await session.send_audio(tone(0.5))
        await session.send({"type": "input_audio_buffer.commit"})
        await session.send({"type": "response.create"})
        messages = await session.until("response.done")
        await session.close()
        done = messages[-1].event
        assert done is not None
        return (
            done["response"]["output"][0]["content"][0]["transcript"],
            b"".join(m.audio for m in messages if m.audio),
        )

    assert await answer() == await answer()


async def test_commit_of_too_little_audio_and_clear(side: Side) -> None:
    session = await side.connect()
    await session.until("session.created")
    await session.send({"type": "input_audio_buffer.commit"})
    with pytest.raises(RealtimeError) as info:
        await session.receive()
    assert info.value.code == "input_audio_buffer_commit_empty"
    await session.send({"type": "session.update", "session": {"turn_detection": None}})
    await session.send_audio(tone(0.3))
    await session.send({"type": "input_audio_buffer.clear"})
    await session.until("input_audio_buffer.cleared")
    await session.send({"type": "input_audio_buffer.commit"})
    with pytest.raises(RealtimeError, match=r"buffer only has 0\.00ms"):
        await session.receive()
    await session.close()


async def test_invalid_base64_audio_is_an_error_event(side: Side) -> None:
    session = await side.connect()
    await session.until("session.created")
    await session.send({"type": "input_audio_buffer.append", "audio": "not base64!"})
    with pytest.raises(RealtimeError) as info:
        await session.receive()
    assert (info.value.code, info.value.param) == ("invalid_value", "audio")
    await session.close()


async def test_conversation_items_can_be_retrieved_and_deleted(side: Side) -> None:
    session = await side.connect()
    item = {
        "id": "item_mine",
        "type": "message",
        "role": "user",
        "content": [{"type": "input_text", "text": "Q"}],
    }
    await session.send({"type": "conversation.item.create", "item": item})
    await session.send({"type": "conversation.item.retrieve", "item_id": "item_mine"})
    retrieved = (await session.until("conversation.item.retrieved"))[-1].event
    assert retrieved is not None and retrieved["item"]["content"] == [
        {"type": "input_text", "text": "Q"}
    ]
    await session.send({"type": "conversation.item.delete", "item_id": "item_mine"})
    deleted = (await session.until("conversation.item.deleted"))[-1].event
    assert deleted is not None and deleted["item_id"] == "item_mine"
    await session.send({"type": "conversation.item.retrieve", "item_id": "item_mine"})
    with pytest.raises(RealtimeError) as info:
        await session.receive()
    assert info.value.code == "item_not_found"
    await session.close()


# -- errors during a session ----------------------------------------------------------------------


async def test_unknown_event_type_raises_realtime_error_from_receive_and_iteration(
    side: Side,
) -> None:
    session = await side.connect()
    await session.until("session.created")
    await session.send({"type": "no.such.event", "event_id": "evt_1"})
    with pytest.raises(RealtimeError) as info:
        await session.receive()
    assert (info.value.code, info.value.param, info.value.event_id) == (
        "invalid_value",
        "type",
        "evt_1",
    )

    await session.send({"type": "no.such.event"})
    with pytest.raises(RealtimeError):
        await session.iterate()
    # The session is still open: iterating again picks up where the error left off.
    await session.send({"type": "session.update", "session": {"instructions": "still here"}})
    assert (await session.iterate(stop_at="session.updated"))[-1].type == "session.updated"
    await session.close()


async def test_receive_timeout_raises_and_leaves_the_session_usable(side: Side) -> None:
    session = await side.connect()
    await session.until("session.created")
    with pytest.raises(APITimeoutError):
        await session.receive(timeout=0.2)
    await session.send({"type": "session.update", "session": {"instructions": "ok"}})
    assert (await session.receive()).type == "session.updated"
    with pytest.raises(ValueError, match="timeout"):
        await session.receive(timeout=0)
    await session.close()


async def test_idle_timeout_raises_realtime_error_then_iteration_ends(
    quick_idle_side: Side,
) -> None:
    session = await quick_idle_side.connect()
    assert (await session.receive()).type == "session.created"
    with pytest.raises(RealtimeError) as info:
        await session.iterate()
    assert info.value.code == "idle_timeout"
    assert await session.iterate() == []  # the server then closed normally
    with pytest.raises(MeshAPIError) as closed:
        await session.receive()
    assert closed.value.error_code == "connection_closed"


# -- handshake failures ---------------------------------------------------------------------------


async def test_bad_key_raises_authentication_error(side: Side) -> None:
    side.api_key = "rsk_wrong_0123456789abcdef"
    with pytest.raises(AuthenticationError) as info:
        await side.connect()
    err = info.value
    assert (err.status, err.error_code) == (401, "invalid_api_key")
    assert err.request_id is not None and err.request_id.startswith("req_")
    assert side.api_key not in everything_about(err)


@pytest.mark.parametrize(
    ("model", "cls", "status", "code"),
    [
        ("openai/no-such-model", NotFoundError, 404, "model_not_found"),
        ("openai/gpt-4o-mini", BadRequestError, 400, "invalid_request"),
    ],
    ids=["unknown", "not-realtime"],
)
async def test_bad_model_raises_the_status_error(
    side: Side, model: str, cls: type, status: int, code: str
) -> None:
    with pytest.raises(cls) as info:
        await side.connect(model=model)
    assert (info.value.status, info.value.error_code) == (status, code)
    assert side.api_key not in everything_about(info.value)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_no_balance_is_payment_required_at_connect(mode: str) -> None:
    with LocalGateway(balance_usd=0.0) as gw:
        chosen = Side(mode, gw.base_url, gw.api_key)
        with pytest.raises(PaymentRequiredError) as info:
            await chosen.connect()
        await chosen.close()
    assert (info.value.status, info.value.error_code) == (402, "insufficient_quota")


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_rate_limited_connect_raises_rate_limit_error(mode: str) -> None:
    with LocalGateway(rpm=1) as gw:
        chosen = Side(mode, gw.base_url, gw.api_key)
        session = await chosen.connect()
        with pytest.raises(RateLimitError) as info:
            await chosen.connect()
        await session.close()
        await chosen.close()
    assert info.value.status == 429 and info.value.retry_after_seconds is not None


async def test_connection_refused_raises_api_connection_error(side: Side) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    side.base_url = f"http://127.0.0.1:{port}"
    with pytest.raises(APIConnectionError) as info:
        await side.connect()
    assert "api_key=***" in str(info.value)
    assert side.api_key not in everything_about(info.value)


# -- a bare websockets server for what the gateway never does -------------------------------------


class BareServer:
    """A websockets server on 127.0.0.1 running ``handler`` for each connection."""

    def __init__(self, handler: Callable[[ServerConnection], None]) -> None:
        self.requests: List[Any] = []

        def wrapped(connection: ServerConnection) -> None:
            self.requests.append(connection.request)
            handler(connection)

        self.server = serve(wrapped, "127.0.0.1", 0, subprotocols=["openai-realtime"])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> BareServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.thread.join(WAIT)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.socket.getsockname()[1]}"


def created() -> str:
    return json.dumps(
        {"type": "session.created", "event_id": "event_1", "session": {"id": "sess_1"}}
    )


def drop(connection: ServerConnection) -> None:
    connection.send(created())
    connection.socket.shutdown(socket.SHUT_RDWR)  # no close frame


def refuse_in_band(connection: ServerConnection) -> None:
    connection.send(
        json.dumps(
            {
                "type": "error",
                "event_id": "event_1",
                "error": {
                    "type": "invalid_request_error",
                    "code": "invalid_api_key",
                    "message": "Invalid API key.",
                },
                "request_id": "req_inband",
            }
        )
    )
    connection.close(1008, "invalid_api_key")


def close_with_error_code(connection: ServerConnection) -> None:
    connection.send(created())
    connection.close(1011, "upstream went away")


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_dropped_connection_raises_connection_lost(mode: str) -> None:
    with BareServer(drop) as server:
        chosen = Side(mode, server.base_url, "rsk_bare_0123456789abcdef")
        session = await chosen.connect()
        assert (await session.receive()).type == "session.created"
        with pytest.raises(APIConnectionError) as info:
            await session.iterate()
        await session.close()
        await chosen.close()
    assert info.value.error_code == "connection_lost"
    assert "no close frame" in str(info.value)
    assert chosen.api_key not in everything_about(info.value)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_close_with_error_code_raises_connection_lost(mode: str) -> None:
    with BareServer(close_with_error_code) as server:
        chosen = Side(mode, server.base_url, "rsk_bare_0123456789abcdef")
        session = await chosen.connect()
        with pytest.raises(APIConnectionError) as info:
            await session.iterate()
        await chosen.close()
    assert info.value.error_code == "connection_lost"
    assert "1011" in str(info.value) and "upstream went away" in str(info.value)


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_session_refused_after_upgrade_maps_like_a_refused_handshake(mode: str) -> None:
    with BareServer(refuse_in_band) as server:
        chosen = Side(mode, server.base_url, "rsk_bare_0123456789abcdef")
        with pytest.raises(AuthenticationError) as info:
            await chosen.connect()
        await chosen.close()
    assert (info.value.status, info.value.error_code, info.value.request_id) == (
        401,
        "invalid_api_key",
        "req_inband",
    )


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_handshake_sends_sdk_header_subprotocol_and_key_only_in_query(mode: str) -> None:
    with BareServer(lambda c: c.send(created())) as server:
        chosen = Side(mode, server.base_url, "rsk_bare_0123456789abcdef")
        session = await chosen.connect(model="openai/gpt-realtime")
        await session.close()
        await chosen.close()
    request = server.requests[0]
    assert request.headers["X-MeshAPI-SDK"].startswith("python/")
    assert request.headers["Sec-WebSocket-Protocol"] == "openai-realtime"
    assert "Authorization" not in request.headers
    parts = urlsplit(request.path)
    assert parts.path == "/v1/realtime"
    assert parse_qs(parts.query) == {"model": ["openai/gpt-realtime"], "api_key": [chosen.api_key]}


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_the_clients_default_headers_go_on_the_handshake_too(mode: str) -> None:
    with BareServer(lambda c: c.send(created())) as server:
        chosen = Side(mode, server.base_url, "rsk_bare_0123456789abcdef")
        headers = {"X-Team": "blue", "Authorization": "Bearer other", "Accept": "text/plain"}
        session = await chosen.connect(default_headers=headers)
        await session.close()
        await chosen.close()
    request = server.requests[0]
    assert request.headers["X-Team"] == "blue"
    # The key travels in the URL only; REST-only headers stay off the upgrade request.
    assert "Authorization" not in request.headers and "Accept" not in request.headers


class PlainHttpServer:
    """Answers every request on 127.0.0.1 with one fixed HTTP response, then closes."""

    def __init__(self, response: bytes) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.sock.settimeout(WAIT)
        self.response = response
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                conn, _ = self.sock.accept()
                with conn:
                    conn.settimeout(WAIT)
                    data = b""
                    while b"\r\n\r\n" not in data:
                        more = conn.recv(4096)
                        if not more:
                            break
                        data += more
                    conn.sendall(self.response)

    def __enter__(self) -> PlainHttpServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self.sock.close()
        self.thread.join(WAIT)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_a_plain_http_answer_says_the_server_did_not_upgrade(mode: str) -> None:
    page = b"<html><title>Welcome</title></html>"
    answer = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
        b"Content-Length: " + str(len(page)).encode() + b"\r\n\r\n" + page
    )
    with PlainHttpServer(answer) as server:
        chosen = Side(mode, server.base_url, "rsk_bare_0123456789abcdef")
        with pytest.raises(MeshAPIError) as info:
            await chosen.connect()
        await chosen.close()
    err = info.value
    assert "the server did not upgrade to a WebSocket (HTTP 200)" in str(err)
    assert (err.status, err.error_code) == (200, "websocket_upgrade_refused")
    assert "http_200" not in str(err)
    assert chosen.api_key not in everything_about(err)


class GatewayWithoutDenials:
    """The real gateway app behind an ASGI server that cannot refuse an upgrade with an HTTP
    response (no ``websocket.http.response`` extension), so it takes its fallback path."""

    def __init__(self) -> None:
        import uvicorn

        from meshapi.testing import Gateway, GatewayConfig
        from meshapi.testing._app import create_app

        self.gateway = Gateway(GatewayConfig())
        app = create_app(self.gateway)

        async def without_denials(scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "websocket":
                extensions = dict(scope.get("extensions") or {})
                extensions.pop("websocket.http.response", None)
                scope = {**scope, "extensions": extensions}
            await app(scope, receive, send)

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.server = uvicorn.Server(
            uvicorn.Config(without_denials, log_level="warning", lifespan="on")
        )
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )

    def __enter__(self) -> GatewayWithoutDenials:
        self.thread.start()
        while not self.server.started and self.thread.is_alive():
            self.thread.join(0.01)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(WAIT)
        self.sock.close()
        self.gateway.close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}"


@pytest.mark.parametrize("mode", ["sync", "async"])
async def test_gateway_fallback_refusal_after_upgrade_maps_to_the_same_errors(mode: str) -> None:
    with GatewayWithoutDenials() as server:
        wrong_key = Side(mode, server.base_url, "rsk_wrong_0123456789abcdef")
        with pytest.raises(AuthenticationError) as bad_key:
            await wrong_key.connect()
        right_key = Side(mode, server.base_url, server.gateway.api_key)
        with pytest.raises(NotFoundError) as bad_model:
            await right_key.connect(model="openai/no-such-model")
        session = await right_key.connect()  # a good session still works on this server
        assert (await session.receive()).type == "session.created"
        await session.close()
        await wrong_key.close()
        await right_key.close()
    assert (bad_key.value.status, bad_key.value.error_code) == (401, "invalid_api_key")
    assert bad_key.value.request_id is not None and bad_key.value.request_id.startswith("req_")
    assert (bad_model.value.status, bad_model.value.error_code) == (404, "model_not_found")


# -- secrets --------------------------------------------------------------------------------------


async def test_key_never_reaches_logs_even_at_debug_level(
    side: Side, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG):
        session = await side.connect()
        await session.send({"type": "no.such.event"})
        with pytest.raises(RealtimeError) as info:
            await session.until("never")
        await session.close()
    text = "\n".join(r.getMessage() + (r.exc_text or "") for r in caplog.records)
    assert "GET /v1/realtime" in text  # websockets did log the request line...
    assert "api_key=***" in text  # ...redacted
    assert side.api_key not in text
    assert side.api_key not in everything_about(info.value)


# -- the README example, as written --------------------------------------------------------------

README_SYNC = """
from meshapi import MeshAPI

client = MeshAPI(base_url="...", token="rsk_...")

# Sync — use as a context manager
with client.realtime.connect(model="openai/gpt-4o-realtime-preview") as session:
    session.send({
        "type": "session.update",
        "session": {"instructions": "You are a helpful assistant."},
    })
    session.send_audio(pcm_bytes)  # binary audio frame

    for msg in session:  # iterate until connection closes
        print(msg.event["type"])  # "session.created", "response.done", …
        if msg.audio:  # binary audio frame from server
            process_audio(msg.audio)
        if msg.event and msg.event["type"] == "response.done":
            break
"""

# `{...}` in the README is a placeholder for session settings (as a literal it is a set, which is
# not JSON); everything else is the README's code.
README_ASYNC = """
from meshapi import AsyncMeshAPI

async with AsyncMeshAPI(base_url="...", token="rsk_...") as client:
    async with client.realtime.connect(model="openai/gpt-4o-realtime-preview") as session:
        await session.send({"type": "session.update", "session": {...}})
        async for msg in session:
            print(msg.event["type"])
"""


def fill(snippet: str, gw: LocalGateway) -> str:
    return (
        snippet.replace('base_url="..."', f'base_url="{gw.base_url}"')
        .replace('token="rsk_..."', f'token="{gw.api_key}"')
        .replace('"session": {...}', '"session": {"instructions": "You are a helpful assistant."}')
    )


def test_readme_sync_example_runs_as_written(gateway: LocalGateway) -> None:
    received: List[bytes] = []
    out = io.StringIO()
    namespace = {
        "pcm_bytes": tone(1.0) + silence(0.6),  # a short utterance, then the speaker pauses
        "process_audio": received.append,
        "print": lambda *args: print(*args, file=out),
    }
    exec(compile(fill(README_SYNC, gateway), "README.md", "exec"), namespace)
    printed = out.getvalue().split()
    assert printed[:2] == ["session.created", "session.updated"]
    assert printed[-1] == "response.done"
    assert "response.output_audio.delta" in printed
    audio = b"".join(received)
    assert len(audio) > 0 and len(audio) % 2 == 0
    namespace["client"].close()


async def test_readme_async_example_runs_as_written(quick_idle_gateway: LocalGateway) -> None:
    out = io.StringIO()
    namespace: Dict[str, Any] = {"print": lambda *args: print(*args, file=out)}
    body = "async def readme():\n" + "".join(
        f"    {line}\n" for line in fill(README_ASYNC, quick_idle_gateway).splitlines()
    )
    exec(compile(body, "README.md", "exec"), namespace)
    # The loop has no break: it runs until the server ends the session. The local gateway's idle
    # timeout does that with an `idle_timeout` error event, which the README says raises.
    with pytest.raises(RealtimeError) as info:
        await namespace["readme"]()
    assert info.value.code == "idle_timeout"
    assert out.getvalue().split() == ["session.created", "session.updated"]
