"""Audio bytes: WAV files, PCM16 durations, base64 audio payloads.

Rule: audio is PCM16 mono at 24 kHz (the realtime protocol's format) unless a header says
otherwise.
"""

from __future__ import annotations

import base64
import binascii
import io
import wave
from typing import Optional, Tuple

__all__ = [
    "SAMPLE_RATE",
    "audio_seconds",
    "decode_base64",
    "pcm16_seconds",
    "wav_bytes",
    "wav_pcm16",
    "wav_seconds",
]

SAMPLE_RATE = 24000


def wav_bytes(pcm: bytes, sample_rate: int = SAMPLE_RATE, channels: int = 1) -> bytes:
    """Wrap PCM16 data in a WAV file."""
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm)
    return out.getvalue()


def pcm16_seconds(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> float:
    """Duration of mono PCM16 data."""
    return len(pcm) / (2 * sample_rate)


def wav_seconds(data: bytes) -> Optional[float]:
    """Duration of the audio a PCM WAV file holds (of what is there, if it was cut short);
    ``None`` when the bytes are not a WAV file the standard library reads."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            frame_bytes = wav.getsampwidth() * wav.getnchannels()
            rate = wav.getframerate()
            present = len(wav.readframes(wav.getnframes()))
    except (wave.Error, EOFError, ValueError):
        return None
    if frame_bytes <= 0 or rate <= 0:
        return None
    return present / (frame_bytes * rate)


def wav_pcm16(data: bytes) -> Optional[Tuple[bytes, int, int]]:
    """(PCM16 samples, sample rate, channels) of a 16-bit PCM WAV file; ``None`` when the bytes
    are not one the standard library reads."""
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            if wav.getsampwidth() != 2 or wav.getframerate() <= 0:
                return None
            return wav.readframes(wav.getnframes()), wav.getframerate(), wav.getnchannels()
    except (wave.Error, EOFError, ValueError):
        return None


def audio_seconds(data: bytes, fmt: str) -> float:
    """Best-effort duration of an audio clip: exact for WAV/PCM16, estimated otherwise."""
    if fmt == "wav":
        seconds = wav_seconds(data)
        if seconds is not None:
            return seconds
    if fmt in {"pcm16", "pcm"}:
        return pcm16_seconds(data)
    # Compressed formats: assume about 16 kB per second (128 kbit/s).
    return len(data) / 16000.0


def decode_base64(data: str) -> Optional[bytes]:
    """Strict base64 decoding (a ``data:`` URL prefix is accepted); ``None`` if invalid."""
    if data.startswith("data:") and "," in data:
        data = data.split(",", 1)[1]
    try:
        return base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        return None
