"""WAV in and out of the gateway (the standard library's ``wave``), and audio durations."""

from __future__ import annotations

import io
import struct
import wave

from meshapi.testing._engines.audio import synthesize_pcm16
from meshapi.testing._formats.audio import (
    SAMPLE_RATE,
    audio_seconds,
    decode_base64,
    wav_bytes,
    wav_seconds,
)


def test_wav_bytes_is_a_pcm16_wav_file_holding_the_samples() -> None:
    pcm = synthesize_pcm16("hello there")
    with wave.open(io.BytesIO(wav_bytes(pcm)), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, SAMPLE_RATE)
        assert wav.readframes(wav.getnframes()) == pcm


def test_the_duration_of_a_wav_file_counts_its_frames_even_when_it_was_cut_short() -> None:
    one_second_stereo = wav_bytes(b"\x00\x01" * 2 * 8000, sample_rate=8000, channels=2)
    assert wav_seconds(one_second_stereo) == 1.0
    assert audio_seconds(one_second_stereo, "wav") == 1.0
    half = one_second_stereo[: 44 + 16000]
    assert wav_seconds(half) == 0.5


def test_bytes_that_are_no_pcm_wav_get_an_estimate_instead() -> None:
    assert wav_seconds(b"RIFF....WAVEjunk") is None
    # A float WAV (format 3) is a WAV the standard library does not read: estimated by size.
    header = b"RIFF" + struct.pack("<I", 36 + 32000) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 3, 1, 8000, 32000, 4, 32)
    float_wav = header + b"data" + struct.pack("<I", 32000) + bytes(32000)
    assert wav_seconds(float_wav) is None
    assert audio_seconds(float_wav, "wav") == len(float_wav) / 16000.0


def test_pcm16_durations_and_base64_payloads() -> None:
    assert audio_seconds(bytes(2 * SAMPLE_RATE), "pcm16") == 1.0
    assert decode_base64("data:audio/wav;base64,AAEC") == b"\x00\x01\x02"
    assert decode_base64("not base64!") is None
