"""The realtime session (GA protocol): client events in, server events out, no sockets.

The WebSocket loop that feeds it lives in ``_http/websocket.py``; the route in
``_routes/realtime.py``.

Handshake (decided here, documented for the SDK): the key (query ``api_key``, or
``Authorization: Bearer``) and the model (query ``model``) are checked *before* the upgrade. A
refusal is an HTTP answer instead of the ``101``: the status and the usual JSON envelope
(``{"error": {"code", "message"}, "request_id"}``), like every REST error — 401
``invalid_api_key``, 402 ``insufficient_quota``, 403 ``forbidden``, 404 ``model_not_found``, 400
``invalid_request`` (no model, or a model that is not a realtime model). Only when the server
cannot send such an answer (an ASGI server without the ``websocket.http.response`` extension) is
the upgrade accepted, the same error sent as an ``error`` event, and the socket closed with 1008;
the SDK maps both forms to the same exception.

After the upgrade (subprotocol ``openai-realtime`` when the client offers it):

- ``session.created`` first; ``session.update`` → ``session.updated`` (validated, merged, or
  rejected whole with an ``error`` event naming the parameter);
- ``input_audio_buffer.append`` (base64 PCM16 24 kHz mono; no acknowledgement), ``.commit`` →
  ``.committed`` (less than 100 ms buffered → ``input_audio_buffer_commit_empty``), ``.clear`` →
  ``.cleared``; with ``turn_detection`` ``server_vad`` (the default, as in production) an
  energy-based detector sends ``speech_started`` / ``speech_stopped`` and commits and answers by
  itself once ``silence_duration_ms`` of silence follows speech;
- ``conversation.item.create`` / ``.retrieve`` / ``.delete`` / ``.truncate``;
- ``response.create`` → ``response.created``, ``response.output_item.added``,
  ``conversation.item.added``, ``response.content_part.added``, the deltas
  (``response.output_text.delta``, or ``response.output_audio_transcript.delta`` +
  ``response.output_audio.delta`` with real PCM16 audio: one tone per word), the ``.done``
  events, ``conversation.item.done`` and ``response.done`` with usage. ``output_modalities``
  ``["audio"]`` (default) gives audio + transcript, ``["text"]`` text only, ``["text", "audio"]``
  both as two content parts (typed ``text`` / ``audio`` in the ``response.content_part.*``
  events, ``output_text`` / ``output_audio`` in the item, as the OpenAI realtime types say).
  The words are derived deterministically from the instructions and the input ("You said: ..."
  / "I heard 1.2 seconds of audio.");
- ``tools`` (in ``session.update`` or ``response.create``): when the user's words match a
  tool, the response is ``function_call`` items instead, each with
  ``response.function_call_arguments.delta`` / ``.done`` events; a ``function_call_output``
  item then gets a spoken answer ("The tool returned: ...");
- ``error`` events (session left open) for malformed JSON, binary frames, unknown event types and
  bad parameters; after ``realtime_idle_timeout`` seconds without a client frame, an ``error``
  event with code ``idle_timeout``, then a normal close (1000).

Every server event has ``type`` and ``event_id``; every ``error`` event carries the handshake's
``request_id``.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import logging
import math
import struct
import time
from array import array
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Set, Tuple

from .._core.config import KeyRecord
from .._core.errors import GatewayError
from .._core.gateway import Gateway
from .._core.tokens import count_tokens
from .._engines import text as _engine
from .._engines.audio import synthesize_words
from .._formats.audio import SAMPLE_RATE
from .settings import (
    PCM_FORMAT,
    RESPONSE_KEYS,
    RealtimeProblem,
    apply_session_update,
    check_max_tokens,
    check_modalities,
    check_voice,
    default_turn_detection,
)

__all__ = [
    "SUBPROTOCOL",
    "ClientGone",
    "RealtimeSession",
    "admit",
]

log = logging.getLogger("meshapi.testing.realtime")

SUBPROTOCOL = "openai-realtime"
BYTES_PER_MS = SAMPLE_RATE * 2 // 1000  # PCM16 mono: 48 bytes per millisecond
MIN_COMMIT_MS = 100  # production refuses to commit less than 100 ms of audio
VAD_FRAME_MS = 10
GREETING = "Hello! How can I help you today?"
SESSION_TTL_SECONDS = 30 * 60
_HANDSHAKE_CODES = {401: "invalid_api_key", 402: "insufficient_quota"}
_CLIENT_EVENTS = (
    "session.update",
    "input_audio_buffer.append",
    "input_audio_buffer.commit",
    "input_audio_buffer.clear",
    "conversation.item.create",
    "conversation.item.retrieve",
    "conversation.item.delete",
    "conversation.item.truncate",
    "response.create",
    "response.cancel",
)


def _frame_rms(frame: bytes) -> float:
    samples = array("h")
    samples.frombytes(frame)
    if struct.pack("=h", 1) != struct.pack("<h", 1):  # pragma: no cover - big-endian hosts
        samples.byteswap()
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768.0


def _ms(nbytes: int) -> float:
    return nbytes / BYTES_PER_MS


def _decode_audio(value: Any, param: str) -> bytes:
    if not isinstance(value, str):
        raise RealtimeProblem(
            "invalid_type", f"Invalid type for '{param}': expected a base64 string.", param
        )
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise RealtimeProblem(
            "invalid_value", f"Invalid value for '{param}': not valid base64 audio.", param
        ) from None
    if len(data) % 2:
        raise RealtimeProblem(
            "invalid_value",
            f"Invalid value for '{param}': PCM16 audio needs an even number of bytes, "
            f"got {len(data)}.",
            param,
        )
    return data


# -- text ---------------------------------------------------------------------------------------


def _clip(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3].rstrip() + "..."


def _reply_text(instructions: str, inputs: Sequence[Tuple[str, Any]]) -> str:
    """The deterministic answer to the inputs since the last response."""
    parts = []
    for kind, value in inputs:
        if kind == "text":
            parts.append(f'You said: "{_clip(value)}".')
        elif kind == "audio":
            parts.append(f"I heard {value / 1000:.1f} seconds of audio.")
        elif kind == "tool":
            parts.append(f'The tool returned: "{_clip(value)}".')
    reply = " ".join(parts) if parts else GREETING
    if instructions.strip():
        reply += f" (Instructions: {_clip(instructions, 60)})"
    return reply


# -- session configuration ----------------------------------------------------------------------


def admit(
    gateway: Gateway, api_key: Optional[str], model: Optional[str]
) -> Tuple[KeyRecord, Dict[str, Any]]:
    """Check the key, its rate limits and the model of an upgrade request; returns the key's
    record and the model's catalogue entry, or raises :class:`GatewayError`."""
    key = api_key
    try:
        record = gateway.authenticate_key(key)
    except GatewayError as exc:
        code = _HANDSHAKE_CODES.get(exc.status, exc.code)
        message = exc.message
        if exc.status == 401:
            message = (
                "Missing API key: pass it as the 'api_key' query parameter."
                if not key
                else "Invalid API key."
            )
        raise GatewayError(exc.status, code, message) from None
    gateway.check_rate_limit(record)  # opening a session counts as one request
    if not model:
        raise GatewayError(
            400,
            "invalid_request",
            "Missing 'model' query parameter (e.g. model=openai/gpt-realtime-mini).",
        )
    entry = gateway.catalogue.get(model)
    if entry is None:
        raise GatewayError(404, "model_not_found", f"Model '{model}' does not exist.")
    if entry.get("model_type") != "realtime":
        realtime = sorted(
            m["id"] for m in gateway.catalogue.all() if m.get("model_type") == "realtime"
        )
        raise GatewayError(
            400,
            "invalid_request",
            f"Model '{model}' is not a realtime model; realtime models: {', '.join(realtime)}.",
        )
    return record, entry


class ClientGone(Exception):
    """The client's connection is gone: the session ends."""


def _usage(
    instructions: str, inputs: Sequence[Tuple[str, Any]], output_text: int, output_audio: int
) -> Dict[str, Any]:
    """A response's usage, in the realtime shape."""
    input_text = count_tokens(instructions) + sum(
        count_tokens(v) for k, v in inputs if k in ("text", "tool")
    )
    input_audio = sum(math.ceil(v / 100) for k, v in inputs if k == "audio")
    return {
        "total_tokens": input_text + input_audio + output_text + output_audio,
        "input_tokens": input_text + input_audio,
        "output_tokens": output_text + output_audio,
        "input_token_details": {
            "text_tokens": input_text,
            "audio_tokens": input_audio,
            "image_tokens": 0,
            "cached_tokens": 0,
            "cached_tokens_details": {"text_tokens": 0, "audio_tokens": 0, "image_tokens": 0},
        },
        "output_token_details": {"text_tokens": output_text, "audio_tokens": output_audio},
    }


def _tool_calls(
    tools: Any, tool_choice: Any, inputs: Sequence[Tuple[str, Any]], model: str
) -> List[Dict[str, Any]]:
    """The function calls a response makes instead of speaking: the engine picks the session
    tool that matches what the user said (none after a tool's output, or with
    ``tool_choice: "none"``). Each call is ``{id, name, arguments}``."""
    if not isinstance(tools, list) or not tools or tool_choice == "none":
        return []
    if inputs and inputs[-1][0] == "tool":
        return []
    specs = [
        _engine.ToolSpec(
            name=tool["name"],
            description=str(tool.get("description") or ""),
            parameters=tool["parameters"] if isinstance(tool.get("parameters"), dict) else {},
        )
        for tool in tools
        if isinstance(tool, Mapping)
        and tool.get("type", "function") == "function"
        and isinstance(tool.get("name"), str)
    ]
    prompt = " ".join(str(value) for kind, value in inputs if kind == "text")
    choice: Any = tool_choice
    if isinstance(tool_choice, Mapping):
        choice = {"name": tool_choice.get("name")}
    reply = _engine.generate_reply(
        _engine.ReplyRequest(
            turns=[_engine.Turn(role="user", text=prompt)],
            model=model,
            tools=specs,
            tool_choice=choice,
        )
    )
    return list(reply.tool_calls or [])


class RealtimeSession:
    """One accepted realtime connection: its configuration, buffers, conversation and loop."""

    def __init__(
        self,
        send: Callable[[str], Awaitable[None]],
        gateway: Gateway,
        record: KeyRecord,
        entry: Dict[str, Any],
        request_id: str,
    ) -> None:
        self.send = send
        self.entry = entry
        self.gateway = gateway
        self.record = record
        self.request_id = request_id
        self.conversation_id = gateway.new_id("conv")
        self.config: Dict[str, Any] = {
            "type": "realtime",
            "object": "realtime.session",
            "id": gateway.new_id("sess"),
            "model": entry["id"],
            "output_modalities": ["audio"],
            "instructions": "",
            "tools": [],
            "tool_choice": "auto",
            "max_output_tokens": "inf",
            "tracing": None,
            "prompt": None,
            "include": None,
            "truncation": "auto",
            "expires_at": int(time.time()) + SESSION_TTL_SECONDS,
            "audio": {
                "input": {
                    "format": dict(PCM_FORMAT),
                    "transcription": None,
                    "noise_reduction": None,
                    "turn_detection": default_turn_detection(),
                },
                "output": {"format": dict(PCM_FORMAT), "voice": "alloy", "speed": 1.0},
            },
        }
        self.buffer = bytearray()
        self.audio_offset_ms = 0.0  # audio time of the buffer's first byte, since the session began
        self.vad_pos = 0  # bytes of the buffer the detector has looked at
        self.vad_speech_start: Optional[float] = None
        self.vad_silence_ms = 0.0
        self.pending_item_id: Optional[str] = None
        self.items: List[Dict[str, Any]] = []
        self.item_audio_ms: Dict[str, float] = {}
        # Items a response has already answered (or produced); the next response answers the rest.
        self.answered: Set[str] = set()

    # -- plumbing ---------------------------------------------------------------------------

    def render_session(self) -> Dict[str, Any]:
        """The session object: GA fields, plus the beta names older clients read."""
        out = copy.deepcopy(self.config)
        audio_in, audio_out = out["audio"]["input"], out["audio"]["output"]
        out["voice"] = audio_out["voice"]
        out["modalities"] = list(out["output_modalities"])
        out["input_audio_format"] = out["output_audio_format"] = "pcm16"
        out["turn_detection"] = copy.deepcopy(audio_in["turn_detection"])
        out["input_audio_transcription"] = copy.deepcopy(audio_in["transcription"])
        return out

    async def emit(self, kind: str, **fields: Any) -> None:
        await self.send(
            json.dumps({"type": kind, "event_id": self.gateway.new_id("event"), **fields})
        )

    async def error(
        self,
        code: str,
        message: str,
        *,
        param: Optional[str] = None,
        event_id: Any = None,
        error_type: str = "invalid_request_error",
    ) -> None:
        await self.emit(
            "error",
            error={
                "type": error_type,
                "code": code,
                "message": message,
                "param": param,
                "event_id": event_id if isinstance(event_id, str) else None,
            },
            request_id=self.request_id,
        )

    async def start(self) -> None:
        """Greet the client: ``session.created``."""
        await self.emit("session.created", session=self.render_session())

    async def on_idle(self, seconds: float) -> None:
        """No client event for ``seconds``: say why the session is about to close."""
        await self.error(
            "idle_timeout",
            f"The session was idle for {seconds:g} seconds without a client event "
            "and has been closed.",
        )

    async def on_binary(self) -> None:
        """A binary frame arrived: refuse it in-band."""
        await self.error(
            "binary_frame_not_supported",
            "Binary frames are not accepted: send JSON text events, with audio as "
            "base64 in 'input_audio_buffer.append'.",
        )

    async def on_text(self, text: str) -> None:
        try:
            event = json.loads(text)
        except ValueError as exc:
            await self.error("invalid_json", f"The event is not valid JSON ({exc}).")
            return
        if not isinstance(event, dict):
            await self.error("invalid_json", "An event must be a JSON object with a 'type'.")
            return
        event_id = event.get("event_id")
        kind = event.get("type")
        try:
            if not isinstance(kind, str) or not kind:
                raise RealtimeProblem(
                    "missing_required_parameter", "Missing required parameter: 'type'.", "type"
                )
            handler = (
                getattr(self, "on_" + kind.replace(".", "_"), None)
                if kind in _CLIENT_EVENTS
                else None
            )
            if handler is None:
                raise RealtimeProblem(
                    "invalid_value",
                    f"Invalid value: '{_clip(kind, 60)}'. Supported values are: "
                    + ", ".join(f"'{k}'" for k in _CLIENT_EVENTS)
                    + ".",
                    "type",
                )
            await handler(event)
        except RealtimeProblem as problem:
            await self.error(problem.code, problem.message, param=problem.param, event_id=event_id)
        except (ClientGone, OSError):
            raise  # the client is gone: end the session
        except Exception as exc:
            # A gateway bug: say so in-band (as production's server_error) and keep the session.
            log.exception("realtime: handling %r failed", kind)
            await self.error(
                "server_error",
                f"The local gateway failed to handle this event ({type(exc).__name__}: {exc}).",
                event_id=event_id,
                error_type="server_error",
            )

    # -- session and audio buffer -----------------------------------------------------------

    async def on_session_update(self, event: Dict[str, Any]) -> None:
        if "session" not in event:
            raise RealtimeProblem(
                "missing_required_parameter", "Missing required parameter: 'session'.", "session"
            )
        self.config = apply_session_update(self.config, event["session"])
        await self.emit("session.updated", session=self.render_session())

    async def on_input_audio_buffer_append(self, event: Dict[str, Any]) -> None:
        if "audio" not in event:
            raise RealtimeProblem(
                "missing_required_parameter", "Missing required parameter: 'audio'.", "audio"
            )
        self.buffer.extend(_decode_audio(event["audio"], "audio"))
        await self.detect_turns()

    async def on_input_audio_buffer_commit(self, event: Dict[str, Any]) -> None:
        await self.commit()

    async def on_input_audio_buffer_clear(self, event: Dict[str, Any]) -> None:
        self.reset_buffer()
        await self.emit("input_audio_buffer.cleared")

    def reset_buffer(self) -> None:
        self.audio_offset_ms += _ms(len(self.buffer))
        self.buffer.clear()
        self.vad_pos = 0
        self.vad_speech_start = None
        self.vad_silence_ms = 0.0
        self.pending_item_id = None

    async def commit(self) -> Optional[str]:
        have = _ms(len(self.buffer))
        if have < MIN_COMMIT_MS:
            raise RealtimeProblem(
                "input_audio_buffer_commit_empty",
                f"Error committing input audio buffer: buffer too small. Expected at least "
                f"{MIN_COMMIT_MS}ms of audio, but buffer only has {have:.2f}ms of audio.",
            )
        item_id = self.pending_item_id or self.gateway.new_id("item")
        previous = self.items[-1]["id"] if self.items else None
        self.item_audio_ms[item_id] = have
        self.reset_buffer()
        await self.emit("input_audio_buffer.committed", previous_item_id=previous, item_id=item_id)
        item = {
            "id": item_id,
            "object": "realtime.item",
            "type": "message",
            "status": "completed",
            "role": "user",
            "content": [{"type": "input_audio", "transcript": None}],
        }
        await self.add_item(item, previous)
        if self.config["audio"]["input"]["transcription"] is not None:
            await self.emit(
                "conversation.item.input_audio_transcription.completed",
                item_id=item_id,
                content_index=0,
                transcript=f"[{have / 1000:.1f} seconds of audio]",
            )
        return item_id

    async def detect_turns(self) -> None:
        """Server VAD: speech is a 10 ms frame louder than the threshold; a turn ends after
        ``silence_duration_ms`` of quieter frames, measured in audio time (never wall time)."""
        detection = self.config["audio"]["input"]["turn_detection"]
        if detection is None:
            return
        frame = VAD_FRAME_MS * BYTES_PER_MS
        threshold = 0.02 * float(detection.get("threshold", 0.5))
        silence_needed = float(detection.get("silence_duration_ms", 500))
        if detection.get("type") == "semantic_vad":
            silence_needed = {"low": 800.0, "high": 250.0}.get(
                str(detection.get("eagerness")), 500.0
            )
        while self.vad_pos + frame <= len(self.buffer):
            loud = _frame_rms(bytes(self.buffer[self.vad_pos : self.vad_pos + frame])) > threshold
            start_ms = self.audio_offset_ms + _ms(self.vad_pos)
            self.vad_pos += frame
            if self.vad_speech_start is None:
                if loud:
                    padding = float(detection.get("prefix_padding_ms", 300))
                    self.vad_speech_start = max(self.audio_offset_ms, start_ms - padding)
                    self.vad_silence_ms = 0.0
                    self.pending_item_id = self.gateway.new_id("item")
                    await self.emit(
                        "input_audio_buffer.speech_started",
                        audio_start_ms=int(self.vad_speech_start),
                        item_id=self.pending_item_id,
                    )
                continue
            self.vad_silence_ms = 0.0 if loud else self.vad_silence_ms + VAD_FRAME_MS
            if self.vad_silence_ms < silence_needed:
                continue
            end_ms = start_ms + VAD_FRAME_MS - self.vad_silence_ms
            await self.emit(
                "input_audio_buffer.speech_stopped",
                audio_end_ms=int(end_ms),
                item_id=self.pending_item_id,
            )
            # The turn is the speech with its prefix padding; the silence that ended it belongs to
            # no turn, and bytes the detector has not looked at yet start the next one.
            begin = int(self.vad_speech_start - self.audio_offset_ms) * BYTES_PER_MS
            end = int(end_ms - self.audio_offset_ms) * BYTES_PER_MS
            rest = bytes(self.buffer[self.vad_pos :])
            next_offset = self.audio_offset_ms + _ms(self.vad_pos)
            self.buffer[:] = self.buffer[begin:end]
            committed = _ms(len(self.buffer)) >= MIN_COMMIT_MS
            if committed:
                await self.commit()
            else:
                self.reset_buffer()
            self.audio_offset_ms = next_offset
            self.buffer.extend(rest)
            if committed and detection.get("create_response", True):
                await self.respond({})

    # -- conversation -----------------------------------------------------------------------

    def find(self, item_id: Any) -> int:
        for index, item in enumerate(self.items):
            if item["id"] == item_id:
                return index
        raise RealtimeProblem(
            "item_not_found",
            f"Item with item_id '{item_id}' not found in the conversation.",
            "item_id",
        )

    async def add_item(self, item: Dict[str, Any], previous: Optional[str]) -> None:
        if previous is None:
            self.items.append(item)
        else:
            self.items.insert(self.find(previous) + 1, item)
        await self.emit("conversation.item.added", previous_item_id=previous, item=item)
        await self.emit("conversation.item.done", previous_item_id=previous, item=item)

    async def on_conversation_item_create(self, event: Dict[str, Any]) -> None:
        item = event.get("item")
        if not isinstance(item, Mapping):
            raise RealtimeProblem(
                "missing_required_parameter", "Missing required parameter: 'item'.", "item"
            )
        stored, audio_ms = self.normalise_item(item)
        if any(existing["id"] == stored["id"] for existing in self.items):
            raise RealtimeProblem(
                "invalid_value", f"Item id '{stored['id']}' already exists.", "item.id"
            )
        previous = event.get("previous_item_id")
        if previous == "root":
            self.items.insert(0, stored)
            await self.emit("conversation.item.added", previous_item_id=None, item=stored)
            await self.emit("conversation.item.done", previous_item_id=None, item=stored)
        else:
            if previous is not None:
                self.find(previous)
            else:
                previous = self.items[-1]["id"] if self.items else None
            await self.add_item(stored, previous)
        if audio_ms:
            self.item_audio_ms[stored["id"]] = audio_ms

    def normalise_item(self, item: Mapping[str, Any]) -> Tuple[Dict[str, Any], float]:
        kind = item.get("type", "message")
        item_id = item.get("id") or self.gateway.new_id("item")
        if not isinstance(item_id, str):
            raise RealtimeProblem(
                "invalid_type", "Invalid type for 'item.id': expected a string.", "item.id"
            )
        if kind == "function_call_output":
            output = item.get("output")
            if not isinstance(output, str) or not isinstance(item.get("call_id"), str):
                raise RealtimeProblem(
                    "missing_required_parameter",
                    "A function_call_output item needs string 'call_id' and 'output'.",
                    "item.output",
                )
            return {
                "id": item_id, "object": "realtime.item", "type": kind, "status": "completed",
                "call_id": item["call_id"], "output": output,
            }, 0.0  # fmt: skip
        if kind == "function_call":
            name, arguments = item.get("name"), item.get("arguments", "")
            if not isinstance(name, str) or not isinstance(arguments, str):
                raise RealtimeProblem(
                    "missing_required_parameter",
                    "A function_call item needs a string 'name' (and string 'arguments').",
                    "item.name",
                )
            return {
                "id": item_id, "object": "realtime.item", "type": kind, "status": "completed",
                "call_id": item.get("call_id") or self.gateway.new_id("call"), "name": name,
                "arguments": arguments,
            }, 0.0  # fmt: skip
        if kind != "message":
            raise RealtimeProblem(
                "invalid_value",
                f"Invalid value for 'item.type': {kind!r}. The local gateway accepts 'message', "
                "'function_call' and 'function_call_output' items.",
                "item.type",
            )
        role = item.get("role")
        if role not in ("user", "assistant", "system"):
            raise RealtimeProblem(
                "invalid_value",
                "Invalid value for 'item.role': expected 'user', 'assistant' or 'system'.",
                "item.role",
            )
        content = item.get("content")
        if not isinstance(content, list) or not content:
            raise RealtimeProblem(
                "missing_required_parameter",
                "Missing required parameter: 'item.content' (a non-empty list).",
                "item.content",
            )
        allowed = {
            "user": ("input_text", "input_audio"),
            "system": ("input_text",),
            "assistant": ("output_text", "text", "output_audio", "audio"),
        }[role]
        parts: List[Dict[str, Any]] = []
        audio_ms = 0.0
        for index, part in enumerate(content):
            where = f"item.content[{index}]"
            if not isinstance(part, Mapping) or part.get("type") not in allowed:
                raise RealtimeProblem(
                    "invalid_value",
                    f"Invalid value for '{where}.type': a {role} message takes "
                    f"{list(allowed)} parts.",
                    f"{where}.type",
                )
            ptype = part["type"]
            if ptype in ("input_text", "output_text", "text"):
                if not isinstance(part.get("text"), str):
                    raise RealtimeProblem(
                        "invalid_type",
                        f"Invalid type for '{where}.text': expected a string.",
                        f"{where}.text",
                    )
                parts.append({"type": ptype, "text": part["text"]})
            elif ptype == "input_audio":
                audio = _decode_audio(part.get("audio"), f"{where}.audio")
                audio_ms += _ms(len(audio))
                parts.append({"type": ptype, "transcript": part.get("transcript")})
            else:
                parts.append({"type": ptype, "transcript": part.get("transcript")})
        stored = {
            "id": item_id, "object": "realtime.item", "type": "message", "status": "completed",
            "role": role, "content": parts,
        }  # fmt: skip
        return stored, audio_ms

    async def on_conversation_item_retrieve(self, event: Dict[str, Any]) -> None:
        item = self.items[self.find(event.get("item_id"))]
        await self.emit("conversation.item.retrieved", item=item)

    async def on_conversation_item_delete(self, event: Dict[str, Any]) -> None:
        index = self.find(event.get("item_id"))
        removed = self.items.pop(index)
        self.answered.discard(removed["id"])
        await self.emit("conversation.item.deleted", item_id=removed["id"])

    async def on_conversation_item_truncate(self, event: Dict[str, Any]) -> None:
        item = self.items[self.find(event.get("item_id"))]
        index = event.get("content_index", 0)
        end = event.get("audio_end_ms")
        content = item.get("content") or []
        if (
            item.get("role") != "assistant"
            or not isinstance(index, int)
            or not 0 <= index < len(content)
        ):
            raise RealtimeProblem(
                "invalid_value",
                "Only the audio content of an assistant message can be truncated.",
                "content_index",
            )
        duration = self.item_audio_ms.get(item["id"], 0.0)
        if isinstance(end, bool) or not isinstance(end, int) or not 0 <= end <= duration:
            raise RealtimeProblem(
                "invalid_value",
                f"Invalid value for 'audio_end_ms': expected 0-{int(duration)} "
                "for this item's audio.",
                "audio_end_ms",
            )
        content[index]["transcript"] = None
        self.item_audio_ms[item["id"]] = float(end)
        await self.emit(
            "conversation.item.truncated", item_id=item["id"], content_index=index, audio_end_ms=end
        )

    # -- responses --------------------------------------------------------------------------

    async def on_response_cancel(self, event: Dict[str, Any]) -> None:
        # Responses here are generated in one go, so by the time a cancel arrives none is active.
        raise RealtimeProblem(
            "response_cancel_not_active", "Cancellation failed: no active response found.", None
        )

    async def on_response_create(self, event: Dict[str, Any]) -> None:
        options = event.get("response", {})
        if not isinstance(options, Mapping):
            raise RealtimeProblem(
                "invalid_type", "Invalid type for 'response': expected an object.", "response"
            )
        await self.respond(options)

    def inputs_for(self, options: Mapping[str, Any]) -> Tuple[List[Tuple[str, Any]], bool]:
        """What the response answers: its own ``input`` items, or the conversation's new items."""
        if "input" in options:
            raw = options["input"]
            if not isinstance(raw, list):
                raise RealtimeProblem(
                    "invalid_type",
                    "Invalid type for 'response.input': expected a list.",
                    "response.input",
                )
            items = []
            for index, entry in enumerate(raw):
                if isinstance(entry, Mapping) and entry.get("type") == "item_reference":
                    items.append(self.items[self.find(entry.get("id"))])
                elif isinstance(entry, Mapping):
                    items.append(self.normalise_item(entry)[0])
                else:
                    raise RealtimeProblem(
                        "invalid_type",
                        f"Invalid type for 'response.input[{index}]'.",
                        f"response.input[{index}]",
                    )
            in_conversation = False
        else:
            items = [item for item in self.items if item["id"] not in self.answered]
            in_conversation = options.get("conversation", "auto") != "none"
        inputs: List[Tuple[str, Any]] = []
        for item in items:
            if item["type"] == "function_call_output":
                inputs.append(("tool", item["output"]))
            elif item.get("role") == "user":
                for part in item["content"]:
                    if part["type"] == "input_text":
                        inputs.append(("text", part["text"]))
                if any(p["type"] == "input_audio" for p in item["content"]):
                    inputs.append(("audio", self.item_audio_ms.get(item["id"], 0.0)))
        return inputs, in_conversation

    async def respond(self, options: Mapping[str, Any]) -> None:
        if self.record.balance_usd <= 0:
            raise RealtimeProblem(
                "insufficient_quota", "Account balance is exhausted: add credit to continue."
            )
        for name in options:
            if name not in RESPONSE_KEYS:
                raise RealtimeProblem(
                    "unknown_parameter",
                    f"Unknown parameter: 'response.{name}'.",
                    f"response.{name}",
                )
        instructions = options.get("instructions", self.config["instructions"])
        if not isinstance(instructions, str):
            raise RealtimeProblem(
                "invalid_type",
                "Invalid type for 'response.instructions': expected a string.",
                "response.instructions",
            )
        modalities = self.config["output_modalities"]
        for name in ("output_modalities", "modalities"):
            if name in options:
                modalities = check_modalities(options[name], f"response.{name}")
        voice = self.config["audio"]["output"]["voice"]
        if "voice" in options:
            voice = check_voice(options["voice"], "response.voice")
        max_tokens = self.config["max_output_tokens"]
        for name in ("max_output_tokens", "max_response_output_tokens"):
            if name in options:
                max_tokens = check_max_tokens(options[name], f"response.{name}")
        metadata = options.get("metadata")
        inputs, in_conversation = self.inputs_for(options)
        calls = _tool_calls(
            options.get("tools", self.config["tools"]),
            options.get("tool_choice", self.config["tool_choice"]),
            inputs,
            self.entry["id"],
        )

        words = _reply_text(instructions, inputs).split()
        status, details = "completed", None
        if max_tokens != "inf" and len(words) > max_tokens:
            words = words[:max_tokens]
            status, details = "incomplete", {"type": "incomplete", "reason": "max_output_tokens"}
        text = " ".join(words)
        response_id = self.gateway.new_id("resp")
        item_id = self.gateway.new_id("item")
        speed = self.config["audio"]["output"]["speed"]
        response: Dict[str, Any] = {
            "object": "realtime.response",
            "id": response_id,
            "status": "in_progress",
            "status_details": None,
            "output": [],
            "conversation_id": self.conversation_id if in_conversation else None,
            "output_modalities": modalities,
            "max_output_tokens": max_tokens,
            "audio": {"output": {"format": dict(PCM_FORMAT), "voice": voice}},
            "usage": None,
            "metadata": metadata,
        }
        await self.emit("response.created", response=copy.deepcopy(response))
        if calls:
            await self.call_tools(response, calls, in_conversation, instructions, inputs)
            return
        item: Dict[str, Any] = {
            "id": item_id, "object": "realtime.item", "type": "message", "status": "in_progress",
            "role": "assistant", "content": [],
        }  # fmt: skip
        previous = self.items[-1]["id"] if (in_conversation and self.items) else None
        where = {"response_id": response_id, "item_id": item_id, "output_index": 0}
        await self.emit(
            "response.output_item.added",
            response_id=response_id,
            output_index=0,
            item=copy.deepcopy(item),
        )
        if in_conversation:
            await self.emit(
                "conversation.item.added", previous_item_id=previous, item=copy.deepcopy(item)
            )
        audio_ms = 0.0
        content: List[Dict[str, Any]] = []
        pieces = [w + (" " if i < len(words) - 1 else "") for i, w in enumerate(words)]
        if "text" in modalities:
            index = len(content)
            await self.emit(
                "response.content_part.added",
                **where,
                content_index=index,
                part={"type": "text", "text": ""},
            )
            for piece in pieces:
                await self.emit(
                    "response.output_text.delta", **where, content_index=index, delta=piece
                )
            await self.emit("response.output_text.done", **where, content_index=index, text=text)
            # The event's part is typed "text"/"audio" (the realtime event schema); the item's
            # content part "output_text"/"output_audio" (the conversation item schema).
            await self.emit(
                "response.content_part.done",
                **where,
                content_index=index,
                part={"type": "text", "text": text},
            )
            content.append({"type": "output_text", "text": text})
        if "audio" in modalities:
            index = len(content)
            await self.emit(
                "response.content_part.added",
                **where,
                content_index=index,
                part={"type": "audio", "transcript": ""},
            )
            for piece, pcm in zip(pieces, synthesize_words(words, voice, speed)):
                audio_ms += _ms(len(pcm))
                await self.emit(
                    "response.output_audio_transcript.delta",
                    **where,
                    content_index=index,
                    delta=piece,
                )
                await self.emit(
                    "response.output_audio.delta",
                    **where,
                    content_index=index,
                    delta=base64.b64encode(pcm).decode("ascii"),
                )
            await self.emit("response.output_audio.done", **where, content_index=index)
            await self.emit(
                "response.output_audio_transcript.done",
                **where,
                content_index=index,
                transcript=text,
            )
            await self.emit(
                "response.content_part.done",
                **where,
                content_index=index,
                part={"type": "audio", "transcript": text},
            )
            content.append({"type": "output_audio", "transcript": text})
        item.update(status="completed" if status == "completed" else "incomplete", content=content)
        await self.emit(
            "response.output_item.done",
            response_id=response_id,
            output_index=0,
            item=copy.deepcopy(item),
        )
        if in_conversation:
            self.items.append(item)
            self.item_audio_ms[item_id] = audio_ms
            self.answered.update(entry["id"] for entry in self.items)
            await self.emit(
                "conversation.item.done", previous_item_id=previous, item=copy.deepcopy(item)
            )
        output_text = count_tokens(text) * (("text" in modalities) + ("audio" in modalities))
        response.update(
            status=status,
            status_details=details,
            output=[item],
            usage=_usage(instructions, inputs, output_text, math.ceil(audio_ms / 50)),
        )
        self.charge(response["usage"])
        await self.emit("response.done", response=response)

    async def call_tools(
        self,
        response: Dict[str, Any],
        calls: List[Dict[str, Any]],
        in_conversation: bool,
        instructions: str,
        inputs: Sequence[Tuple[str, Any]],
    ) -> None:
        """The rest of a response whose output is function calls: one ``function_call`` item
        per call, its arguments streamed as ``response.function_call_arguments.*`` events."""
        response_id = response["id"]
        items: List[Dict[str, Any]] = []
        for output_index, call in enumerate(calls):
            item_id = self.gateway.new_id("item")
            item: Dict[str, Any] = {
                "id": item_id, "object": "realtime.item", "type": "function_call",
                "status": "in_progress", "call_id": call["id"], "name": call["name"],
                "arguments": "",
            }  # fmt: skip
            previous = self.items[-1]["id"] if (in_conversation and self.items) else None
            await self.emit(
                "response.output_item.added",
                response_id=response_id,
                output_index=output_index,
                item=copy.deepcopy(item),
            )
            if in_conversation:
                await self.emit(
                    "conversation.item.added", previous_item_id=previous, item=copy.deepcopy(item)
                )
            where = {
                "response_id": response_id, "item_id": item_id, "output_index": output_index,
                "call_id": call["id"],
            }  # fmt: skip
            for piece in _engine.tokenize(call["arguments"]):
                await self.emit("response.function_call_arguments.delta", **where, delta=piece)
            await self.emit(
                "response.function_call_arguments.done",
                **where,
                name=call["name"],
                arguments=call["arguments"],
            )
            item.update(status="completed", arguments=call["arguments"])
            await self.emit(
                "response.output_item.done",
                response_id=response_id,
                output_index=output_index,
                item=copy.deepcopy(item),
            )
            if in_conversation:
                self.items.append(item)
                await self.emit(
                    "conversation.item.done", previous_item_id=previous, item=copy.deepcopy(item)
                )
            items.append(item)
        if in_conversation:
            self.answered.update(entry["id"] for entry in self.items)
        output_text = sum(count_tokens(c["name"] + c["arguments"]) for c in calls)
        response.update(
            status="completed", output=items, usage=_usage(instructions, inputs, output_text, 0)
        )
        self.charge(response["usage"])
        await self.emit("response.done", response=response)

    def charge(self, usage: Mapping[str, Any]) -> None:
        pricing = self.entry.get("pricing") or {}

        def price(name: str) -> float:
            value = pricing.get(f"{name}_discounted", pricing.get(name))
            return float(value) if isinstance(value, (int, float)) else 0.0

        cost = usage["input_tokens"] / 1000 * price("prompt_usd_per_1k") + usage[
            "output_tokens"
        ] / 1000 * price("completion_usd_per_1k")
        self.gateway.charge(self.record, cost)
