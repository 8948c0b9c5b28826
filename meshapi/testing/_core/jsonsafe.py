"""Untrusted JSON in, storable values out: depth limits, non-finite numbers, lone surrogates.

Rule: a request body is checked here before any service sees it, so nothing that cannot be
stored in SQLite or served back as strict UTF-8 JSON (``NaN``, ``Infinity``, ``1e999``, a lone
surrogate such as ``"\\ud800"``) ever reaches a table, and a deeply nested body is refused
before the parser recurses into it. Pure functions, no I/O.
"""

from __future__ import annotations

import array
import itertools
import json
import math
import re
from typing import Any, List, Optional, Tuple

from .errors import GatewayError, validation_detail

__all__ = ["MAX_INT_DIGITS", "json_depth", "loads_checked", "servable", "unstorable"]

# Longer integers are refused: converting them is quadratic, and nothing in the API needs them.
MAX_INT_DIGITS = 1000

_STRING = re.compile(rb'"[^"]*"')
_SURROGATE = re.compile("[\ud800-\udfff]")
_STRUCTURE = bytes(b for b in range(256) if b not in b'[]{}"')
# [ and { become +1, ] and } become -1 (0xff read as a signed byte).
_DELTAS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")


def json_depth(raw: bytes) -> int:
    """How deeply ``raw`` nests arrays and objects, without parsing it.

    Linear in the size of ``raw`` with every loop in C (regular expressions, ``translate``,
    ``accumulate``). Brackets inside strings
    do not count; the answer for malformed JSON is an estimate the parser then refuses anyway.
    """
    # Escaped backslashes first, then escaped quotes: what is left of a string is its quotes.
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    skeleton = _STRING.sub(b"", unescaped.translate(None, _STRUCTURE)).replace(b'"', b"")
    if skeleton.count(b"[") + skeleton.count(b"{") <= 1:
        return min(1, len(skeleton))
    return max(itertools.accumulate(array.array("b", skeleton.translate(_DELTAS))), default=0)


class _TooLong(ValueError):
    pass


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _TooLong(text[:20])
    return int(text)


def _invalid(loc: List[Any], message: str, type_: str = "json_invalid") -> GatewayError:
    where = ".".join(str(p) for p in loc[1:]) or "body"
    return GatewayError(
        422,
        "validation_error",
        f"Invalid request body: {where}: {message}",
        details=[validation_detail(loc, message, type_)],
    )


def loads_checked(raw: bytes, *, max_depth: int) -> Any:
    """Parse an untrusted JSON body; 422 ``validation_error`` naming the field otherwise.

    Refused: nesting deeper than ``max_depth`` (checked before parsing), invalid UTF-8,
    malformed JSON, integers longer than :data:`MAX_INT_DIGITS` digits, and (see
    :func:`unstorable`) ``NaN``/``Infinity``/overflowing numbers and lone surrogates.
    """
    depth = json_depth(raw)
    if depth > max_depth:
        raise _invalid(["body"], f"JSON is nested {depth} levels deep; the limit is {max_depth}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _invalid(["body"], "Body must be UTF-8 encoded JSON") from None
    try:
        data = json.loads(text, parse_int=_parse_int)
    except json.JSONDecodeError as exc:
        raise GatewayError(
            422,
            "validation_error",
            f"Request body is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno}).",
            details=[
                validation_detail(
                    ["body", exc.pos], f"JSON decode error: {exc.msg}", "json_invalid"
                )
            ],
        ) from None
    except _TooLong:
        raise _invalid(["body"], f"an integer has more than {MAX_INT_DIGITS} digits") from None
    except RecursionError:  # malformed nesting the depth estimate could not see
        raise _invalid(["body"], f"JSON is nested deeper than {max_depth} levels") from None
    found = unstorable(data)
    if found is not None:
        loc, message = found
        raise _invalid(["body", *loc], message, "value_error")
    return data


def _bad_text(text: str) -> Optional[str]:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return (
            f"contains a lone surrogate (U+{ord(text[exc.start]):04X}), which is not valid Unicode"
        )
    return None


def unstorable(value: Any) -> Optional[Tuple[List[Any], str]]:
    """The location and reason of the first value that strict JSON cannot carry, or ``None``.

    Non-finite floats (``NaN``, ``Infinity``, and ``1e999``, which parses to infinity) and
    strings or keys with lone surrogates are unstorable.
    """
    stack: List[Tuple[List[Any], Any]] = [([], value)]
    while stack:
        loc, item = stack.pop()
        if isinstance(item, str):
            problem = _bad_text(item)
            if problem:
                return loc, problem
        elif isinstance(item, float):
            if not math.isfinite(item):
                return loc, f"{item!r} is not a finite number (JSON has no NaN or Infinity)"
        elif isinstance(item, dict):
            for key, child in item.items():
                problem = _bad_text(str(key))
                if problem:
                    return [*loc, key.encode("utf-8", "backslashreplace").decode()], (
                        "the key " + problem
                    )
                stack.append(([*loc, key], child))
        elif isinstance(item, list):
            stack.extend(([*loc, i], child) for i, child in enumerate(item))
    return None


def servable(value: Any) -> Any:
    """A copy of ``value`` strict JSON can carry: non-finite floats become ``null``, lone
    surrogates U+FFFD. For what an older gateway stored before bodies were checked."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {servable(str(k)): servable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [servable(v) for v in value]
    return value
