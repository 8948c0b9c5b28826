"""Reading RAG files as text: plain text, Markdown, HTML, JSON and PDF.

Rule: this module does no I/O. Bytes and a MIME type go in; text (or an :class:`UnreadableFile`
with a stable ``code``) comes out.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import Any, List, Optional, Tuple

from .pdf import PdfError, extract_pdf_text

__all__ = [
    "SUPPORTED_MIME_TYPES",
    "UnreadableFile",
    "extract_text",
    "normalize_mime_type",
]

SUPPORTED_MIME_TYPES = (
    "text/plain",
    "text/markdown",
    "text/html",
    "application/json",
    "application/pdf",
)

# Control characters other than tab, LF, FF and CR: plenty of them means the bytes are binary.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class UnreadableFile(Exception):
    """The file's bytes cannot be turned into text; ``code`` is the stable error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def normalize_mime_type(value: str) -> str:
    """``"Text/HTML; charset=utf-8"`` -> ``"text/html"``."""
    return value.split(";", 1)[0].strip().lower()


# ---------------------------------------------------------------------------------------------
# Extraction
# ---------------------------------------------------------------------------------------------


def _decode_text(data: bytes, mime_type: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile(
                "unreadable_file", f"the {mime_type} file is not valid UTF-16"
            ) from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Legacy single-byte text is common; binary data is not text in any encoding, and
            # gives itself away by NULs and control characters.
            if b"\x00" in data:
                raise UnreadableFile(
                    "unreadable_file",
                    f"the file was declared {mime_type} but holds binary data",
                ) from None
            text = data.decode("cp1252", errors="replace")
    controls = len(_CONTROL_RE.findall(text))
    if "\x00" in text or controls > max(2, len(text) // 50):
        raise UnreadableFile(
            "unreadable_file", f"the file was declared {mime_type} but holds binary data"
        )
    return text.replace("\r\n", "\n").replace("\r", "\n")


_MD_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")


def _markdown_to_text(text: str) -> str:
    lines: List[str] = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            continue  # fences are markup; the code between them is kept
        stripped = re.sub(r"^#{1,6}\s+", "", stripped)
        stripped = re.sub(r"^>\s?", "", stripped)
        stripped = re.sub(r"^([-*+]|\d+[.)])\s+", "", stripped)
        stripped = _MD_LINK_RE.sub(r"\1", stripped)
        stripped = re.sub(r"(\*\*|__|`)", "", stripped)
        lines.append(stripped)
    return "\n".join(lines)


class _HtmlText(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "svg", "head"})
    _BLOCK = frozenset(
        {
            "p", "div", "section", "article", "header", "footer", "main", "aside", "nav",
            "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "table", "tr", "blockquote",
            "pre", "hr", "dl", "dt", "dd", "figure", "figcaption", "form", "title", "body",
        }
    )  # fmt: skip

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: List[str] = []
        self._current: List[str] = []
        self._skip_depth = 0
        self._in_title = False

    def _flush(self) -> None:
        text = " ".join("".join(self._current).split())
        if text:
            self.paragraphs.append(text)
        self._current = []

    def handle_starttag(self, tag: str, attrs: List[Tuple[str, Optional[str]]]) -> None:
        if tag == "title":
            self._in_title = True
            self._flush()
        elif tag in self._SKIP:
            self._skip_depth += 1
        elif tag == "br":
            self._current.append(" ")
        elif tag in self._BLOCK:
            self._flush()

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
            self._flush()
        elif tag in self._SKIP:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in self._BLOCK:
            self._flush()

    def handle_data(self, data: str) -> None:
        # The <title> lives in <head>, which is otherwise skipped: it names the document.
        if self._skip_depth == 0 or self._in_title:
            self._current.append(data)


def _html_to_text(text: str) -> str:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    parser._flush()
    return "\n\n".join(parser.paragraphs)


def _json_strings(value: Any, out: List[str]) -> None:
    if isinstance(value, str):
        if value.strip():
            out.append(value.strip())
    elif isinstance(value, dict):
        for item in value.values():
            _json_strings(item, out)
    elif isinstance(value, list):
        for item in value:
            _json_strings(item, out)


def _json_to_text(text: str) -> str:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableFile("unreadable_file", f"the JSON file is not valid JSON: {exc}") from None
    strings: List[str] = []
    _json_strings(document, strings)
    return "\n\n".join(strings)


def extract_text(data: bytes, mime_type: str) -> str:
    """Return the text of a file of one of :data:`SUPPORTED_MIME_TYPES`.

    Any other ``text/*`` type is read as plain text. Raises :class:`UnreadableFile` with code
    ``unsupported_file_type``, ``unreadable_file`` or ``no_text_content``.
    """
    mime = normalize_mime_type(mime_type)
    if mime == "application/pdf":
        try:
            text = extract_pdf_text(data)
        except PdfError as exc:
            raise UnreadableFile("unreadable_file", f"the PDF file cannot be read: {exc}") from None
    elif mime == "application/json":
        text = _json_to_text(_decode_text(data, mime))
    elif mime == "text/html":
        text = _html_to_text(_decode_text(data, mime))
    elif mime == "text/markdown":
        text = _markdown_to_text(_decode_text(data, mime))
    elif mime.startswith("text/"):
        text = _decode_text(data, mime)
    else:
        raise UnreadableFile(
            "unsupported_file_type",
            f"cannot extract text from {mime!r} files; supported: "
            + ", ".join(SUPPORTED_MIME_TYPES),
        )
    if not text.strip():
        raise UnreadableFile("no_text_content", f"the {mime} file contains no text")
    return text
