"""A deterministic "voice": speech stood in for by one short tone per word.

Rule: the same transcript gives the same bytes: PCM16 mono at 24 kHz, each word a tone pitched
by the word.
"""

from __future__ import annotations

import hashlib
import math
import struct

from .._formats.audio import SAMPLE_RATE

__all__ = ["synthesize_pcm16"]

_MAX_SECONDS = 20.0


def synthesize_pcm16(
    text: str, sample_rate: int = SAMPLE_RATE, *, pitch_shift: float = 0.0, pace: float = 1.0
) -> bytes:
    """PCM16 little-endian mono: a 90 ms tone per word with 30 ms gaps (at most 20 s).

    ``pitch_shift`` (Hz) moves every tone (a voice); ``pace`` > 1 speaks faster.
    """
    words = text.split() or ["..."]
    tone = max(8, int(0.09 * sample_rate / pace))
    gap = bytes(2 * int(0.03 * sample_rate / pace))
    out = bytearray()
    limit = int(_MAX_SECONDS * sample_rate) * 2
    for word in words:
        if len(out) >= limit:
            break
        pitch = 180 + hashlib.blake2b(word.lower().encode(), digest_size=2).digest()[0] * 2
        hz = max(60.0, pitch + pitch_shift)
        step = 2 * math.pi * hz / sample_rate
        # A short fade in and out avoids clicks between words.
        fade = max(1, tone // 10)
        samples = [
            int(9000 * math.sin(i * step) * min(1.0, i / fade, (tone - i) / fade))
            for i in range(tone)
        ]
        out += struct.pack(f"<{tone}h", *samples)
        out += gap
    return bytes(out[:limit])
