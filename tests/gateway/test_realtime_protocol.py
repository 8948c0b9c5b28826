"""The gateway's realtime WebSocket protocol, spoken by a bare websockets client.

Protocol details the SDK does not shape (subprotocol, beta field names, error events for bad
frames and values, transcription, truncation, tools, token limits, a handler bug, no balance).
The SDK's realtime sessions over the same gateway are tested in tests/integration.
"""

from __future__ import annotations

import base64
import json
import math
import struct
from typing import Any, Dict, Iterator, List, Optional

import pytest
from websockets.sync.client import connect as raw_connect

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


@pytest.fixture
def gateway(shared_gateway: LocalGateway) -> LocalGateway:
    return shared_gateway


def test_raw_client_gets_subprotocol_and_bearer_header_is_accepted(
    gateway: LocalGateway,
) -> None:
    url = gateway.base_url.replace("http://", "ws://") + f"/v1/realtime?model={MODEL}"
    with raw_connect(
        url,
        subprotocols=["openai-realtime"],
        additional_headers={"Authorization": f"Bearer {gateway.api_key}"},
    ) as ws:
        assert ws.subprotocol == "openai-realtime"
        assert ws.response.headers["x-request-id"].startswith("req_")
        assert json.loads(ws.recv(timeout=WAIT))["type"] == "session.created"


def test_gateway_answers_malformed_json_and_binary_frames_with_errors(
    gateway: LocalGateway,
) -> None:
    url = (
        gateway.base_url.replace("http://", "ws://")
        + f"/v1/realtime?model={MODEL}&api_key={gateway.api_key}"
    )
    with raw_connect(url) as ws:
        assert json.loads(ws.recv(timeout=WAIT))["type"] == "session.created"
        ws.send("{not json")
        assert json.loads(ws.recv(timeout=WAIT))["error"]["code"] == "invalid_json"
        ws.send(b"\x00\x01")
        assert json.loads(ws.recv(timeout=WAIT))["error"]["code"] == "binary_frame_not_supported"
        ws.send("[1, 2]")
        assert json.loads(ws.recv(timeout=WAIT))["error"]["code"] == "invalid_json"
        ws.send('{"event_id": "x"}')
        error = json.loads(ws.recv(timeout=WAIT))
        assert (error["error"]["code"], error["error"]["param"]) == (
            "missing_required_parameter",
            "type",
        )
        ws.send('{"type": "session.update", "session": {"instructions": "open"}}')
        assert json.loads(ws.recv(timeout=WAIT))["type"] == "session.updated"


class Raw:
    """A bare websockets client on the gateway, for protocol details the SDK does not shape."""

    def __init__(self, gw: LocalGateway) -> None:
        url = gw.base_url.replace("http://", "ws://")
        self.ws = raw_connect(f"{url}/v1/realtime?model={MODEL}&api_key={gw.api_key}")
        assert self.next()["type"] == "session.created"

    def send(self, event: Dict[str, Any]) -> None:
        self.ws.send(json.dumps(event))

    def next(self) -> Dict[str, Any]:
        event: Dict[str, Any] = json.loads(self.ws.recv(timeout=WAIT))
        return event

    def until(self, kind: str) -> List[Dict[str, Any]]:
        seen = [self.next()]
        while seen[-1]["type"] != kind:
            seen.append(self.next())
        return seen

    def user_text(self, text: str, item_id: Optional[str] = None) -> None:
        item: Dict[str, Any] = {
            "type": "message",
            "role": "user",
            "content": [{"type": "input_text", "text": text}],
        }
        if item_id:
            item["id"] = item_id
        self.send({"type": "conversation.item.create", "item": item})
        self.until("conversation.item.done")


@pytest.fixture
def raw(gateway: LocalGateway) -> Iterator[Raw]:
    session = Raw(gateway)
    yield session
    session.ws.close()


def test_gateway_accepts_beta_session_field_names(raw: Raw) -> None:
    raw.send(
        {
            "type": "session.update",
            "session": {
                "voice": "coral",
                "modalities": ["audio", "text"],
                "input_audio_format": "pcm16",
                "turn_detection": {"type": "server_vad", "silence_duration_ms": 300},
                "input_audio_transcription": {"model": "whisper-1"},
            },
        }
    )
    session = raw.until("session.updated")[-1]["session"]
    assert session["audio"]["output"]["voice"] == session["voice"] == "coral"
    assert session["output_modalities"] == ["text", "audio"]
    assert session["audio"]["input"]["turn_detection"]["silence_duration_ms"] == 300
    assert session["audio"]["input"]["turn_detection"]["threshold"] == 0.5  # default kept
    assert session["audio"]["input"]["transcription"] == {"model": "whisper-1"}


@pytest.mark.parametrize(
    ("update", "code", "param"),
    [
        ({"input_audio_format": "g711_ulaw"}, "invalid_value", "session.input_audio_format"),
        ({"voice": "robot"}, "invalid_value", "session.voice"),
        ({"audio": {"output": {"speed": 9}}}, "invalid_value", "session.audio.output.speed"),
        (
            {"turn_detection": {"type": "server_vad", "bogus": 1}},
            "unknown_parameter",
            "session.turn_detection.bogus",
        ),
        ({"model": "openai/gpt-realtime"}, "invalid_value", "session.model"),
        ({"instructions": 5}, "invalid_type", "session.instructions"),
    ],
)
def test_gateway_rejects_bad_session_values_by_name(
    raw: Raw, update: Dict[str, Any], code: str, param: str
) -> None:
    raw.send({"type": "session.update", "session": update})
    error = raw.next()
    assert error["type"] == "error" and error["event_id"].startswith("event_")
    assert (error["error"]["code"], error["error"]["param"]) == (code, param)


def test_gateway_transcribes_committed_audio_when_asked(raw: Raw) -> None:
    raw.send(
        {
            "type": "session.update",
            "session": {"turn_detection": None, "input_audio_transcription": {}},
        }
    )
    raw.until("session.updated")
    raw.send({"type": "input_audio_buffer.append", "audio": base64.b64encode(tone(0.5)).decode()})
    raw.send({"type": "input_audio_buffer.commit"})
    events = raw.until("conversation.item.input_audio_transcription.completed")
    committed = next(e for e in events if e["type"] == "input_audio_buffer.committed")
    assert events[-1]["item_id"] == committed["item_id"]
    assert events[-1]["transcript"] == "[0.5 seconds of audio]"


def test_gateway_truncates_assistant_audio(raw: Raw) -> None:
    raw.user_text("hello")
    raw.send({"type": "response.create"})
    done = raw.until("response.done")[-1]
    item_id = done["response"]["output"][0]["id"]
    raw.send(
        {
            "type": "conversation.item.truncate",
            "item_id": item_id,
            "content_index": 0,
            "audio_end_ms": 200,
        }
    )
    truncated = raw.next()
    assert (truncated["type"], truncated["audio_end_ms"]) == ("conversation.item.truncated", 200)
    raw.send(
        {
            "type": "conversation.item.truncate",
            "item_id": item_id,
            "content_index": 0,
            "audio_end_ms": 10**6,
        }
    )
    assert raw.next()["error"]["param"] == "audio_end_ms"


def test_gateway_answers_tool_output_and_out_of_band_input(raw: Raw) -> None:
    raw.send(
        {
            "type": "conversation.item.create",
            "item": {"type": "function_call_output", "call_id": "call_1", "output": "21 degrees"},
        }
    )
    raw.until("conversation.item.done")
    raw.send({"type": "response.create", "response": {"output_modalities": ["text"]}})
    done = raw.until("response.done")[-1]
    assert done["response"]["output"][0]["content"][0]["text"] == 'The tool returned: "21 degrees".'

    raw.user_text("kept for later", item_id="item_later")
    raw.send(
        {
            "type": "response.create",
            "response": {
                "conversation": "none",
                "output_modalities": ["text"],
                "input": [
                    {
                        "type": "message",
                        "role": "user",
                        "content": [{"type": "input_text", "text": "aside"}],
                    }
                ],
                "metadata": {"topic": "aside"},
            },
        }
    )
    events = raw.until("response.done")
    assert not any(e["type"].startswith("conversation.item") for e in events)
    assert events[-1]["response"]["conversation_id"] is None
    assert events[-1]["response"]["metadata"] == {"topic": "aside"}
    assert events[-1]["response"]["output"][0]["content"][0]["text"] == 'You said: "aside".'
    # The out-of-band response did not consume the conversation's pending item.
    raw.send({"type": "response.create", "response": {"output_modalities": ["text"]}})
    done = raw.until("response.done")[-1]
    assert done["response"]["output"][0]["content"][0]["text"] == 'You said: "kept for later".'


def test_gateway_cuts_long_answers_at_max_output_tokens(raw: Raw) -> None:
    raw.user_text("one two three four five six")
    raw.send(
        {
            "type": "response.create",
            "response": {"max_output_tokens": 3, "output_modalities": ["text"]},
        }
    )
    done = raw.until("response.done")[-1]["response"]
    assert done["status"] == "incomplete"
    assert done["status_details"] == {"type": "incomplete", "reason": "max_output_tokens"}
    assert done["output"][0]["content"][0]["text"] == 'You said: "one'


def test_gateway_cancel_without_active_response_is_an_error(raw: Raw) -> None:
    raw.send({"type": "response.cancel"})
    assert raw.next()["error"]["code"] == "response_cancel_not_active"


def test_gateway_bug_in_a_handler_becomes_a_server_error_event(
    raw: Raw, monkeypatch: pytest.MonkeyPatch
) -> None:
    from meshapi.testing._realtime.session import RealtimeSession

    async def broken(self: Any, event: Dict[str, Any]) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(RealtimeSession, "on_response_cancel", broken)
    raw.send({"type": "response.cancel", "event_id": "evt_9"})
    error = raw.next()["error"]
    assert (error["type"], error["code"], error["event_id"]) == (
        "server_error",
        "server_error",
        "evt_9",
    )
    assert "RuntimeError: boom" in error["message"]
    raw.send({"type": "session.update", "session": {}})
    assert raw.next()["type"] == "session.updated"


def test_gateway_refuses_responses_once_the_balance_is_gone() -> None:
    with LocalGateway(balance_usd=0.000001) as gw:
        session = Raw(gw)
        session.user_text("hello")
        session.send({"type": "response.create"})
        usage = session.until("response.done")[-1]["response"]["usage"]
        assert usage["total_tokens"] > 0
        session.send({"type": "response.create"})
        error = session.next()
        session.ws.close()
    assert error["error"]["code"] == "insufficient_quota"
