"""What happened on the wire, for the caller and for the log. No I/O (it formats log records;
the ``logging`` handlers the application configured do the writing).

Rule 1: one attribute, ``_meta``, on every response model, page and stream, holds a
:class:`ResponseMeta`: request id, status, headers (routing, resolved model), retries taken and
time elapsed. Its name starts with an underscore, so it can never be a wire field (pydantic
keeps such keys, if a gateway ever sent one, in ``extra_fields``).
Rule 2: nothing is logged unless asked (``MESHAPI_LOG=info|debug`` or the ``meshapi`` logger's
level), and what is logged never holds the API key or a signed URL's signature: headers and
URLs go through :func:`redact_headers` / :func:`redact_url` first.
"""

from __future__ import annotations

import logging
import os
import re
import time
from typing import Any, Dict, Mapping, Optional

import httpx

__all__ = [
    "ResponseMeta",
    "attach_meta",
    "log_request",
    "log_retry",
    "logger",
    "meta_of",
    "redact_headers",
    "redact_url",
    "setup_logging",
]

logger = logging.getLogger("meshapi")

# request.extensions keys the HTTP core uses to carry a call's bookkeeping to its response.
STARTED = "meshapi_started"
RETRIES = "meshapi_retries"
MAX_RETRIES = "meshapi_max_retries"
_META = "meshapi_meta"

_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie", "set-cookie"}
)
# Query parameters of a signed URL that carry its credential.
_SECRET_PARAMS = frozenset(
    {
        "signature",
        "sig",
        "token",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "x-goog-signature",
        "x-goog-credential",
        "api_key",
        "key",
    }
)


class ResponseMeta:
    """What one call's HTTP exchange said, beyond its body: ``reply._meta``.

    Attributes:
        request_id: the gateway's ``X-Request-Id`` (or the one the SDK sent).
        status_code: the HTTP status.
        headers: every response header (case-insensitive ``httpx.Headers``).
        retries: how many times the SDK retried before this answer (0: the first attempt).
        elapsed: seconds from building the request to the answer (all attempts and waits;
            for a stream, to its headers).
        method, url: the request (the URL without its query string).
    """

    __slots__ = ("_url", "elapsed", "headers", "method", "request_id", "retries", "status_code")

    def __init__(
        self,
        *,
        request_id: Optional[str],
        status_code: int,
        headers: httpx.Headers,
        retries: int,
        elapsed: float,
        method: str,
        url: httpx.URL,
    ) -> None:
        self.request_id = request_id
        self.status_code = status_code
        self.headers = headers
        self.retries = retries
        self.elapsed = elapsed
        self.method = method
        self._url = url

    @property
    def url(self) -> str:
        """The request's URL without its query string (which may hold a signature)."""
        return str(self._url.copy_with(query=None))

    @property
    def routing(self) -> Dict[str, str]:
        """The gateway's ``X-Mesh-Routing-*`` headers, by the rest of their lower-cased name
        (``{"model": ..., "attempts": ..., "fallback": ...}``)."""
        prefix = "x-mesh-routing-"
        return {
            name[len(prefix) :]: value
            for name, value in self.headers.items()
            if name.lower().startswith(prefix)
        }

    @property
    def resolved_model(self) -> Optional[str]:
        """The model that answered (``X-Resolved-Model-Id``, else ``X-Mesh-Routing-Model``)."""
        model: Optional[str] = self.headers.get("x-resolved-model-id") or self.headers.get(
            "x-mesh-routing-model"
        )
        return model

    def __repr__(self) -> str:
        return (
            f"ResponseMeta({self.method} {self.url} -> {self.status_code}, "
            f"request_id={self.request_id!r}, retries={self.retries}, "
            f"elapsed={self.elapsed:.3f}s)"
        )


def response_meta(response: httpx.Response) -> ResponseMeta:
    """The :class:`ResponseMeta` of a response the HTTP core sent (computed once, cached)."""
    meta = response.extensions.get(_META)
    if isinstance(meta, ResponseMeta):
        return meta
    request = response.request
    ext = request.extensions
    started = ext.get(STARTED)
    meta = ResponseMeta(
        request_id=response.headers.get("x-request-id") or request.headers.get("x-request-id"),
        status_code=response.status_code,
        headers=response.headers,
        retries=int(ext.get(RETRIES, 0)),
        elapsed=time.monotonic() - started if isinstance(started, float) else 0.0,
        method=request.method,
        url=request.url,
    )
    response.extensions[_META] = meta
    return meta


def attach_meta(obj: Any, response: httpx.Response) -> Any:
    """Give a parsed answer (a response model, a page) its ``_meta``; other values (a list,
    bytes) are returned as they are."""
    if hasattr(obj, "__pydantic_private__") and hasattr(type(obj), "_meta"):
        private = obj.__pydantic_private__
        if private is None:
            object.__setattr__(obj, "__pydantic_private__", {"_meshapi_meta": None})
            private = obj.__pydantic_private__
        private["_meshapi_meta"] = response_meta(response)
    return obj


def meta_of(obj: Any) -> Optional[ResponseMeta]:
    """The :class:`ResponseMeta` stored on a model by :func:`attach_meta`, if any."""
    private = getattr(obj, "__pydantic_private__", None)
    if not private:
        return None
    meta = private.get("_meshapi_meta")
    return meta if isinstance(meta, ResponseMeta) else None


# -- logging --------------------------------------------------------------------------------


def redact_url(url: str) -> str:
    """The URL with the value of every credential-carrying query parameter replaced."""
    if "?" not in url:
        return url
    parsed = httpx.URL(url)
    params = [
        (k, "REDACTED" if k.lower() in _SECRET_PARAMS else v)
        for k, v in parsed.params.multi_items()
    ]
    return str(parsed.copy_with(params=params))


def redact_headers(headers: Mapping[str, str]) -> Dict[str, str]:
    """The headers with credentials replaced (``Authorization: Bearer <redacted>``)."""
    return {k: ("<redacted>" if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}


_configured = False


def setup_logging() -> None:
    """Honour ``MESHAPI_LOG=info|debug`` once: a stderr handler on the ``meshapi`` logger.
    Without it the SDK logs nothing (Python's rule: a library adds no handler of its own)."""
    global _configured
    if _configured:
        return
    _configured = True
    level = os.environ.get("MESHAPI_LOG", "").strip().lower()
    if level not in ("debug", "info"):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if level == "debug" else logging.INFO)


def log_request(request: httpx.Request, status: Optional[int], outcome: str = "") -> None:
    """One INFO line per call: method, path, status, latency, retries, request id; at DEBUG
    also the request's (redacted) headers and body."""
    if not logger.isEnabledFor(logging.INFO):
        return
    ext = request.extensions
    started = ext.get(STARTED)
    elapsed = time.monotonic() - started if isinstance(started, float) else 0.0
    logger.info(
        "%s %s -> %s in %.0f ms, %d retries, request_id=%s%s",
        request.method,
        redact_url(str(request.url.copy_with(query=None))),
        status if status is not None else "no answer",
        elapsed * 1000,
        int(ext.get(RETRIES, 0)),
        request.headers.get("x-request-id"),
        f" ({outcome})" if outcome else "",
    )
    if logger.isEnabledFor(logging.DEBUG):
        try:
            body = request.content
        except httpx.RequestNotRead:
            body = b""
        logger.debug(
            "request %s %s headers=%s body=%s",
            request.method,
            redact_url(str(request.url)),
            redact_headers(request.headers),
            _body_text(body, request.headers.get("content-type", "")),
        )


def log_response_body(response: httpx.Response) -> None:
    """At DEBUG, a read response's body (binary bodies by size only)."""
    if logger.isEnabledFor(logging.DEBUG):
        logger.debug(
            "response %s headers=%s body=%s",
            response.status_code,
            redact_headers(response.headers),
            _body_text(response.content, response.headers.get("content-type", "")),
        )


def log_retry(request: httpx.Request, attempt: int, delay: float, reason: str) -> None:
    """A retry: which call, why, and how long the SDK waits first."""
    if logger.isEnabledFor(logging.INFO):
        logger.info(
            "retrying %s %s (retry %d) in %.2fs: %s (request_id=%s)",
            request.method,
            redact_url(str(request.url.copy_with(query=None))),
            attempt + 1,
            delay,
            reason,
            request.headers.get("x-request-id"),
        )


def _body_text(content: bytes, content_type: str, limit: int = 4096) -> str:
    if not content:
        return "(empty)"
    ctype = content_type.split(";", 1)[0].strip().lower()
    if not (ctype.endswith("json") or ctype.startswith("text/") or not ctype):
        return f"({len(content)} bytes of {ctype})"
    text = content[:limit].decode("utf-8", errors="replace")
    return _SECRET_IN_TEXT.sub(r"\1=REDACTED", text) + ("..." if len(content) > limit else "")


# A credential-carrying query parameter inside a body (a signed URL in a JSON answer).
_SECRET_IN_TEXT = re.compile(
    r"([?&](?:" + "|".join(re.escape(p) for p in sorted(_SECRET_PARAMS)) + r"))=[^&\"'\s]*",
    re.IGNORECASE,
)
