"""Deterministic "voices": speech stood in for by one short tone per word.

Rule: the same transcript gives the same bytes: PCM16 mono at 24 kHz, each word a tone pitched
by the word. :func:`synthesize_pcm16` is the audio of chat completions; :func:`synthesize_words`
the realtime voices (one chunk per word, pitched by the voice, paced by the speed).
"""

from __future__ import annotations

import hashlib
import math
import struct
import zlib
from array import array
from typing import List, Sequence

from .._formats.audio import SAMPLE_RATE

__all__ = ["VOICES", "synthesize_pcm16", "synthesize_words"]

VOICES = ("alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar")

_MAX_SECONDS = 20.0


def synthesize_pcm16(
    text: str,
    sample_rate: int = SAMPLE_RATE,
    *,
    pitch_shift: float = 0.0,
    pace: float = 1.0,
    volume: float = 1.0,
) -> bytes:
    """PCM16 little-endian mono: a 90 ms tone per word with 30 ms gaps (at most 20 s).

    ``pitch_shift`` (Hz) moves every tone (a voice); ``pace`` > 1 speaks faster; ``volume``
    scales the loudness (at most about 3.5 times before the samples would clip).
    """
    words = text.split() or ["..."]
    tone = max(8, int(0.09 * sample_rate / pace))
    gap = bytes(2 * int(0.03 * sample_rate / pace))
    amplitude = min(32000.0, 9000.0 * volume)
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
            int(amplitude * math.sin(i * step) * min(1.0, i / fade, (tone - i) / fade))
            for i in range(tone)
        ]
        out += struct.pack(f"<{tone}h", *samples)
        out += gap
    return bytes(out[:limit])


def _word_tone(word: str, base_hz: float, speed: float) -> array[int]:
    """One word as a sine tone: pitch from the word's CRC, length from its letters, faded in
    and out so consecutive words do not click, followed by a short silence."""
    letters = max(1, sum(ch.isalnum() for ch in word))
    duration_ms = min(600, 80 + 45 * letters) / speed
    n = int(SAMPLE_RATE * duration_ms / 1000)
    freq = base_hz + (zlib.crc32(word.lower().encode("utf-8")) % 400)
    fade = max(1, min(n // 2, SAMPLE_RATE * 5 // 1000))
    step = 2 * math.pi * freq / SAMPLE_RATE
    amp = 0.25 * 32767
    samples = array("h")
    for i in range(n):
        envelope = min(1.0, i / fade, (n - 1 - i) / fade)
        samples.append(int(amp * envelope * math.sin(step * i)))
    samples.extend([0] * int(SAMPLE_RATE * 0.03 / speed))
    return samples


def synthesize_words(words: Sequence[str], voice: str = "alloy", speed: float = 1.0) -> List[bytes]:
    """PCM16 little-endian 24 kHz mono audio, one chunk per word (deterministic)."""
    base_hz = 180.0 + 20.0 * (VOICES.index(voice) if voice in VOICES else 0)
    chunks = []
    for word in words:
        samples = _word_tone(word, base_hz, speed)
        if struct.pack("=h", 1) != struct.pack("<h", 1):  # pragma: no cover - big-endian hosts
            samples.byteswap()
        chunks.append(samples.tobytes())
    return chunks
