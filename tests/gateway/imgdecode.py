"""Minimal image decoders for checking the gateway's encoders without an imaging library.

They are written from the format specifications, separately from the encoders: PNG (zlib,
filter type 0), the JPEG entropy-coded scan (Huffman level, DC of the first block) and
lossless WebP (VP8L without transforms or colour cache, which is what the gateway writes).
"""

from __future__ import annotations

import struct
import zlib
from typing import Dict, List, Optional, Tuple

Pixel = Tuple[int, ...]


def decode_png(data: bytes) -> Tuple[int, int, List[List[Pixel]]]:
    """(width, height, rows of pixels) of an 8-bit RGB/RGBA PNG; checks every CRC."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature"
    pos, idat, header = 8, b"", b""
    kinds = []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body), f"bad CRC in {kind!r}"
        kinds.append(kind)
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND"
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = 1 + width * channels
    assert len(raw) == height * stride
    rows = []
    for y in range(height):
        line = raw[y * stride : (y + 1) * stride]
        assert line[0] == 0, "only filter type 0 is expected"
        rows.append([tuple(line[1 + x * channels : 1 + (x + 1) * channels]) for x in range(width)])
    return width, height, rows


# --------------------------------------------------------------------------------------------
# JPEG


class _MSBReader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0
        self.bit = 0

    def read(self, count: int) -> int:
        value = 0
        for _ in range(count):
            if self.pos >= len(self.data):
                raise ValueError("scan data ended early")
            value = (value << 1) | ((self.data[self.pos] >> (7 - self.bit)) & 1)
            self.bit += 1
            if self.bit == 8:
                self.bit, self.pos = 0, self.pos + 1
        return value


def _jpeg_table(counts: bytes, symbols: bytes) -> Dict[Tuple[int, int], int]:
    table: Dict[Tuple[int, int], int] = {}
    code, index = 0, 0
    for length in range(1, 17):
        for _ in range(counts[length - 1]):
            table[(length, code)] = symbols[index]
            code, index = code + 1, index + 1
        code <<= 1
    return table


def _jpeg_symbol(reader: _MSBReader, table: Dict[Tuple[int, int], int]) -> int:
    code = 0
    for length in range(1, 17):
        code = (code << 1) | reader.read(1)
        if (length, code) in table:
            return table[(length, code)]
    raise ValueError("invalid Huffman code in scan")


def _extend(bits: int, size: int) -> int:
    return bits - (1 << size) + 1 if size and bits < (1 << (size - 1)) else bits


def check_jpeg(data: bytes) -> Dict[str, int]:
    """Walk a baseline JPEG, decode every block's Huffman symbols; returns facts about it.

    Keys: width, height, components, blocks, first_luma (the decoded level of the first luma
    block, from its DC coefficient).
    """
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    pos = 2
    qtables: Dict[int, List[int]] = {}
    huff: Dict[Tuple[int, int], Dict[Tuple[int, int], int]] = {}
    width = height = 0
    comps: List[Tuple[int, int]] = []
    scan_tables: List[Tuple[int, int]] = []
    while True:
        assert data[pos] == 0xFF
        marker = data[pos + 1]
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        body = data[pos + 4 : pos + 2 + length]
        pos += 2 + length
        if marker == 0xDB:
            i = 0
            while i < len(body):
                qtables[body[i] & 15] = list(body[i + 1 : i + 65])
                i += 65
        elif marker == 0xC0:
            precision, height, width, count = struct.unpack(">BHHB", body[:6])
            assert precision == 8
            comps = [(body[6 + 3 * c + 1], body[6 + 3 * c + 2]) for c in range(count)]
            assert all(sampling == 0x11 for sampling, _ in comps)
        elif marker == 0xC4:
            i = 0
            while i < len(body):
                klass, ident = body[i] >> 4, body[i] & 15
                counts = body[i + 1 : i + 17]
                total = sum(counts)
                huff[(klass, ident)] = _jpeg_table(counts, body[i + 17 : i + 17 + total])
                i += 17 + total
        elif marker == 0xDA:
            count = body[0]
            scan_tables = [(body[2 + 2 * c] >> 4, body[2 + 2 * c] & 15) for c in range(count)]
            break
    scan = data[pos:-2].replace(b"\xff\x00", b"\xff")
    reader = _MSBReader(scan)
    blocks_x, blocks_y = -(-width // 8), -(-height // 8)
    first_dc: Optional[int] = None
    blocks = 0
    for _ in range(blocks_x * blocks_y):
        for c, (dc_id, ac_id) in enumerate(scan_tables):
            size = _jpeg_symbol(reader, huff[(0, dc_id)])
            diff = _extend(reader.read(size), size)
            if first_dc is None and c == 0:
                first_dc = diff
            k = 1
            while k < 64:
                rs = _jpeg_symbol(reader, huff[(1, ac_id)])
                run, size = rs >> 4, rs & 15
                if size == 0:
                    if run == 15:
                        k += 16
                        continue
                    break
                k += run
                reader.read(size)
                k += 1
            blocks += 1
    remaining = len(scan) - reader.pos
    assert remaining <= 1, f"{remaining} bytes of scan data left over"
    assert first_dc is not None
    luma_q = qtables[comps[0][1]]
    return {
        "width": width,
        "height": height,
        "components": len(comps),
        "blocks": blocks,
        "first_luma": round(first_dc * luma_q[0] / 8 + 128),
    }


# --------------------------------------------------------------------------------------------
# WebP lossless


class _LSBReader:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def read(self, count: int) -> int:
        value = 0
        for i in range(count):
            byte = self.data[self.pos >> 3]
            value |= ((byte >> (self.pos & 7)) & 1) << i
            self.pos += 1
        return value


class _Code:
    def __init__(self, lengths: List[int]) -> None:
        used = [s for s, n in enumerate(lengths) if n]
        self.single = used[0] if len(used) == 1 else None
        self.table: Dict[Tuple[int, int], int] = {}
        code = 0
        for length in range(1, 16):
            for symbol, n in enumerate(lengths):
                if n == length:
                    self.table[(length, code)] = symbol
                    code += 1
            code <<= 1
        if self.single is None and code != 1 << 16:
            raise ValueError("incomplete prefix code")

    def decode(self, reader: _LSBReader) -> int:
        if self.single is not None:
            return self.single
        code = 0
        for length in range(1, 16):
            code = (code << 1) | reader.read(1)
            if (length, code) in self.table:
                return self.table[(length, code)]
        raise ValueError("invalid prefix code in image data")


_ORDER = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
_PLANE = [(0, 1), (1, 0), (1, 1), (-1, 1)]  # the first entries of the spec's distance map


def _read_code(reader: _LSBReader, size: int) -> _Code:
    if reader.read(1):
        count = reader.read(1) + 1
        first = reader.read(8 if reader.read(1) else 1)
        lengths = [0] * size
        lengths[first] = 1
        if count == 2:
            lengths[reader.read(8)] = 1
        return _Code(lengths)
    cl_lengths = [0] * 19
    for i in range(reader.read(4) + 4):
        cl_lengths[_ORDER[i]] = reader.read(3)
    cl = _Code(cl_lengths)
    max_symbol = size
    if reader.read(1):
        max_symbol = 2 + reader.read(2 + 2 * reader.read(3))
    lengths: List[int] = []
    previous = 8
    while len(lengths) < size and max_symbol > 0:
        max_symbol -= 1
        symbol = cl.decode(reader)
        if symbol < 16:
            lengths.append(symbol)
            previous = symbol or previous
        elif symbol == 16:
            lengths += [previous] * (3 + reader.read(2))
        elif symbol == 17:
            lengths += [0] * (3 + reader.read(3))
        else:
            lengths += [0] * (11 + reader.read(7))
    lengths += [0] * (size - len(lengths))
    return _Code(lengths[:size])


def _prefix_value(reader: _LSBReader, symbol: int) -> int:
    if symbol < 4:
        return symbol + 1
    extra = (symbol - 2) >> 1
    return ((2 + (symbol & 1)) << extra) + reader.read(extra) + 1


def decode_webp(data: bytes) -> Tuple[int, int, List[Pixel]]:
    """(width, height, RGBA pixels) of a lossless WebP without transforms or colour cache."""
    assert data[:4] == b"RIFF" and data[8:16] == b"WEBPVP8L"
    (riff_size,) = struct.unpack("<I", data[4:8])
    assert riff_size == len(data) - 8
    (chunk_size,) = struct.unpack("<I", data[16:20])
    reader = _LSBReader(data[20 : 20 + chunk_size])
    assert reader.read(8) == 0x2F
    width, height = reader.read(14) + 1, reader.read(14) + 1
    reader.read(1)
    assert reader.read(3) == 0, "version"
    assert reader.read(1) == 0, "transforms are not expected"
    assert reader.read(1) == 0, "a colour cache is not expected"
    assert reader.read(1) == 0, "meta prefix codes are not expected"
    green, red, blue, alpha, dist = (_read_code(reader, n) for n in (280, 256, 256, 256, 40))
    pixels: List[Pixel] = []
    total = width * height
    while len(pixels) < total:
        g = green.decode(reader)
        if g < 256:
            r, b, a = red.decode(reader), blue.decode(reader), alpha.decode(reader)
            pixels.append((r, g, b, a))
            continue
        length = _prefix_value(reader, g - 256)
        code = _prefix_value(reader, dist.decode(reader))
        if code > 120:
            distance = code - 120
        else:
            if code > len(_PLANE):
                raise ValueError(f"distance code {code} is outside this decoder's table")
            dx, dy = _PLANE[code - 1]
            distance = max(1, dx + dy * width)
        for _ in range(length):
            pixels.append(pixels[len(pixels) - distance])
    assert len(pixels) == total
    return width, height, pixels
