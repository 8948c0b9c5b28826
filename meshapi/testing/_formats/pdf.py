"""A small, pure-python PDF text extractor for the local gateway's RAG files.

Rule: this module does no I/O. Bytes of a PDF file go in, its text comes out, or
:class:`PdfError` says why the file cannot be read.

What it understands, because real PDFs need it:

* the object syntax (numbers, names, literal and hex strings, arrays, dictionaries, references,
  streams), found by scanning the file for ``N G obj`` so that a broken or missing xref table
  does not matter, with later definitions winning (incremental updates);
* compressed object streams (``/Type /ObjStm``, PDF 1.5+);
* stream filters ``FlateDecode`` (with PNG/TIFF predictors), ``ASCIIHexDecode`` and
  ``ASCII85Decode``; any other filter on a content stream is reported, not guessed;
* the page tree (inherited resources), page content arrays and form XObjects;
* the text operators ``Tj``, ``TJ``, ``'`` and ``"``, with line and paragraph breaks inferred
  from ``Td``/``TD``/``T*``/``Tm`` movements and word gaps from large ``TJ`` adjustments;
* fonts with a ``ToUnicode`` CMap (``bfchar``/``bfrange``), simple fonts as WinAnsi/Latin-1.

Encrypted PDFs are refused: reading them would need the password machinery of the standard
security handler, and a test gateway has no business pretending to have read one.
"""

from __future__ import annotations

import base64
import binascii
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Iterator, List, Optional, Set, Tuple, Union

__all__ = ["PdfError", "extract_pdf_text"]

_WHITESPACE = b"\x00\t\n\x0c\r "
_DELIMITERS = b"()<>[]{}/%"
_MAX_NESTING = 64
# A few kilobytes of Flate can inflate to gigabytes: no text stream of a real document is
# anywhere near this big.
MAX_STREAM_BYTES = 64 * 1024 * 1024
_MAX_FORM_DEPTH = 8
# A TJ adjustment is in thousandths of a text-space unit: anything wider than a fifth of an
# em is a gap a reader would see as a space between words.
_TJ_SPACE_THRESHOLD = 200.0
_NUMBER_RE = re.compile(rb"[+-]?(?:\d+\.?\d*|\.\d+)")
_OBJ_HEADER_RE = re.compile(rb"(?<![0-9])(\d+)\s+(\d+)\s+obj(?![A-Za-z])")


class PdfError(ValueError):
    """The bytes are not a PDF this extractor can read; the message says what is wrong."""


class Name(str):
    """A PDF name object (``/Type``), kept apart from strings: ``/Page`` is not ``(Page)``."""


@dataclass(frozen=True)
class Ref:
    """An indirect reference ``num gen R``."""

    num: int
    gen: int


@dataclass(frozen=True)
class Keyword:
    """A bare word: ``obj``, ``stream``, ``true`` or, in a content stream, an operator."""

    word: str


@dataclass
class Stream:
    """A stream object: its dictionary and its still-encoded bytes."""

    attrs: Dict[str, Any]
    raw: bytes


# Parsed values: int, float, bool, None, bytes (strings), Name, Ref, list, dict, Stream; the
# delimiters come out of the lexer as 1-tuples such as ("[",) and (">>",).
PdfObject = Any


# ---------------------------------------------------------------------------------------------
# Lexing and parsing
# ---------------------------------------------------------------------------------------------


class _Lexer:
    """Turns PDF bytes into tokens, starting at any offset."""

    def __init__(self, data: bytes, pos: int = 0) -> None:
        self.data = data
        self.pos = pos

    def _skip_space(self) -> None:
        data = self.data
        n = len(data)
        while self.pos < n:
            c = data[self.pos]
            if c in _WHITESPACE:
                self.pos += 1
            elif c == 0x25:  # % comment runs to the end of the line
                while self.pos < n and data[self.pos] not in b"\r\n":
                    self.pos += 1
            else:
                return

    def next_token(self) -> Any:
        """Return the next token, or ``None`` at the end of the data."""
        self._skip_space()
        data = self.data
        if self.pos >= len(data):
            return None
        c = data[self.pos : self.pos + 1]
        if c == b"(":
            return self._literal_string()
        if c == b"<":
            if data[self.pos + 1 : self.pos + 2] == b"<":
                self.pos += 2
                return ("<<",)
            return self._hex_string()
        if c == b">":
            if data[self.pos + 1 : self.pos + 2] == b">":
                self.pos += 2
                return (">>",)
            raise PdfError(f"unexpected '>' at offset {self.pos}")
        if c in (b"[", b"]", b"{", b"}"):
            self.pos += 1
            return (c.decode(),)
        if c == b"/":
            return self._name()
        if c == b")":
            raise PdfError(f"unbalanced ')' at offset {self.pos}")
        start = self.pos
        n = len(data)
        while (
            self.pos < n and data[self.pos] not in _WHITESPACE and data[self.pos] not in _DELIMITERS
        ):
            self.pos += 1
        word = data[start : self.pos]
        if _NUMBER_RE.fullmatch(word):
            if b"." in word:
                return float(word)
            return int(word)
        return Keyword(word.decode("latin-1"))

    def _name(self) -> Name:
        self.pos += 1
        start = self.pos
        data = self.data
        n = len(data)
        while (
            self.pos < n and data[self.pos] not in _WHITESPACE and data[self.pos] not in _DELIMITERS
        ):
            self.pos += 1
        raw = data[start : self.pos]
        # #xx escapes let names carry any byte (PDF 1.2+).
        decoded = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)
        return Name(decoded.decode("latin-1"))

    def _hex_string(self) -> bytes:
        end = self.data.find(b">", self.pos + 1)
        if end < 0:
            raise PdfError(f"unterminated hex string at offset {self.pos}")
        digits = re.sub(rb"\s+", b"", self.data[self.pos + 1 : end])
        if not re.fullmatch(rb"[0-9A-Fa-f]*", digits):
            raise PdfError(f"bad hex string at offset {self.pos}")
        if len(digits) % 2:
            digits += b"0"  # a missing final digit is zero (PDF 32000 7.3.4.3)
        self.pos = end + 1
        return binascii.unhexlify(digits)

    def _literal_string(self) -> bytes:
        data = self.data
        n = len(data)
        i = self.pos + 1
        depth = 1
        out = bytearray()
        escapes = {
            ord("n"): b"\n",
            ord("r"): b"\r",
            ord("t"): b"\t",
            ord("b"): b"\b",
            ord("f"): b"\f",
            ord("("): b"(",
            ord(")"): b")",
            ord("\\"): b"\\",
        }
        while i < n:
            c = data[i]
            if c == 0x5C:  # backslash
                i += 1
                if i >= n:
                    break
                e = data[i]
                if e in escapes:
                    out += escapes[e]
                    i += 1
                elif 0x30 <= e <= 0x37:
                    j = i
                    while j < n and j < i + 3 and 0x30 <= data[j] <= 0x37:
                        j += 1
                    out.append(int(data[i:j], 8) & 0xFF)
                    i = j
                elif e == 0x0D:  # backslash-EOL continues the line
                    i += 2 if data[i + 1 : i + 2] == b"\n" else 1
                elif e == 0x0A:
                    i += 1
                else:  # an unknown escape keeps the character and drops the backslash
                    out.append(e)
                    i += 1
                continue
            if c == 0x28:
                depth += 1
            elif c == 0x29:
                depth -= 1
                if depth == 0:
                    self.pos = i + 1
                    return bytes(out)
            elif c == 0x0D:
                # Any end-of-line inside a string reads as a single LF.
                out.append(0x0A)
                i += 2 if data[i + 1 : i + 2] == b"\n" else 1
                continue
            out.append(c)
            i += 1
        raise PdfError(f"unterminated string at offset {self.pos}")


def _parse_object(lexer: _Lexer, token: Any = None, depth: int = 0) -> PdfObject:
    """Parse one object whose first token may already have been read."""
    if depth > _MAX_NESTING:
        raise PdfError("objects nested too deeply")
    if token is None:
        token = lexer.next_token()
        if token is None:
            raise PdfError("unexpected end of data")
    if isinstance(token, tuple):
        if token == ("[",):
            return _parse_sequence(lexer, "]", depth)
        if token == ("<<",):
            items = _parse_sequence(lexer, ">>", depth)
            if len(items) % 2:
                raise PdfError("dictionary with an odd number of items")
            result: Dict[str, Any] = {}
            for key, value in zip(items[::2], items[1::2]):
                if not isinstance(key, Name):
                    raise PdfError(f"dictionary key is not a name: {key!r}")
                result[str(key)] = value
            return result
        if token == ("{",):
            return _parse_sequence(lexer, "}", depth)
        raise PdfError(f"unexpected {token[0]!r}")
    if isinstance(token, Keyword):
        if token.word == "true":
            return True
        if token.word == "false":
            return False
        if token.word == "null":
            return None
    return token


def _parse_sequence(lexer: _Lexer, closer: str, depth: int) -> List[PdfObject]:
    items: List[PdfObject] = []
    while True:
        token = lexer.next_token()
        if token is None:
            raise PdfError(f"missing {closer!r}")
        if token == (closer,):
            return items
        if isinstance(token, Keyword) and token.word == "R":
            # `num gen R` arrives as two numbers then R: fold them into one reference.
            if len(items) < 2 or not isinstance(items[-1], int) or not isinstance(items[-2], int):
                raise PdfError("'R' without an object number and generation")
            gen = items.pop()
            num = items.pop()
            items.append(Ref(num, gen))
            continue
        items.append(_parse_object(lexer, token, depth + 1))


def _parse_indirect_value(lexer: _Lexer) -> PdfObject:
    """Parse the value after ``N G obj``, which may itself be a bare reference."""
    value = _parse_object(lexer)
    if isinstance(value, int):
        save = lexer.pos
        gen = lexer.next_token()
        r = lexer.next_token()
        if isinstance(gen, int) and r == Keyword("R"):
            return Ref(value, gen)
        lexer.pos = save
    return value


# ---------------------------------------------------------------------------------------------
# The document: objects, streams, filters
# ---------------------------------------------------------------------------------------------


def _png_unpredict(data: bytes, columns: int, colors: int, bpc: int) -> bytes:
    bpp = max(1, colors * bpc // 8)
    row_len = (columns * colors * bpc + 7) // 8
    out = bytearray()
    prev = bytearray(row_len)
    i = 0
    while i < len(data):
        filter_type = data[i]
        row = bytearray(data[i + 1 : i + 1 + row_len])
        row.extend(b"\x00" * (row_len - len(row)))
        i += 1 + row_len
        for x in range(row_len):
            left = row[x - bpp] if x >= bpp else 0
            up = prev[x]
            up_left = prev[x - bpp] if x >= bpp else 0
            if filter_type == 1:
                row[x] = (row[x] + left) & 0xFF
            elif filter_type == 2:
                row[x] = (row[x] + up) & 0xFF
            elif filter_type == 3:
                row[x] = (row[x] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                p = left + up - up_left
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - up_left)
                pred = left if pa <= pb and pa <= pc else (up if pb <= pc else up_left)
                row[x] = (row[x] + pred) & 0xFF
            elif filter_type != 0:
                raise PdfError(f"unknown PNG predictor row filter {filter_type}")
        out += row
        prev = row
    return bytes(out)


def _tiff_unpredict(data: bytes, columns: int, colors: int, bpc: int) -> bytes:
    if bpc != 8:
        raise PdfError("TIFF predictor is only supported with 8 bits per component")
    row_len = columns * colors
    out = bytearray(data)
    for start in range(0, len(out), row_len):
        for x in range(start + colors, min(start + row_len, len(out))):
            out[x] = (out[x] + out[x - colors]) & 0xFF
    return bytes(out)


def _inflate(data: bytes) -> bytes:
    decompressor = zlib.decompressobj()
    try:
        result = decompressor.decompress(data, MAX_STREAM_BYTES + 1)
    except zlib.error as exc:
        raise PdfError(f"corrupt FlateDecode stream: {exc}") from None
    if len(result) > MAX_STREAM_BYTES:
        raise PdfError(f"a FlateDecode stream inflates to more than {MAX_STREAM_BYTES} bytes")
    try:
        result += decompressor.flush()
    except zlib.error as exc:
        raise PdfError(f"corrupt FlateDecode stream: {exc}") from None
    if not decompressor.eof and not result:
        # A damaged stream that still yields some text is worth keeping; one that yields
        # nothing at all is not a stream.
        raise PdfError("corrupt FlateDecode stream: truncated before any data")
    return result


def _ascii_hex(data: bytes) -> bytes:
    text = re.sub(rb"\s+", b"", data).split(b">", 1)[0]
    if not re.fullmatch(rb"[0-9A-Fa-f]*", text):
        raise PdfError("bad ASCIIHexDecode data")
    if len(text) % 2:
        text += b"0"
    return binascii.unhexlify(text)


def _ascii85(data: bytes) -> bytes:
    text = re.sub(rb"\s+", b"", data)
    if text.startswith(b"<~"):
        text = text[2:]
    text = text.split(b"~>", 1)[0]
    try:
        return base64.a85decode(text, adobe=False)
    except ValueError as exc:
        raise PdfError(f"bad ASCII85Decode data: {exc}") from None


_FILTERS: Dict[str, Callable[[bytes], bytes]] = {
    "FlateDecode": _inflate,
    "Fl": _inflate,
    "ASCIIHexDecode": _ascii_hex,
    "AHx": _ascii_hex,
    "ASCII85Decode": _ascii85,
    "A85": _ascii85,
}


@dataclass
class _Document:
    objects: Dict[int, PdfObject] = field(default_factory=dict)
    trailer_roots: List[PdfObject] = field(default_factory=list)
    encrypted: bool = False

    def resolve(self, value: PdfObject, _seen: Optional[Set[int]] = None) -> PdfObject:
        seen = _seen if _seen is not None else set()
        while isinstance(value, Ref):
            if value.num in seen:
                raise PdfError(f"reference loop through object {value.num}")
            seen.add(value.num)
            value = self.objects.get(value.num)
        return value

    def dict_of(self, value: PdfObject) -> Dict[str, Any]:
        value = self.resolve(value)
        if isinstance(value, Stream):
            return value.attrs
        return value if isinstance(value, dict) else {}

    def decode_stream(self, stream: Stream) -> bytes:
        filters = self.resolve(stream.attrs.get("Filter"))
        params = self.resolve(stream.attrs.get("DecodeParms", stream.attrs.get("DP")))
        filter_list = (
            filters if isinstance(filters, list) else ([] if filters is None else [filters])
        )
        param_list = params if isinstance(params, list) else [params] * len(filter_list)
        data = stream.raw
        for i, name in enumerate(filter_list):
            name = self.resolve(name)
            fn = _FILTERS.get(str(name))
            if fn is None:
                raise PdfError(f"unsupported stream filter /{name}")
            data = fn(data)
            parms = self.dict_of(param_list[i]) if i < len(param_list) else {}
            predictor = self.resolve(parms.get("Predictor", 1))
            if isinstance(predictor, int) and predictor > 1:
                columns = int(self.resolve(parms.get("Columns", 1)))
                colors = int(self.resolve(parms.get("Colors", 1)))
                bpc = int(self.resolve(parms.get("BitsPerComponent", 8)))
                if predictor >= 10:
                    data = _png_unpredict(data, columns, colors, bpc)
                elif predictor == 2:
                    data = _tiff_unpredict(data, columns, colors, bpc)
        return data


def _read_stream_data(data: bytes, pos: int, attrs: Dict[str, Any]) -> Tuple[bytes, int]:
    """Return the raw bytes of a stream whose ``stream`` keyword ended at ``pos`` and the
    offset just past ``endstream``."""
    if data[pos : pos + 2] == b"\r\n":
        pos += 2
    elif data[pos : pos + 1] in (b"\n", b"\r"):
        pos += 1
    length = attrs.get("Length")
    if isinstance(length, int) and length >= 0:
        end = pos + length
        tail = data[end : end + 32].lstrip(_WHITESPACE)
        if tail.startswith(b"endstream"):
            return data[pos:end], data.index(b"endstream", end) + len(b"endstream")
    # /Length was indirect or wrong: the data runs to the `endstream` keyword, minus the EOL
    # that precedes it.
    end = data.find(b"endstream", pos)
    if end < 0:
        raise PdfError("stream without 'endstream'")
    raw = data[pos:end]
    if raw.endswith(b"\r\n"):
        raw = raw[:-2]
    elif raw.endswith((b"\n", b"\r")):
        raw = raw[:-1]
    return raw, end + len(b"endstream")


def _load_document(data: bytes) -> _Document:
    head = data[:1024]
    if b"%PDF-" not in head:
        raise PdfError("not a PDF file (no %PDF- header)")
    doc = _Document()
    pos = 0
    while True:
        m = _OBJ_HEADER_RE.search(data, pos)
        if m is None:
            break
        num = int(m.group(1))
        lexer = _Lexer(data, m.end())
        try:
            value = _parse_indirect_value(lexer)
        except PdfError:
            # A damaged object: skip past its header and keep looking for intact ones.
            pos = m.end()
            continue
        after = lexer.pos
        token = lexer.next_token()
        if isinstance(value, dict) and token == Keyword("stream"):
            raw, after = _read_stream_data(data, lexer.pos, value)
            value = Stream(value, raw)
        doc.objects[num] = value
        pos = after
    # Trailer dictionaries (classic xref tables) name the catalog and the encryption dictionary.
    for m in re.finditer(rb"trailer\s*<<", data):
        lexer = _Lexer(data, m.end() - 2)
        try:
            trailer = _parse_object(lexer)
        except PdfError:
            continue
        if isinstance(trailer, dict):
            if "Root" in trailer:
                doc.trailer_roots.append(trailer["Root"])
            if trailer.get("Encrypt") is not None:
                doc.encrypted = True
    _expand_object_streams(doc)
    for value in doc.objects.values():
        attrs = value.attrs if isinstance(value, Stream) else value
        if isinstance(attrs, dict) and attrs.get("Type") == "XRef":
            if "Root" in attrs:
                doc.trailer_roots.append(attrs["Root"])
            if attrs.get("Encrypt") is not None:
                doc.encrypted = True
    if doc.encrypted:
        raise PdfError("encrypted PDF files are not supported")
    if not doc.objects:
        raise PdfError("no PDF objects found")
    return doc


def _expand_object_streams(doc: _Document) -> None:
    for value in list(doc.objects.values()):
        if not isinstance(value, Stream) or value.attrs.get("Type") != "ObjStm":
            continue
        try:
            content = doc.decode_stream(value)
        except PdfError:
            continue
        count = doc.resolve(value.attrs.get("N"))
        first = doc.resolve(value.attrs.get("First"))
        if not isinstance(count, int) or not isinstance(first, int):
            continue
        header = _Lexer(content[:first])
        pairs: List[Tuple[int, int]] = []
        for _ in range(count):
            num, offset = header.next_token(), header.next_token()
            if not isinstance(num, int) or not isinstance(offset, int):
                break
            pairs.append((num, offset))
        for num, offset in pairs:
            if num in doc.objects:
                continue  # an object written in the open supersedes a compressed copy
            try:
                doc.objects[num] = _parse_indirect_value(_Lexer(content, first + offset))
            except PdfError:
                continue


# ---------------------------------------------------------------------------------------------
# Fonts: turning string bytes into text
# ---------------------------------------------------------------------------------------------


@dataclass
class _CMap:
    mapping: Dict[Tuple[int, int], str] = field(default_factory=dict)  # (byte length, code)
    code_lengths: List[int] = field(default_factory=list)

    def decode(self, raw: bytes) -> str:
        lengths = self.code_lengths or sorted({n for n, _ in self.mapping}) or [1]
        out: List[str] = []
        i = 0
        while i < len(raw):
            for n in lengths:
                key = (n, int.from_bytes(raw[i : i + n], "big"))
                if i + n <= len(raw) and key in self.mapping:
                    out.append(self.mapping[key])
                    i += n
                    break
            else:
                n = lengths[0]
                out.append("\ufffd")
                i += n
        return "".join(out)


def _utf16be(raw: bytes) -> str:
    return raw.decode("utf-16-be", errors="replace")


def _parse_cmap(data: bytes) -> _CMap:
    cmap = _CMap()
    lexer = _Lexer(data)
    operands: List[Any] = []
    lengths: Set[int] = set()
    mode: Optional[str] = None
    while True:
        try:
            token = lexer.next_token()
        except PdfError:
            break
        if token is None:
            break
        if isinstance(token, Keyword):
            word = token.word
            if word in ("begincodespacerange", "beginbfchar", "beginbfrange"):
                mode = word[5:]
                operands = []
            elif word == "endcodespacerange":
                for lo in operands[::2]:
                    if isinstance(lo, bytes) and lo:
                        lengths.add(len(lo))
                mode = None
            elif word == "endbfchar":
                for src, dst in zip(operands[::2], operands[1::2]):
                    if isinstance(src, bytes) and isinstance(dst, bytes) and src:
                        cmap.mapping[(len(src), int.from_bytes(src, "big"))] = _utf16be(dst)
                mode = None
            elif word == "endbfrange":
                for i in range(0, len(operands) - 2, 3):
                    lo, hi, dst = operands[i], operands[i + 1], operands[i + 2]
                    if not isinstance(lo, bytes) or not isinstance(hi, bytes) or not lo:
                        continue
                    lo_code = int.from_bytes(lo, "big")
                    hi_code = int.from_bytes(hi, "big")
                    if hi_code - lo_code > 65535:
                        continue
                    for k, code in enumerate(range(lo_code, hi_code + 1)):
                        if isinstance(dst, list):
                            if k < len(dst) and isinstance(dst[k], bytes):
                                cmap.mapping[(len(lo), code)] = _utf16be(dst[k])
                        elif isinstance(dst, bytes) and dst:
                            # The last byte of the destination counts up across the range.
                            value = int.from_bytes(dst, "big") + k
                            cmap.mapping[(len(lo), code)] = _utf16be(
                                value.to_bytes(len(dst), "big")
                            )
                mode = None
            continue
        if mode is not None:
            if token == ("[",):
                operands.append(_parse_sequence(lexer, "]", 0))
            else:
                operands.append(token)
    cmap.code_lengths = sorted(lengths)
    return cmap


@dataclass
class _Font:
    cmap: Optional[_CMap]
    two_byte: bool

    def decode(self, raw: bytes) -> str:
        if self.cmap is not None and self.cmap.mapping:
            return self.cmap.decode(raw)
        if self.two_byte:
            # A composite font with no ToUnicode map: Identity encodings often carry UCS-2 codes.
            return _utf16be(raw)
        return _decode_simple(raw)


def _decode_simple(raw: bytes) -> str:
    if raw.startswith(b"\xfe\xff"):
        return _utf16be(raw[2:])
    try:
        return raw.decode("cp1252")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


_DEFAULT_FONT = _Font(cmap=None, two_byte=False)


def _load_fonts(doc: _Document, resources: Dict[str, Any]) -> Dict[str, _Font]:
    fonts: Dict[str, _Font] = {}
    for name, ref in doc.dict_of(resources.get("Font")).items():
        font = doc.dict_of(ref)
        cmap: Optional[_CMap] = None
        to_unicode = doc.resolve(font.get("ToUnicode"))
        if isinstance(to_unicode, Stream):
            try:
                cmap = _parse_cmap(doc.decode_stream(to_unicode))
            except PdfError:
                cmap = None
        fonts[name] = _Font(cmap=cmap, two_byte=font.get("Subtype") == "Type0")
    return fonts


# ---------------------------------------------------------------------------------------------
# Content streams
# ---------------------------------------------------------------------------------------------


class _TextWriter:
    """Collects shown text, turning pen movements into spaces, line and paragraph breaks."""

    def __init__(self) -> None:
        self.parts: List[str] = []
        self.last_y: Optional[float] = None
        self.moved = False

    def _tail(self) -> str:
        return self.parts[-1][-1:] if self.parts and self.parts[-1] else ""

    def show(self, text: str, y: float, line_height: float) -> None:
        if not text:
            return
        if self.last_y is not None:
            gap = abs(y - self.last_y)
            if gap > 0.01:
                # A gap well beyond one line's height reads as a paragraph break.
                self.parts.append("\n\n" if gap > 1.8 * max(line_height, 1.0) else "\n")
            elif self.moved and not self._tail().isspace() and not text[:1].isspace():
                self.parts.append(" ")
        self.parts.append(text)
        self.last_y = y
        self.moved = False

    def space(self) -> None:
        if self.parts and not self._tail().isspace():
            self.parts.append(" ")

    def paragraph(self) -> None:
        if self.parts:
            self.parts.append("\n\n")
            self.last_y = None

    def text(self) -> str:
        return "".join(self.parts)


class _ContentReader:
    def __init__(self, doc: _Document, writer: _TextWriter) -> None:
        self.doc = doc
        self.writer = writer

    def run(self, content: bytes, resources: Dict[str, Any], depth: int = 0) -> None:
        doc = self.doc
        fonts = _load_fonts(doc, resources)
        font = _DEFAULT_FONT
        size = 12.0
        leading = 0.0
        # Only the parts of the text matrix that place lines matter here: the vertical scale
        # and the line origin.
        scale_y = 1.0
        line_x = line_y = 0.0
        lexer = _Lexer(content)
        operands: List[Any] = []
        writer = self.writer

        def line_height() -> float:
            return max(abs(size * scale_y), abs(leading * scale_y))

        def next_line() -> None:
            nonlocal line_y
            line_y -= (leading if leading else size * 1.2) * scale_y

        while True:
            try:
                token = lexer.next_token()
            except PdfError:
                break  # a damaged tail: keep the text read so far
            if token is None:
                break
            if not isinstance(token, Keyword):
                if token == ("[",):
                    try:
                        operands.append(_parse_sequence(lexer, "]", 0))
                    except PdfError:
                        break
                elif token == ("<<",):
                    try:
                        operands.append(_parse_object(lexer, token))
                    except PdfError:
                        break
                else:
                    operands.append(token)
                continue
            op = token.word
            if op == "BT":
                scale_y = 1.0
                line_x = line_y = 0.0
            elif op == "Tf" and len(operands) >= 2:
                font = fonts.get(str(operands[-2]), _DEFAULT_FONT)
                if isinstance(operands[-1], (int, float)):
                    size = float(operands[-1])
            elif op == "TL" and operands and isinstance(operands[-1], (int, float)):
                leading = float(operands[-1])
            elif op in ("Td", "TD") and len(operands) >= 2:
                tx, ty = operands[-2], operands[-1]
                if isinstance(tx, (int, float)) and isinstance(ty, (int, float)):
                    line_x += tx
                    line_y += ty * scale_y
                    if op == "TD":
                        leading = -float(ty)
                    writer.moved = True
            elif op == "Tm" and len(operands) >= 6:
                nums = operands[-6:]
                if all(isinstance(v, (int, float)) for v in nums):
                    scale_y = float(nums[3]) or 1.0
                    line_x, line_y = float(nums[4]), float(nums[5])
                    writer.moved = True
            elif op == "T*":
                next_line()
            elif op == "Tj" and operands and isinstance(operands[-1], bytes):
                writer.show(font.decode(operands[-1]), line_y, line_height())
            elif op in ("'", '"') and operands and isinstance(operands[-1], bytes):
                next_line()
                writer.show(font.decode(operands[-1]), line_y, line_height())
            elif op == "TJ" and operands and isinstance(operands[-1], list):
                for item in operands[-1]:
                    if isinstance(item, bytes):
                        writer.show(font.decode(item), line_y, line_height())
                    elif isinstance(item, (int, float)) and -item > _TJ_SPACE_THRESHOLD:
                        writer.space()
            elif op == "Do" and operands and isinstance(operands[-1], Name):
                self._form(str(operands[-1]), resources, depth)
            elif op == "BI":
                self._skip_inline_image(lexer)
            operands = []

    def _form(self, name: str, resources: Dict[str, Any], depth: int) -> None:
        if depth >= _MAX_FORM_DEPTH:
            return
        xobject = self.doc.resolve(self.doc.dict_of(resources.get("XObject")).get(name))
        if not isinstance(xobject, Stream) or xobject.attrs.get("Subtype") != "Form":
            return
        form_resources = self.doc.dict_of(xobject.attrs.get("Resources")) or resources
        self.run(self.doc.decode_stream(xobject), form_resources, depth + 1)

    @staticmethod
    def _skip_inline_image(lexer: _Lexer) -> None:
        start = lexer.data.find(b"ID", lexer.pos)
        if start < 0:
            lexer.pos = len(lexer.data)
            return
        m = re.compile(rb"\sEI(?=[\s]|$)").search(lexer.data, start + 3)
        lexer.pos = m.end() if m else len(lexer.data)


def _page_objects(doc: _Document) -> Iterator[Tuple[Dict[str, Any], Dict[str, Any]]]:
    """Yield (page dictionary, effective resources) in reading order."""
    roots = [doc.dict_of(r) for r in doc.trailer_roots]
    catalogs = [r for r in roots if r.get("Type") == "Catalog" or "Pages" in r]
    if not catalogs:
        catalogs = [
            v for v in (doc.dict_of(o) for o in doc.objects.values()) if v.get("Type") == "Catalog"
        ]
    seen: Set[int] = set()

    def walk(
        node_ref: Any, inherited: Dict[str, Any]
    ) -> Iterator[Tuple[Dict[str, Any], Dict[str, Any]]]:
        if isinstance(node_ref, Ref):
            if node_ref.num in seen:
                return
            seen.add(node_ref.num)
        node = doc.dict_of(node_ref)
        resources = doc.dict_of(node.get("Resources")) if "Resources" in node else inherited
        kids = doc.resolve(node.get("Kids"))
        if node.get("Type") == "Pages" or isinstance(kids, list):
            for kid in kids if isinstance(kids, list) else []:
                yield from walk(kid, resources)
        elif node:
            yield node, resources

    found = False
    for catalog in catalogs[-1:]:  # the last catalog is the current one after updates
        for entry in walk(catalog.get("Pages"), {}):
            found = True
            yield entry
    if not found:
        for num in sorted(doc.objects):
            page = doc.dict_of(doc.objects[num])
            if page.get("Type") == "Page":
                yield page, doc.dict_of(page.get("Resources"))


def _page_content(doc: _Document, page: Dict[str, Any]) -> bytes:
    contents = doc.resolve(page.get("Contents"))
    parts = contents if isinstance(contents, list) else [contents]
    chunks: List[bytes] = []
    for part in parts:
        stream = doc.resolve(part)
        if isinstance(stream, Stream):
            chunks.append(doc.decode_stream(stream))
    # Content arrays split anywhere, even mid-operator, so join with only a separator byte.
    return b"\n".join(chunks)


def extract_pdf_text(data: Union[bytes, bytearray, memoryview]) -> str:
    """Return the text of every page of a PDF, pages separated by a blank line.

    Raises :class:`PdfError` when the bytes are not a readable PDF (no header, no objects,
    encrypted, a content stream that cannot be decoded, no pages).
    """
    doc = _load_document(bytes(data))
    writer = _TextWriter()
    reader = _ContentReader(doc, writer)
    pages = 0
    for page, resources in _page_objects(doc):
        pages += 1
        content = _page_content(doc, page)
        reader.run(content, resources)
        writer.paragraph()
    if pages == 0:
        raise PdfError("the PDF has no pages")
    return _tidy(writer.text())


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
