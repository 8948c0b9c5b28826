"""Animated GIF files (GIF89a): the local gateway's "video" format.

Rule: frames are palette indices (one byte per pixel) over one global palette of at most 256
colours; every frame covers the whole screen; the file loops forever. Any browser, image viewer
or media player (VLC, mpv, ffmpeg) plays it.
"""

from __future__ import annotations

import struct
from typing import Dict, List, Sequence, Tuple

__all__ = ["encode_gif", "lzw_encode"]


def lzw_encode(indices: bytes, min_code_size: int) -> bytes:
    """GIF's variable-length LZW over ``indices`` (codes packed least significant bit first)."""
    clear = 1 << min_code_size
    end = clear + 1
    out = bytearray()
    acc = 0
    nbits = 0
    code_size = min_code_size + 1
    table: Dict[int, int] = {}
    next_code = end + 1

    def emit(code: int) -> None:
        nonlocal acc, nbits
        acc |= code << nbits
        nbits += code_size
        while nbits >= 8:
            out.append(acc & 0xFF)
            acc >>= 8
            nbits -= 8

    emit(clear)
    if not indices:
        emit(end)
        if nbits:
            out.append(acc & 0xFF)
        return bytes(out)
    prefix = indices[0]
    for byte in indices[1:]:
        key = (prefix << 8) | byte
        code = table.get(key)
        if code is not None:
            prefix = code
            continue
        emit(prefix)
        table[key] = next_code
        next_code += 1
        if next_code > (1 << code_size) and code_size < 12:
            code_size += 1
        if next_code >= 4096:
            emit(clear)
            table = {}
            next_code = end + 1
            code_size = min_code_size + 1
        prefix = byte
    emit(prefix)
    emit(end)
    if nbits:
        out.append(acc & 0xFF)
    return bytes(out)


def _sub_blocks(data: bytes) -> bytes:
    out = bytearray()
    for i in range(0, len(data), 255):
        piece = data[i : i + 255]
        out.append(len(piece))
        out += piece
    out.append(0)
    return bytes(out)


def encode_gif(
    width: int,
    height: int,
    palette: Sequence[Tuple[int, int, int]],
    frames: List[bytes],
    delay_cs: int,
) -> bytes:
    """An animated GIF: ``frames`` of ``width * height`` palette indices, each shown
    ``delay_cs`` hundredths of a second, looping forever."""
    if not 1 <= len(palette) <= 256:
        raise ValueError("a GIF palette has 1 to 256 colours")
    size_bits = max(1, (len(palette) - 1).bit_length())
    table = bytearray()
    for r, g, b in palette:
        table += bytes((r, g, b))
    table += bytes(3 * ((1 << size_bits) - len(palette)))
    out = bytearray(b"GIF89a")
    out += struct.pack("<HHBBB", width, height, 0x80 | 0x70 | (size_bits - 1), 0, 0)
    out += table
    out += b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"  # loop forever
    min_code_size = max(2, size_bits)
    for frame in frames:
        if len(frame) != width * height:
            raise ValueError("a frame must have width * height palette indices")
        out += b"\x21\xf9\x04" + struct.pack("<BHBB", 0x04, delay_cs, 0, 0)
        out += b"\x2c" + struct.pack("<HHHHB", 0, 0, width, height, 0)
        out.append(min_code_size)
        out += _sub_blocks(lzw_encode(frame, min_code_size))
    out += b"\x3b"
    return bytes(out)
