"""Live: realtime WebSocket sessions — connect/close, session.created, session.update, error
envelopes, the iterator API — each with the sync and the async client (``api`` fixture).

Nothing here depends on the local gateway's deterministic answers, so the same tests run against
production (``MESHAPI_BASE_URL``) with ``MESHAPI_REALTIME_MODEL``.
"""

from __future__ import annotations

import math
import struct
import traceback
from typing import Any, AsyncIterator, Dict, List, Optional

import pytest

from meshapi import (
    AsyncMeshAPI,
    AuthenticationError,
    BadRequestError,
    MeshAPI,
    MeshAPIError,
    NotFoundError,
    RealtimeError,
    RealtimeMessage,
)

from .config import LiveConfig
from .conftest import Api

WAIT = 60.0  # seconds for one event from a real model


class Live:
    """One test-facing API over a sync or an async realtime session."""

    def __init__(self, raw: Any, is_async: bool) -> None:
        self.raw = raw
        self.is_async = is_async

    async def _call(self, value: Any) -> Any:
        return await value if self.is_async else value

    async def send(self, event: Dict[str, Any]) -> None:
        await self._call(self.raw.send(event))

    async def send_audio(self, pcm: bytes) -> None:
        await self._call(self.raw.send_audio(pcm))

    async def receive(self, timeout: float = WAIT) -> RealtimeMessage:
        message: RealtimeMessage = await self._call(self.raw.receive(timeout=timeout))
        return message

    async def until(self, kind: str) -> List[RealtimeMessage]:
        seen = [await self.receive()]
        while seen[-1].type != kind:
            seen.append(await self.receive())
        return seen

    async def iterate(self, stop_at: Optional[str] = None) -> List[RealtimeMessage]:
        """Messages from ``for`` / ``async for`` until ``stop_at`` (or the end of iteration)."""
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


@pytest.fixture
async def session(api: Api, config: LiveConfig) -> AsyncIterator[Live]:
    raw = await api.call(lambda c: c.realtime.connect(model=config.realtime_model))
    live = Live(raw, api.is_async)
    yield live
    await live.close()


def tone(seconds: float, hz: float = 440.0) -> bytes:
    """PCM16 24 kHz mono sine tone."""
    n = int(24_000 * seconds)
    return struct.pack(
        f"<{n}h", *(int(9000 * math.sin(2 * math.pi * hz * i / 24_000)) for i in range(n))
    )


def text_item(text: str) -> Dict[str, Any]:
    return {
        "type": "conversation.item.create",
        "item": {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        },
    }


def everything_about(exc: BaseException) -> str:
    return "\n".join(
        [
            str(exc),
            repr(exc),
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        ]
    )


async def test_realtime_connect_sends_session_created_first_then_closes(
    session: Live, config: LiveConfig
) -> None:
    first = await session.receive()
    assert first.type == "session.created"
    assert first.event is not None and first.event.get("event_id")
    assert first.event["session"]["id"] == session.raw.session_id
    assert config.token not in repr(session.raw)

    await session.close()
    with pytest.raises(MeshAPIError) as info:
        await session.receive()
    assert info.value.error_code == "connection_closed"
    assert await session.iterate() == []


async def test_realtime_session_update_is_acknowledged(session: Live) -> None:
    await session.until("session.created")
    instructions = "Answer in one short sentence."
    await session.send(
        {"type": "session.update", "session": {"type": "realtime", "instructions": instructions}}
    )
    updated = (await session.until("session.updated"))[-1].event
    assert updated is not None and updated["session"]["instructions"] == instructions


async def test_realtime_error_event_raises_realtime_error_and_session_stays_open(
    session: Live,
) -> None:
    await session.until("session.created")
    await session.send({"type": "meshapi.livetest.no_such_event", "event_id": "evt_live_1"})
    with pytest.raises(RealtimeError) as info:
        await session.until("never")
    err = info.value
    assert isinstance(err.code, str) and err.code and err.message
    assert err.event is not None and err.event["type"] == "error"
    await session.send({"type": "session.update", "session": {"type": "realtime"}})
    assert (await session.until("session.updated"))[-1].type == "session.updated"


async def test_realtime_iterator_yields_a_whole_response(session: Live) -> None:
    await session.send(text_item("Say hello in three words."))
    await session.send({"type": "response.create"})
    messages = await session.iterate(stop_at="response.done")
    kinds = [m.type for m in messages]
    assert kinds[0] == "session.created"
    assert "response.created" in kinds and kinds[-1] == "response.done"
    done = messages[-1].event
    assert done is not None and done["response"]["status"] == "completed"
    audio = b"".join(m.audio for m in messages if m.audio)
    assert len(audio) > 0 and len(audio) % 2 == 0  # PCM16: whole samples


async def test_realtime_audio_input_is_committed_and_answered(session: Live) -> None:
    # Manual turns (no server VAD), so that the commit below is the only one.
    await session.send(
        {
            "type": "session.update",
            "session": {"type": "realtime", "audio": {"input": {"turn_detection": None}}},
        }
    )
    await session.until("session.updated")
    await session.send_audio(tone(1.0))
    await session.send({"type": "input_audio_buffer.commit"})
    committed = (await session.until("input_audio_buffer.committed"))[-1].event
    assert committed is not None and committed["item_id"]
    await session.send({"type": "response.create"})
    done = (await session.until("response.done"))[-1].event
    assert done is not None and done["response"]["status"] == "completed"


@pytest.mark.parametrize("kind", ["sync", "async"])
async def test_realtime_bad_key_is_rejected_at_connect(kind: str, config: LiveConfig) -> None:
    bad = "rsk_livetest_invalid_0000000000000000"
    with pytest.raises(AuthenticationError) as info:
        if kind == "sync":
            with MeshAPI(base_url=config.base_url, token=bad) as client:
                client.realtime.connect(model=config.realtime_model)
        else:
            async with AsyncMeshAPI(base_url=config.base_url, token=bad) as aclient:
                await aclient.realtime.connect(model=config.realtime_model)
    assert info.value.status == 401
    assert bad not in everything_about(info.value)


async def test_realtime_unknown_model_is_rejected_at_connect(api: Api, config: LiveConfig) -> None:
    err = await api.raises(
        (NotFoundError, BadRequestError),
        lambda c: c.realtime.connect(model="openai/no-such-realtime-model-livetest"),
    )
    assert err.status in (400, 404) and err.error_code
    assert config.token not in everything_about(err)
