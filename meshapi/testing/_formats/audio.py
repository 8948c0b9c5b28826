"""Audio bytes: WAV files, PCM16 durations, base64 audio payloads.

Rule: audio is PCM16 mono at 24 kHz (the realtime protocol's format) unless a header says
otherwise.
"""

from __future__ import annotations

import base64
import binascii
import struct
from typing import Optional, Tuple

__all__ = [
    "SAMPLE_RATE",
    "audio_seconds",
    "decode_base64",
    "pcm16_seconds",
    "wav_bytes",
    "wav_pcm16",
]

SAMPLE_RATE = 24000


def wav_bytes(pcm: bytes, sample_rate: int = SAMPLE_RATE, channels: int = 1) -> bytes:
    """Wrap PCM16 data in a RIFF/WAVE header."""
    byte_rate = sample_rate * channels * 2
    header = b"RIFF" + struct.pack("<I", 36 + len(pcm)) + b"WAVE"
    header += b"fmt " + struct.pack(
        "<IHHIIHH", 16, 1, channels, sample_rate, byte_rate, channels * 2, 16
    )
    header += b"data" + struct.pack("<I", len(pcm))
    return header + pcm


def pcm16_seconds(pcm: bytes, sample_rate: int = SAMPLE_RATE) -> float:
    """Duration of mono PCM16 data."""
    return len(pcm) / (2 * sample_rate)


def _wav_info(data: bytes) -> Optional[Tuple[int, int, int]]:
    """(byte rate, data length, channels) of a WAV file, or None if it is not one."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, byte_rate, channels = 12, 0, 1
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if chunk == b"fmt " and size >= 16:
            _, channels, _, byte_rate, _, _ = struct.unpack("<HHIIHH", data[pos + 8 : pos + 24])
        elif chunk == b"data":
            return byte_rate, min(size, len(data) - pos - 8), channels
        pos += 8 + size + (size & 1)
    return None


def wav_pcm16(data: bytes) -> Optional[Tuple[bytes, int, int]]:
    """(PCM16 samples, sample rate, channels) of a 16-bit PCM WAV file, or None if it is not
    one."""
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos, rate, channels, bits, fmt = 12, 0, 1, 0, 0
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if chunk == b"fmt " and size >= 16:
            fmt, channels, rate, _, _, bits = struct.unpack("<HHIIHH", data[pos + 8 : pos + 24])
        elif chunk == b"data":
            if fmt != 1 or bits != 16 or rate <= 0:
                return None
            return data[pos + 8 : pos + 8 + size], rate, channels
        pos += 8 + size + (size & 1)
    return None


def audio_seconds(data: bytes, fmt: str) -> float:
    """Best-effort duration of an audio clip: exact for WAV/PCM16, estimated otherwise."""
    if fmt == "wav":
        info = _wav_info(data)
        if info is not None and info[0] > 0:
            return info[1] / info[0]
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
