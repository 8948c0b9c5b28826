"""``multipart/form-data`` bodies (RFC 7578) parsed without a library.

Rule: text parts become strings, parts with a ``filename`` become :class:`FormFile`; a body that
is not well-formed raises ``ValueError`` with the reason (the HTTP layer answers 422).
"""

from __future__ import annotations

from typing import Dict, Optional, Tuple

__all__ = ["FormFile", "boundary_of", "parse_form"]


class FormFile:
    """One file part: its field name's ``filename``, ``content_type`` and bytes."""

    __slots__ = ("content", "content_type", "filename")

    def __init__(self, filename: str, content_type: str, content: bytes) -> None:
        self.filename = filename
        self.content_type = content_type
        self.content = content

    def __repr__(self) -> str:
        return f"FormFile({self.filename!r}, {self.content_type!r}, {len(self.content)} bytes)"


def _params(header: str) -> Tuple[str, Dict[str, str]]:
    """``form-data; name="a"; filename="b"`` → ("form-data", {"name": "a", "filename": "b"})."""
    value, _, rest = header.partition(";")
    params: Dict[str, str] = {}
    while rest:
        rest = rest.lstrip(" \t;")
        key, eq, rest = rest.partition("=")
        if not eq:
            break
        if rest.startswith('"'):
            end = 1
            while end < len(rest) and rest[end] != '"':
                end += 2 if rest[end] == "\\" else 1
            raw, rest = rest[1:end], rest[end + 1 :]
            raw = raw.replace('\\"', '"').replace("\\\\", "\\").replace("%22", '"')
        else:
            raw, _, rest = rest.partition(";")
            raw = raw.strip()
        params[key.strip().lower()] = raw
    return value.strip().lower(), params


def boundary_of(content_type: str) -> Optional[str]:
    """The boundary of a ``multipart/form-data`` content type, or ``None`` if it is not one."""
    kind, params = _params(content_type)
    if kind != "multipart/form-data":
        return None
    return params.get("boundary") or None


def parse_form(body: bytes, boundary: str) -> Tuple[Dict[str, str], Dict[str, FormFile]]:
    """The text fields and the file parts of a multipart body."""
    delimiter = b"--" + boundary.encode("latin-1")
    fields: Dict[str, str] = {}
    files: Dict[str, FormFile] = {}
    parts = body.split(delimiter)
    if len(parts) < 3 or not parts[-1].startswith(b"--"):
        raise ValueError("the multipart body is not closed by its final boundary")
    for part in parts[1:-1]:
        if not part.startswith(b"\r\n") or not part.endswith(b"\r\n"):
            raise ValueError("a multipart part is not framed by CRLF")
        head, sep, content = part[2:-2].partition(b"\r\n\r\n")
        if not sep:
            raise ValueError("a multipart part has no blank line after its headers")
        headers: Dict[str, str] = {}
        for line in head.decode("utf-8", errors="replace").split("\r\n"):
            header, colon, value = line.partition(":")
            if colon:
                headers[header.strip().lower()] = value.strip()
        _, disposition = _params(headers.get("content-disposition", ""))
        name = disposition.get("name", "")
        if not name:
            raise ValueError("a multipart part has no Content-Disposition name")
        if "filename" in disposition:
            files[name] = FormFile(
                disposition["filename"],
                headers.get("content-type", "application/octet-stream"),
                content,
            )
        else:
            try:
                fields[name] = content.decode("utf-8")
            except UnicodeDecodeError:
                raise ValueError(f"the form field {name!r} is not UTF-8 text") from None
    return fields, files
