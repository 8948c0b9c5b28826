"""PNG in and out for pixel pictures (image edits): a decoder for every standard non-interlaced
PNG and an RGBA encoder.

Rule: a picture here is :class:`Pixels`, ``width`` x ``height`` RGBA bytes, row by row. The
decoder handles colour types 0 (grey), 2 (RGB), 3 (palette, with ``tRNS``), 4 (grey + alpha) and
6 (RGBA) at every bit depth PNG allows, and all five row filters; interlaced (Adam7) files are
refused with ``ValueError`` naming the reason.
"""

from __future__ import annotations

import struct
import zlib
from typing import List, Tuple

from .images import _png_chunk

__all__ = ["Pixels", "decode_png", "encode_png_rgba", "is_png"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


class Pixels:
    """An RGBA picture: ``data`` holds ``width * height * 4`` bytes, row by row."""

    __slots__ = ("data", "height", "width")

    def __init__(self, width: int, height: int, data: bytearray) -> None:
        if len(data) != width * height * 4:
            raise ValueError("pixel data does not match the picture's size")
        self.width = width
        self.height = height
        self.data = data

    @classmethod
    def blank(cls, width: int, height: int, rgba: Tuple[int, int, int, int]) -> Pixels:
        """A picture of one colour."""
        return cls(width, height, bytearray(bytes(rgba) * (width * height)))

    def get(self, x: int, y: int) -> Tuple[int, int, int, int]:
        """The RGBA value at ``(x, y)``."""
        i = (y * self.width + x) * 4
        d = self.data
        return d[i], d[i + 1], d[i + 2], d[i + 3]

    def put(self, x: int, y: int, rgba: Tuple[int, int, int, int]) -> None:
        """Set the RGBA value at ``(x, y)``."""
        i = (y * self.width + x) * 4
        self.data[i : i + 4] = bytes(rgba)

    def copy(self) -> Pixels:
        """An independent copy."""
        return Pixels(self.width, self.height, bytearray(self.data))


def is_png(data: bytes) -> bool:
    """True when ``data`` starts with the PNG signature."""
    return data[:8] == _SIGNATURE


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(raw: bytes, height: int, stride: int, bpp: int) -> List[bytearray]:
    rows: List[bytearray] = []
    prev = bytearray(stride)
    pos = 0
    for _ in range(height):
        kind = raw[pos]
        line = bytearray(raw[pos + 1 : pos + 1 + stride])
        pos += 1 + stride
        if len(line) != stride:
            raise ValueError("PNG image data is truncated")
        if kind == 1:
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:
            for i in range(stride):
                line[i] = (line[i] + prev[i]) & 0xFF
        elif kind == 3:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                up_left = prev[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + _paeth(left, prev[i], up_left)) & 0xFF
        elif kind != 0:
            raise ValueError(f"PNG row filter {kind} does not exist")
        rows.append(line)
        prev = line
    return rows


def _samples(line: bytearray, count: int, depth: int) -> List[int]:
    """The ``count`` samples of one row, scaled to 0..255 (a palette index is left as it is)."""
    if depth == 8:
        return list(line[:count])
    if depth == 16:
        return [line[2 * i] for i in range(count)]
    per_byte = 8 // depth
    mask = (1 << depth) - 1
    out = []
    for i in range(count):
        byte = line[i // per_byte]
        shift = 8 - depth * (i % per_byte + 1)
        out.append((byte >> shift) & mask)
    return out


def decode_png(data: bytes) -> Pixels:
    """Decode a PNG file into RGBA pixels (``ValueError`` with the reason if it cannot)."""
    if not is_png(data):
        raise ValueError("not a PNG file")
    pos = 8
    header = b""
    palette = b""
    trns = b""
    idat = bytearray()
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            raise ValueError(f"PNG chunk {kind.decode('latin-1')} is truncated")
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"PLTE":
            palette = body
        elif kind == b"tRNS":
            trns = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    if len(header) != 13:
        raise ValueError("PNG file has no IHDR header")
    width, height, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if ctype not in _CHANNELS or depth not in (1, 2, 4, 8, 16):
        raise ValueError(f"PNG colour type {ctype} at bit depth {depth} is not valid")
    if interlace:
        raise ValueError("interlaced PNG files are not supported; save it without interlacing")
    if not (1 <= width <= 8192 and 1 <= height <= 8192):
        raise ValueError(f"PNG size {width}x{height} is out of range (1 to 8192 per side)")
    try:
        raw = zlib.decompress(bytes(idat))
    except zlib.error:
        raise ValueError("PNG image data is corrupt") from None
    channels = _CHANNELS[ctype]
    bits = channels * depth
    stride = (width * bits + 7) // 8
    bpp = max(1, bits // 8)
    rows = _unfilter(raw, height, stride, bpp)
    out = bytearray()
    scale = 255 // ((1 << depth) - 1) if depth < 8 else 1
    for line in rows:
        samples = _samples(line, width * channels, depth)
        if ctype == 6:
            out += bytes(samples)
        elif ctype == 2:
            for i in range(0, len(samples), 3):
                out += bytes((samples[i], samples[i + 1], samples[i + 2], 255))
        elif ctype == 3:
            for index in samples:
                if 3 * index + 3 > len(palette):
                    raise ValueError("PNG palette index out of range")
                alpha = trns[index] if index < len(trns) else 255
                out += palette[3 * index : 3 * index + 3] + bytes((alpha,))
        elif ctype == 0:
            for g in samples:
                out += bytes((g * scale,) * 3 + (255,))
        else:  # 4: grey + alpha
            for i in range(0, len(samples), 2):
                out += bytes((samples[i],) * 3 + (samples[i + 1],))
    return Pixels(width, height, out)


def encode_png_rgba(image: Pixels) -> bytes:
    """8-bit RGBA PNG (RGB when every pixel is opaque), filter type 0."""
    d = image.data
    opaque = all(a == 255 for a in d[3::4])
    raw = bytearray()
    row_bytes = image.width * 4
    for y in range(image.height):
        row = d[y * row_bytes : (y + 1) * row_bytes]
        raw.append(0)
        if opaque:
            del row[3::4]
        raw += row
    ctype = 2 if opaque else 6
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, ctype, 0, 0, 0)
    return (
        _SIGNATURE
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 6))
        + _png_chunk(b"IEND", b"")
    )
