"""A minimal PDF writer: text pages in Helvetica, for tests and the demo's RAG upload.

Rule: this module does no I/O. It makes real, valid PDF files (header, objects, a correct xref
table, trailer) that any viewer opens, so that the gateway's PDF extractor can be exercised on
files it did not write itself, with both plain and Flate-compressed content streams.
"""

from __future__ import annotations

import textwrap
import zlib
from typing import List, Sequence

__all__ = ["build_pdf"]

_PAGE_WIDTH = 612  # US Letter, in points
_PAGE_HEIGHT = 792
_MARGIN = 72
_FONT_SIZE = 12
_LEADING = 15
_WRAP_COLUMNS = 80


def _pdf_string(text: str) -> bytes:
    # WinAnsiEncoding is cp1252; characters outside it cannot be shown by a standard font.
    raw = text.encode("cp1252", errors="replace")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _page_content(text: str) -> bytes:
    """Lay out paragraphs (separated by blank lines) as wrapped lines, one blank line between."""
    ops: List[bytes] = [
        b"BT",
        b"/F1 %d Tf" % _FONT_SIZE,
        b"%d TL" % _LEADING,
        b"%d %d Td" % (_MARGIN, _PAGE_HEIGHT - _MARGIN),
    ]
    first = True
    for paragraph in text.split("\n\n"):
        lines = textwrap.wrap(" ".join(paragraph.split()), _WRAP_COLUMNS) or [""]
        if not first:
            ops.append(b"T*")  # the blank line that separates paragraphs
        for line in lines:
            ops.append((b"" if first else b"T* ") + _pdf_string(line) + b" Tj")
            first = False
    ops.append(b"ET")
    return b"\n".join(ops) + b"\n"


def build_pdf(pages: Sequence[str], *, compress: bool = False) -> bytes:
    """Return the bytes of a PDF with one page per item of ``pages``.

    Paragraphs within a page are separated by blank lines (``"\\n\\n"``). With
    ``compress=True`` the content streams are FlateDecode-compressed.
    """
    if not pages:
        raise ValueError("a PDF needs at least one page")
    objects: List[bytes] = []  # object n is objects[n - 1]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(b"")  # the page tree, filled in once the page numbers are known
    objects.append(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
    )
    page_numbers: List[int] = []
    for text in pages:
        content = _page_content(text)
        if compress:
            content = zlib.compress(content)
            header = b"<< /Length %d /Filter /FlateDecode >>" % len(content)
        else:
            header = b"<< /Length %d >>" % len(content)
        objects.append(header + b"\nstream\n" + content + b"\nendstream")
        content_number = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R >> >> >>"
            % (_PAGE_WIDTH, _PAGE_HEIGHT, content_number)
        )
        page_numbers.append(len(objects))
    kids = b" ".join(b"%d 0 R" % n for n in page_numbers)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_numbers))

    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: List[int] = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_offset = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_offset,
    )
    return bytes(out)
