"""The text of a PDF file, read with pypdf (part of the gateway extra).

Rule: this module does no I/O. Bytes of a PDF file go in, the text of its pages comes out (pages
separated by a blank line), or :class:`PdfError` says why the file cannot be read.

pypdf reads what real PDFs hold: broken xref tables, incremental updates, object streams, every
stream filter, fonts with ``ToUnicode`` CMaps, standard encodings and ``/Differences``, form
XObjects. A large vertical gap between lines becomes a blank line, so RAG chunks keep
paragraphs together. An encrypted PDF is read when it opens with an empty user
password (only an owner password set, as for "no copying" PDFs); one that needs a password is
refused. So is a stream that inflates past :data:`MAX_STREAM_BYTES` (a few kilobytes of Flate
can inflate to gigabytes).
"""

from __future__ import annotations

import io
import re
from typing import Any, List, Union

import pypdf
from pypdf import PageObject
from pypdf.errors import DependencyError, FileNotDecryptedError, LimitReachedError

__all__ = ["MAX_STREAM_BYTES", "PdfError", "extract_pdf_text"]

# No text stream of a real document is anywhere near this big.
MAX_STREAM_BYTES = 64 * 1024 * 1024

# A line that starts more than this many times its font height below the previous one begins a
# new paragraph (ordinary leading is 1.2 to 1.5 times the height).
_PARAGRAPH_GAP = 1.8


class PdfError(ValueError):
    """The bytes are not a PDF that can be read; the message says what is wrong."""


def extract_pdf_text(
    data: Union[bytes, bytearray, memoryview], *, max_stream_bytes: int = MAX_STREAM_BYTES
) -> str:
    """Return the text of every page of a PDF, pages separated by a blank line.

    Raises :class:`PdfError` when the bytes are not a readable PDF (no header, damaged beyond
    repair, encrypted, a stream inflating past ``max_stream_bytes``, no pages).
    """
    raw = bytes(data)
    if b"%PDF-" not in raw[:1024]:
        raise PdfError("not a PDF: there is no %PDF- header")
    try:
        # The limits live in a context variable: other threads reading PDFs keep theirs.
        with pypdf.apply_configuration(
            array_based_stream_maximum_output_length=max_stream_bytes,
            lzw_maximum_output_length=max_stream_bytes,
            run_length_maximum_output_length=max_stream_bytes,
            zlib_maximum_output_length=max_stream_bytes,
        ):
            reader = pypdf.PdfReader(io.BytesIO(raw), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise PdfError("the PDF is encrypted and needs a password")
            pages = [_page_text(page) for page in reader.pages]
    except PdfError:
        raise
    except FileNotDecryptedError:
        raise PdfError("the PDF is encrypted and needs a password") from None
    except DependencyError as exc:
        raise PdfError(f"the PDF uses something this gateway cannot decode ({exc})") from None
    except LimitReachedError as exc:
        raise PdfError(f"a stream of the PDF is too large to read ({exc})") from None
    except RecursionError:
        raise PdfError("the PDF's objects are nested too deeply to read") from None
    except Exception as exc:  # pypdf raises many kinds on a damaged file: all mean "unreadable"
        raise PdfError(f"the PDF cannot be read ({type(exc).__name__}: {exc})") from None
    if not pages:
        raise PdfError("the PDF has no pages")
    return _tidy("\n\n".join(pages))


def _page_text(page: PageObject) -> str:
    """The page's text as pypdf reads it, with a blank line wherever the next piece of text
    starts well below the previous one (a paragraph or block break)."""
    pieces: List[str] = []
    last_y: List[float] = []

    def visit(text: str, cm: List[float], tm: List[float], font: Any, size: float) -> None:
        if not text:
            return
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        height = abs(size * tm[3] * cm[3]) or abs(size) or 1.0
        if last_y and last_y[0] - y > _PARAGRAPH_GAP * height and text.strip():
            pieces.append("\n" if pieces and pieces[-1].endswith("\n") else "\n\n")
        if text.strip():
            last_y[:] = [y]
        pieces.append(text)

    page.extract_text(visitor_text=visit)
    return "".join(pieces)


def _tidy(text: str) -> str:
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
