"""Image encoders in pure Python for :class:`CellImage` pictures.

Rule: no imaging library. A picture is a grid of flat colour cells, which keeps the encoders
fast: PNG rows repeat, JPEG blocks are mostly flat (DC only) and VP8L copies whole rows with one
backward reference. The pictures themselves come from ``_engines/images.py``.

Encoders: PNG (zlib), baseline JPEG (4:4:4, per-image optimal Huffman tables) and lossless
WebP (VP8L, no transforms, canonical prefix codes, LZ77 copies of the row above and of runs).
"""

from __future__ import annotations

import functools
import heapq
import math
import struct
import zlib
from typing import Dict, List, Optional, Sequence, Tuple

__all__ = ["RGBA", "CellImage", "encode", "encode_jpeg", "encode_png", "encode_webp"]

RGBA = Tuple[int, int, int, int]


class CellImage:
    """A ``width`` x ``height`` image made of a grid of flat colour cells."""

    def __init__(self, width: int, height: int, grid: List[List[RGBA]]) -> None:
        self.width = width
        self.height = height
        self.grid = grid
        rows, cols = len(grid), len(grid[0])
        self.col_map = [x * cols // width for x in range(width)]
        self.row_map = [y * rows // height for y in range(height)]

    @property
    def has_alpha(self) -> bool:
        """True when some cell is not fully opaque."""
        return any(c[3] != 255 for row in self.grid for c in row)

    def pixel(self, x: int, y: int) -> RGBA:
        """The colour at ``(x, y)``."""
        return self.grid[self.row_map[y]][self.col_map[x]]


def encode(image: CellImage, fmt: str, *, quality: int = 85) -> Tuple[bytes, str]:
    """Encode ``image`` as ``png``, ``jpeg`` or ``webp``."""
    if fmt == "png":
        return encode_png(image), "image/png"
    if fmt in {"jpeg", "jpg"}:
        return encode_jpeg(image, quality), "image/jpeg"
    if fmt == "webp":
        return encode_webp(image), "image/webp"
    raise ValueError(f"unsupported image format {fmt!r}")


# --------------------------------------------------------------------------------------------
# PNG


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(image: CellImage) -> bytes:
    """8-bit RGB (or RGBA) PNG, filter type 0 on every row."""
    alpha = image.has_alpha
    channels = 4 if alpha else 3
    cell_rows: Dict[int, bytes] = {}
    raw = bytearray()
    for y in range(image.height):
        r = image.row_map[y]
        line = cell_rows.get(r)
        if line is None:
            cells = image.grid[r]
            out = bytearray(b"\x00")
            for x in range(image.width):
                c = cells[image.col_map[x]]
                out += bytes(c[:channels])
            line = cell_rows[r] = bytes(out)
        raw += line
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 6 if alpha else 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(bytes(raw), 6))
        + _png_chunk(b"IEND", b"")
    )


# --------------------------------------------------------------------------------------------
# Prefix codes shared by JPEG and VP8L


def huffman_lengths(freqs: Sequence[int], limit: int) -> List[int]:
    """Code lengths (0 for unused symbols) of a Huffman code no longer than ``limit`` bits."""
    weights = list(freqs)
    while True:
        used = [i for i, f in enumerate(weights) if f > 0]
        lengths = [0] * len(weights)
        if not used:
            return lengths
        if len(used) == 1:
            lengths[used[0]] = 1
            return lengths
        heap: List[Tuple[int, int, List[int]]] = [(weights[i], i, [i]) for i in used]
        heapq.heapify(heap)
        tiebreak = len(weights)
        while len(heap) > 1:
            fa, _, sa = heapq.heappop(heap)
            fb, _, sb = heapq.heappop(heap)
            for s in sa + sb:
                lengths[s] += 1
            heapq.heappush(heap, (fa + fb, tiebreak, sa + sb))
            tiebreak += 1
        if max(lengths) <= limit:
            return lengths
        # Too deep: flatten the distribution and try again (as zlib and libjpeg do in spirit).
        weights = [(w + 1) // 2 if w > 0 else 0 for w in weights]


def canonical_codes(lengths: Sequence[int]) -> List[int]:
    """Canonical code values (MSB-first) for the given lengths, ordered by (length, symbol)."""
    codes = [0] * len(lengths)
    code = 0
    max_len = max(lengths) if lengths else 0
    for length in range(1, max_len + 1):
        for symbol, sym_len in enumerate(lengths):
            if sym_len == length:
                codes[symbol] = code
                code += 1
        code <<= 1
    return codes


# --------------------------------------------------------------------------------------------
# JPEG (baseline, 4:4:4)

_LUMA_Q = [
    16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
    14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
    18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
    49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
]  # fmt: skip
_CHROMA_Q = [
    17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
    24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
] + [99] * 32  # fmt: skip


def _zigzag() -> List[int]:
    order: List[int] = []
    for s in range(15):
        if s % 2 == 0:
            rows = range(min(s, 7), max(0, s - 7) - 1, -1)
        else:
            rows = range(max(0, s - 7), min(s, 7) + 1)
        order.extend(r * 8 + (s - r) for r in rows)
    return order


_ZIGZAG = _zigzag()
_DCT = [
    [
        (math.sqrt(0.5) if k == 0 else 1.0) / 2 * math.cos((2 * n + 1) * k * math.pi / 16)
        for n in range(8)
    ]
    for k in range(8)
]


def _scaled_table(base: Sequence[int], quality: int) -> List[int]:
    quality = max(1, min(100, quality))
    scale = 5000 // quality if quality < 50 else 200 - 2 * quality
    return [max(1, min(255, (q * scale + 50) // 100)) for q in base]


def _fdct(block: Sequence[float]) -> List[float]:
    tmp = [0.0] * 64
    for y in range(8):
        row = block[y * 8 : y * 8 + 8]
        for u in range(8):
            c = _DCT[u]
            tmp[y * 8 + u] = sum(row[x] * c[x] for x in range(8))
    out = [0.0] * 64
    for v in range(8):
        c = _DCT[v]
        for u in range(8):
            out[v * 8 + u] = sum(c[y] * tmp[y * 8 + u] for y in range(8))
    return out


def _category(value: int) -> Tuple[int, int]:
    """JPEG magnitude category and the amplitude bits of ``value``."""
    size = abs(value).bit_length()
    bits = value if value >= 0 else value + (1 << size) - 1
    return size, bits


def _ycbcr(c: RGBA) -> Tuple[float, float, float]:
    r, g, b = c[0], c[1], c[2]
    return (
        0.299 * r + 0.587 * g + 0.114 * b - 128,
        -0.168736 * r - 0.331264 * g + 0.5 * b,
        0.5 * r - 0.418688 * g - 0.081312 * b,
    )


class _BitWriterMSB:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def write(self, value: int, count: int) -> None:
        if count == 0:
            return
        self.acc = (self.acc << count) | (value & ((1 << count) - 1))
        self.n += count
        while self.n >= 8:
            self.n -= 8
            byte = (self.acc >> self.n) & 0xFF
            self.out.append(byte)
            if byte == 0xFF:
                self.out.append(0)  # byte stuffing
        self.acc &= (1 << self.n) - 1

    def flush(self) -> bytes:
        if self.n:
            self.write((1 << (8 - self.n)) - 1, 8 - self.n)  # pad with 1 bits
        return bytes(self.out)


def encode_jpeg(image: CellImage, quality: int = 85) -> bytes:
    """Baseline JFIF JPEG with per-image optimal Huffman tables."""
    width, height = image.width, image.height
    qtables = [_scaled_table(_LUMA_Q, quality), _scaled_table(_CHROMA_Q, quality)]
    bw, bh = -(-width // 8), -(-height // 8)
    # Symbols per block: (table index, symbol, extra bit count, extra bits); tables are
    # 0 DC luma, 1 AC luma, 2 DC chroma, 3 AC chroma.
    block_cache: Dict[Tuple[int, Tuple[int, ...]], List[int]] = {}
    ycc_cache: Dict[RGBA, Tuple[float, float, float]] = {}

    def quantized(component: int, cells: Tuple[int, ...], pixels: List[RGBA]) -> List[int]:
        key = (component, cells)
        found = block_cache.get(key)
        if found is not None:
            return found
        q = qtables[0 if component == 0 else 1]
        values = []
        for p in pixels:
            ycc = ycc_cache.get(p)
            if ycc is None:
                ycc = ycc_cache[p] = _ycbcr(p)
            values.append(ycc[component])
        if all(v == values[0] for v in values):
            coeffs = [0] * 64
            coeffs[0] = round(values[0] * 8 / q[0])
        else:
            dct = _fdct(values)
            coeffs = [round(dct[i] / q[i]) for i in range(64)]
        zz = [coeffs[i] for i in _ZIGZAG]
        block_cache[key] = zz
        return zz

    symbols: List[Tuple[int, int, int, int]] = []
    predictors = [0, 0, 0]
    last_x, last_y = width - 1, height - 1
    for by in range(bh):
        ys = [min(by * 8 + i, last_y) for i in range(8)]
        for bx in range(bw):
            xs = [min(bx * 8 + i, last_x) for i in range(8)]
            # Row and column maps are monotonic: equal ends mean a single cell.
            if (
                image.row_map[ys[0]] == image.row_map[ys[7]]
                and image.col_map[xs[0]] == image.col_map[xs[7]]
            ):
                cells_key: Tuple[int, ...] = (image.row_map[ys[0]] * 65536 + image.col_map[xs[0]],)
                pixels = [image.pixel(xs[0], ys[0])] * 64
            else:
                cells_key = tuple(
                    image.row_map[y] * 65536 + image.col_map[x] for y in ys for x in xs
                )
                pixels = [image.pixel(x, y) for y in ys for x in xs]
            for comp in range(3):
                zz = quantized(comp, cells_key, pixels)
                dc_table, ac_table = (0, 1) if comp == 0 else (2, 3)
                diff = zz[0] - predictors[comp]
                predictors[comp] = zz[0]
                size, bits = _category(diff)
                symbols.append((dc_table, size, size, bits))
                run = 0
                for k in range(1, 64):
                    coef = zz[k]
                    if coef == 0:
                        run += 1
                        continue
                    while run > 15:
                        symbols.append((ac_table, 0xF0, 0, 0))
                        run -= 16
                    size, bits = _category(coef)
                    symbols.append((ac_table, (run << 4) | size, size, bits))
                    run = 0
                if run:
                    symbols.append((ac_table, 0x00, 0, 0))
    # Optimal tables; symbol 256 is a dummy that takes the all-ones code JPEG forbids.
    tables: List[Tuple[List[int], List[int]]] = []
    dht = bytearray()
    for index in range(4):
        freqs = [0] * 257
        for table, sym, _, _ in symbols:
            if table == index:
                freqs[sym] += 1
        freqs[256] = 1
        if sum(freqs) == 1:
            freqs[0] = 1
        lengths = huffman_lengths(freqs, 16)
        longest = max(lengths)
        if lengths[256] != longest:
            swap = max(i for i in range(256) if lengths[i] == longest)
            lengths[swap], lengths[256] = lengths[256], longest
        codes = canonical_codes(lengths)
        lengths[256] = 0
        tables.append((codes, lengths))
        counts = [sum(1 for s in range(256) if lengths[s] == n) for n in range(1, 17)]
        ordered = sorted((lengths[s], s) for s in range(256) if lengths[s])
        table_class, table_id = (index % 2), (index // 2)
        dht += bytes([(table_class << 4) | table_id]) + bytes(counts) + bytes(s for _, s in ordered)
    writer = _BitWriterMSB()
    for table, sym, nbits, bits in symbols:
        codes, lengths = tables[table]
        writer.write(codes[sym], lengths[sym])
        writer.write(bits, nbits)
    scan = writer.flush()

    def segment(marker: int, payload: bytes) -> bytes:
        return struct.pack(">HH", marker, len(payload) + 2) + payload

    dqt = b"".join(bytes([i]) + bytes(qtables[i][z] for z in _ZIGZAG) for i in range(2))
    sof = struct.pack(">BHHB", 8, height, width, 3) + bytes([1, 0x11, 0, 2, 0x11, 1, 3, 0x11, 1])
    sos = bytes([3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0])
    return (
        b"\xff\xd8"
        + segment(0xFFE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + segment(0xFFDB, dqt)
        + segment(0xFFC0, sof)
        + segment(0xFFC4, bytes(dht))
        + segment(0xFFDA, sos)
        + scan
        + b"\xff\xd9"
    )


# --------------------------------------------------------------------------------------------
# WebP (lossless VP8L)


class _BitWriterLSB:
    def __init__(self) -> None:
        self.out = bytearray()
        self.acc = 0
        self.n = 0

    def write(self, value: int, count: int) -> None:
        self.acc |= (value & ((1 << count) - 1)) << self.n
        self.n += count
        while self.n >= 8:
            self.out.append(self.acc & 0xFF)
            self.acc >>= 8
            self.n -= 8

    def flush(self) -> bytes:
        if self.n:
            self.out.append(self.acc & 0xFF)
            self.acc, self.n = 0, 0
        return bytes(self.out)


@functools.cache
def _reverse_bits(code: int, length: int) -> int:
    result = 0
    for _ in range(length):
        result = (result << 1) | (code & 1)
        code >>= 1
    return result


def _prefix_encode(value: int) -> Tuple[int, int, int]:
    """VP8L prefix code of a length/distance ``value`` >= 1: (symbol, extra bit count, extra)."""
    d = value - 1
    if d < 4:
        return d, 0, 0
    highest = d.bit_length() - 1
    second = (d >> (highest - 1)) & 1
    extra = highest - 1
    return 2 * highest + second, extra, d & ((1 << extra) - 1)


_CODE_LENGTH_ORDER = [17, 18, 0, 1, 2, 3, 4, 5, 16, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]


class _PrefixCode:
    def __init__(self, freqs: Sequence[int]) -> None:
        self.freqs = list(freqs)
        self.used = [i for i, f in enumerate(freqs) if f > 0]
        if not self.used:
            self.used = [0]
        if len(self.used) <= 2 and all(s < 256 for s in self.used):
            self.simple = True
            self.lengths = [0] * len(freqs)
            for s in self.used:
                self.lengths[s] = 0 if len(self.used) == 1 else 1
        else:
            self.simple = False
            self.lengths = huffman_lengths(self.freqs, 15)
        nonzero = [length for length in self.lengths if length]
        self.codes = canonical_codes(self.lengths) if nonzero else [0] * len(freqs)
        self.rev = [_reverse_bits(c, n) if n else 0 for c, n in zip(self.codes, self.lengths)]

    def write_symbol(self, w: _BitWriterLSB, symbol: int) -> None:
        n = self.lengths[symbol]
        if n:
            w.write(self.rev[symbol], n)

    def write_header(self, w: _BitWriterLSB) -> None:
        if self.simple:
            w.write(1, 1)
            w.write(len(self.used) - 1, 1)
            first = self.used[0]
            if first < 2:
                w.write(0, 1)
                w.write(first, 1)
            else:
                w.write(1, 1)
                w.write(first, 8)
            if len(self.used) == 2:
                w.write(self.used[1], 8)
            return
        w.write(0, 1)
        tokens = _rle_lengths(self.lengths)
        cl_freqs = [0] * 19
        for sym, _, _ in tokens:
            cl_freqs[sym] += 1
        cl_lengths = huffman_lengths(cl_freqs, 7)
        cl_codes = canonical_codes(cl_lengths)
        count = 19
        while count > 4 and cl_lengths[_CODE_LENGTH_ORDER[count - 1]] == 0:
            count -= 1
        w.write(count - 4, 4)
        for i in range(count):
            w.write(cl_lengths[_CODE_LENGTH_ORDER[i]], 3)
        w.write(0, 1)  # no max_symbol: every code length is sent
        single = sum(1 for length in cl_lengths if length) == 1
        for sym, nbits, extra in tokens:
            if not single:
                w.write(_reverse_bits(cl_codes[sym], cl_lengths[sym]), cl_lengths[sym])
            if nbits:
                w.write(extra, nbits)


def _rle_lengths(lengths: Sequence[int]) -> List[Tuple[int, int, int]]:
    """Code lengths as code-length-code tokens: (symbol, extra bit count, extra bits)."""
    tokens: List[Tuple[int, int, int]] = []
    i = 0
    while i < len(lengths):
        value = lengths[i]
        run = 1
        while i + run < len(lengths) and lengths[i + run] == value:
            run += 1
        i += run
        if value == 0:
            while run >= 11:
                n = min(run, 138)
                tokens.append((18, 7, n - 11))
                run -= n
            if run >= 3:
                tokens.append((17, 3, run - 3))
                run = 0
            tokens.extend((0, 0, 0) for _ in range(run))
        else:
            tokens.append((value, 0, 0))
            run -= 1
            while run >= 3:
                n = min(run, 6)
                tokens.append((16, 2, n - 3))
                run -= n
            tokens.extend((value, 0, 0) for _ in range(run))
    return tokens


def encode_webp(image: CellImage) -> bytes:
    """Lossless WebP (VP8L) of ``image``."""
    width, height = image.width, image.height
    if not (1 <= width <= 16384 and 1 <= height <= 16384):
        raise ValueError("WebP images are at most 16384 pixels on a side")
    # Tokens: ("lit", argb) or ("copy", length, distance_code).
    tokens: List[Tuple[int, int, int]] = []  # (kind 0=literal 1=copy, a, b)
    previous_row: Optional[int] = None
    for y in range(height):
        r = image.row_map[y]
        if r == previous_row:
            remaining = width
            while remaining:
                n = min(remaining, 4096)
                tokens.append((1, n, 1))  # distance code 1: the pixel straight above
                remaining -= n
            continue
        previous_row = r
        cells = image.grid[r]
        x = 0
        while x < width:
            color = cells[image.col_map[x]]
            run = 1
            while x + run < width and cells[image.col_map[x + run]] == color:
                run += 1
            tokens.append((0, _pack(color), 0))
            rest = run - 1
            while rest >= 3:
                n = min(rest, 4096)
                tokens.append((1, n, 2))  # distance code 2: the pixel to the left
                rest -= n
            tokens.extend((0, _pack(color), 0) for _ in range(rest))
            x += run
    green = [0] * (256 + 24)
    red, blue, alpha, dist = [0] * 256, [0] * 256, [0] * 256, [0] * 40
    for kind, a, b in tokens:
        if kind == 0:
            green[(a >> 8) & 0xFF] += 1
            red[(a >> 16) & 0xFF] += 1
            blue[a & 0xFF] += 1
            alpha[(a >> 24) & 0xFF] += 1
        else:
            green[256 + _prefix_encode(a)[0]] += 1
            dist[_prefix_encode(b)[0]] += 1
    codes = [_PrefixCode(f) for f in (green, red, blue, alpha, dist)]
    w = _BitWriterLSB()
    w.write(0x2F, 8)
    w.write(width - 1, 14)
    w.write(height - 1, 14)
    w.write(1 if image.has_alpha else 0, 1)
    w.write(0, 3)  # version
    w.write(0, 1)  # no transforms
    w.write(0, 1)  # no colour cache
    w.write(0, 1)  # no meta prefix codes
    for code in codes:
        code.write_header(w)
    g_code, r_code, b_code, a_code, d_code = codes
    for kind, a, b in tokens:
        if kind == 0:
            g_code.write_symbol(w, (a >> 8) & 0xFF)
            r_code.write_symbol(w, (a >> 16) & 0xFF)
            b_code.write_symbol(w, a & 0xFF)
            a_code.write_symbol(w, (a >> 24) & 0xFF)
        else:
            symbol, nbits, extra = _prefix_encode(a)
            g_code.write_symbol(w, 256 + symbol)
            w.write(extra, nbits)
            symbol, nbits, extra = _prefix_encode(b)
            d_code.write_symbol(w, symbol)
            w.write(extra, nbits)
    data = w.flush()
    chunk = b"VP8L" + struct.pack("<I", len(data)) + data + (b"\x00" if len(data) % 2 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunk)) + b"WEBP" + chunk


def _pack(c: RGBA) -> int:
    return (c[3] << 24) | (c[0] << 16) | (c[1] << 8) | c[2]
