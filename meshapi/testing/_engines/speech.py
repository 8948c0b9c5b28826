"""Speech for the audio endpoints: voices, clips that carry their own transcript, transcripts.

Rule: a clip the gateway speaks is the tone-per-word voice of ``_engines/audio.py`` with its
text hidden in the least significant bit of the first samples (inaudible: ±1 in 32767), as
``MSH1`` + length + JSON ``{"t": text, "l": language}`` + CRC-32, so transcribing that clip,
as WAV or as raw PCM, gives back the exact text. Any other audio gets a transcript drawn from
a fixed vocabulary by a hash of its bytes: the same clip, the same words.
"""

from __future__ import annotations

import array
import hashlib
import json
import struct
import sys
import zlib
from typing import Any, Dict, List, Optional, Tuple

from .._formats.audio import SAMPLE_RATE, wav_pcm16
from .audio import synthesize_pcm16

__all__ = [
    "VOICES",
    "hidden_payload",
    "speak",
    "stand_in_transcript",
    "transcribe_clip",
]

_MAGIC = b"MSH1"

# ElevenLabs-style voices (ids as the provider writes them) and Sarvam speakers (names).
VOICES: List[Dict[str, Any]] = [
    {"voice_id": vid, "name": name, "category": cat, "description": desc, "labels": labels}
    for vid, name, cat, desc, labels in [
        (
            "21m00Tcm4TlvDq8ikWAM",
            "Rachel",
            "premade",
            "Calm narration.",
            {"gender": "female", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "29vD33N1CtxCmqQRPOHJ",
            "Drew",
            "premade",
            "Well-rounded news voice.",
            {"gender": "male", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "2EiwWnXFnvU5JabPnv8n",
            "Clyde",
            "premade",
            "War veteran, characters.",
            {"gender": "male", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "AZnzlk1XvdvUeBnXmlld",
            "Domi",
            "premade",
            "Strong, assertive.",
            {"gender": "female", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "EXAVITQu4vr4xnSDxMaL",
            "Sarah",
            "premade",
            "Soft news voice.",
            {"gender": "female", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "ErXwobaYiN019PkySvjV",
            "Antoni",
            "premade",
            "Well-rounded.",
            {"gender": "male", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "MF3mGyEYCl7XYWbV9V6O",
            "Elli",
            "premade",
            "Emotional.",
            {"gender": "female", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "TxGEqnHWrfWFTfGW9XjX",
            "Josh",
            "premade",
            "Deep.",
            {"gender": "male", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "VR6AewLTigWG4xSOukaG",
            "Arnold",
            "premade",
            "Crisp.",
            {"gender": "male", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "pNInz6obpgDQGcFmaJgB",
            "Adam",
            "premade",
            "Deep narration.",
            {"gender": "male", "accent": "american", "provider": "elevenlabs"},
        ),
        (
            "meera",
            "Meera",
            "sarvam",
            "Sarvam Bulbul speaker.",
            {"gender": "female", "accent": "indian", "provider": "sarvam"},
        ),
        (
            "pavithra",
            "Pavithra",
            "sarvam",
            "Sarvam Bulbul speaker.",
            {"gender": "female", "accent": "indian", "provider": "sarvam"},
        ),
        (
            "maitreyi",
            "Maitreyi",
            "sarvam",
            "Sarvam Bulbul speaker.",
            {"gender": "female", "accent": "indian", "provider": "sarvam"},
        ),
        (
            "arvind",
            "Arvind",
            "sarvam",
            "Sarvam Bulbul speaker.",
            {"gender": "male", "accent": "indian", "provider": "sarvam"},
        ),
        (
            "amol",
            "Amol",
            "sarvam",
            "Sarvam Bulbul speaker.",
            {"gender": "male", "accent": "indian", "provider": "sarvam"},
        ),
        (
            "amartya",
            "Amartya",
            "sarvam",
            "Sarvam Bulbul speaker.",
            {"gender": "male", "accent": "indian", "provider": "sarvam"},
        ),
    ]
]

_VOCABULARY = (
    "the",
    "a",
    "meeting",
    "project",
    "river",
    "morning",
    "team",
    "plan",
    "quickly",
    "today",
    "update",
    "notes",
    "garden",
    "city",
    "weather",
    "report",
    "call",
    "later",
    "shipping",
    "review",
    "music",
    "window",
    "coffee",
    "station",
    "bright",
    "quiet",
    "numbers",
    "budget",
    "travel",
    "north",
    "evening",
    "market",
    "signal",
    "design",
    "story",
    "language",
    "bridge",
)


def _voice_pitch(voice: Optional[str]) -> float:
    if not voice:
        return 0.0
    return float(hashlib.blake2b(voice.lower().encode(), digest_size=1).digest()[0] % 61 - 30)


def _samples(pcm: bytes) -> array.array[int]:
    samples = array.array("h")
    samples.frombytes(pcm[: len(pcm) // 2 * 2])
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def _pcm(samples: array.array[int]) -> bytes:
    if sys.byteorder == "big":
        samples = array.array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def speak(
    text: str,
    *,
    voice: Optional[str] = None,
    language: Optional[str] = None,
    sample_rate: int = SAMPLE_RATE,
    pitch: float = 0.0,
    pace: float = 1.0,
    loudness: float = 1.0,
) -> bytes:
    """PCM16 mono at ``sample_rate`` speaking ``text``, carrying it (see the module rule)."""
    pcm = synthesize_pcm16(
        text,
        sample_rate,
        pitch_shift=_voice_pitch(voice) + 40.0 * pitch,
        pace=pace,
        volume=loudness,
    )
    body = json.dumps({"t": text, "l": language}, ensure_ascii=False).encode("utf-8")
    payload = _MAGIC + struct.pack(">I", len(body)) + body + struct.pack(">I", zlib.crc32(body))
    samples = _samples(pcm)
    bits = len(payload) * 8
    if len(samples) < bits:
        samples.extend([0] * (bits - len(samples)))  # a little more silence to carry the text
    i = 0
    for byte in payload:
        for shift in range(7, -1, -1):
            samples[i] = (samples[i] & ~1) | ((byte >> shift) & 1)
            i += 1
    return _pcm(samples)


def _read_bytes(samples: array.array[int], start: int, count: int) -> bytes:
    out = bytearray()
    for k in range(count):
        value = 0
        base = start + 8 * k
        for j in range(8):
            value = (value << 1) | (samples[base + j] & 1)
        out.append(value)
    return bytes(out)


def hidden_payload(pcm: bytes) -> Optional[Tuple[str, Optional[str]]]:
    """(text, language) hidden in a clip this gateway spoke, or ``None``."""
    samples = _samples(pcm)
    if len(samples) < 64 or _read_bytes(samples, 0, 4) != _MAGIC:
        return None
    (length,) = struct.unpack(">I", _read_bytes(samples, 32, 4))
    if 64 + 8 * (length + 4) > len(samples):
        return None
    body = _read_bytes(samples, 64, length)
    (crc,) = struct.unpack(">I", _read_bytes(samples, 64 + 8 * length, 4))
    if crc != zlib.crc32(body):
        return None
    try:
        data = json.loads(body)
        return str(data["t"]), data.get("l")
    except (ValueError, KeyError, TypeError):
        return None


def stand_in_transcript(content: bytes, seconds: float) -> str:
    """A deterministic sentence for audio the gateway did not speak (about 2.5 words/s)."""
    digest = hashlib.blake2b(content, digest_size=32).digest()
    count = max(3, min(40, int(seconds * 2.5)))
    words = [_VOCABULARY[(digest[i % 32] + 31 * i) % len(_VOCABULARY)] for i in range(count)]
    return " ".join(words).capitalize() + "."


def transcribe_clip(content: bytes) -> Tuple[str, Optional[str], float, bool]:
    """(text, language, seconds, spoken by this gateway) of a WAV or raw PCM16 clip (other
    formats are heard as noise: a stand-in transcript)."""
    wav = wav_pcm16(content)
    if wav is not None:
        pcm, rate, channels = wav
        seconds = len(pcm) / (2 * rate * max(1, channels))
    else:
        pcm = content
        seconds = len(content) / (2 * SAMPLE_RATE)
    found = hidden_payload(pcm) if wav is None or wav[2] == 1 else None
    if found is not None:
        return found[0], found[1], seconds, True
    return stand_in_transcript(content, seconds), None, seconds, False
