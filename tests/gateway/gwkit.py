"""Helpers shared by the gateway server tests: SSE parsing, schema checking, clients, PDFs."""

from __future__ import annotations

import io
import json
import os
import textwrap
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import httpx

from meshapi.testing import LocalGateway

SSE = List[Tuple[Optional[str], str]]


def client_for(gateway: LocalGateway, key: Optional[str] = None, **kwargs: Any) -> httpx.Client:
    """An httpx client for ``gateway`` authenticated with ``key`` (default: its primary key)."""
    token = key if key is not None else gateway.api_key
    kwargs.setdefault("timeout", 30)
    return httpx.Client(
        base_url=gateway.base_url, headers={"Authorization": f"Bearer {token}"}, **kwargs
    )


def parse_sse(text: str) -> SSE:
    """(event name, data) per frame, following the WHATWG rules for LF/CRLF/CR and comments."""
    frames: SSE = []
    event: Optional[str] = None
    data: List[str] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line == "":
            if data:
                frames.append((event, "\n".join(data)))
            event, data = None, []
            continue
        if line.startswith(":"):
            continue
        field, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if field == "event":
            event = value
        elif field == "data":
            data.append(value)
    return frames


def sse_json(text: str) -> List[Tuple[Optional[str], Any]]:
    """Parsed frames with JSON data decoded; the final ``[DONE]`` is kept as the string."""
    return [
        (event, data if data == "[DONE]" else json.loads(data)) for event, data in parse_sse(text)
    ]


def post_stream(client: httpx.Client, path: str, body: Dict[str, Any]) -> httpx.Response:
    """POST and read the whole streamed body."""
    with client.stream("POST", path, json=body) as response:
        response.read()
    return response


# --------------------------------------------------------------------------------------------
# A tiny JSON-schema checker (the subset tool schemas use), so tests need no jsonschema.

_TYPES: Dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def schema_errors(value: Any, schema: Dict[str, Any], path: str = "$") -> List[str]:
    """Every way ``value`` violates ``schema`` (empty when it is valid)."""
    errors: List[str] = []
    if "anyOf" in schema:
        if all(schema_errors(value, option, path) for option in schema["anyOf"]):
            errors.append(f"{path}: matches no anyOf branch")
        return errors
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_TYPES[k](value) for k in kinds):
            return [f"{path}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: {value!r} != {schema['const']!r}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for name in schema.get("required", []):
            if name not in value:
                errors.append(f"{path}: missing required {name!r}")
        for name, sub in value.items():
            if name in props:
                errors += schema_errors(sub, props[name], f"{path}.{name}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{path}: unexpected property {name!r}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: more than {schema['maxItems']} items")
        for index, item in enumerate(value):
            errors += schema_errors(item, schema.get("items", {}), f"{path}[{index}]")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: shorter than {schema['minLength']}")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: longer than {schema['maxLength']}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: below minimum {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: above maximum {schema['maximum']}")
    return errors


def make_pdf(
    pages: Sequence[str],
    *,
    compress: bool = True,
    font: str = "Helvetica",
    encrypt: Any = None,
) -> bytes:
    """A real PDF written by reportlab: one page per item, paragraphs (split at blank lines)
    wrapped at 80 columns with a wider gap between them. ``font="Vera"`` embeds reportlab's
    TrueType font (a subset with a ToUnicode map); ``encrypt`` goes to the canvas as it is."""
    import reportlab
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    if font == "Vera" and "Vera" not in pdfmetrics.getRegisteredFontNames():
        path = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")
        pdfmetrics.registerFont(TTFont("Vera", path))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pageCompression=int(compress), encrypt=encrypt, invariant=1)
    for page in pages:
        y = 720.0
        for paragraph in page.split("\n\n"):
            for line in textwrap.wrap(" ".join(paragraph.split()), 80) or [""]:
                pdf.setFont(font, 12)
                pdf.drawString(72, y, line)
                y -= 15
            y -= 30
        pdf.showPage()
    pdf.save()
    return out.getvalue()
