"""Signed upload and download URLs (RAG files): HMAC signatures with an expiry.

Rule: this module does no I/O and reads no clock; callers pass ``now``.

Signed URLs: ``<base>/v1/uploads/<file_id>?expires=<unix seconds>&signature=<hex>`` where the
signature is HMAC-SHA256 over ``"<METHOD>\\n<file_id>\\n<expires>"`` with the gateway's secret.
The method is signed so that a download link (GET) cannot be replayed as an upload (PUT).
The signature is checked before the expiry, so a forged ``expires`` is reported as a bad
signature rather than as an expired one.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Optional
from urllib.parse import urlencode

__all__ = ["SignatureError", "sign", "signed_url", "verify"]


class SignatureError(Exception):
    """A signed URL was refused; ``code`` is ``invalid_signature`` or ``signature_expired``."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def sign(secret: bytes, method: str, file_id: str, expires: int) -> str:
    """The hex HMAC-SHA256 signature of one (method, file, expiry)."""
    if not secret:
        raise ValueError("the signing secret is empty")
    message = f"{method.upper()}\n{file_id}\n{expires}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def signed_url(base_url: str, secret: bytes, method: str, file_id: str, expires: int) -> str:
    """The full URL that lets its holder ``method`` the file until ``expires``."""
    query = urlencode({"expires": expires, "signature": sign(secret, method, file_id, expires)})
    return f"{base_url.rstrip('/')}/v1/uploads/{file_id}?{query}"


def verify(
    secret: bytes,
    method: str,
    file_id: str,
    expires: Optional[str],
    signature: Optional[str],
    now: float,
) -> None:
    """Accept the query parameters of a signed URL or raise :class:`SignatureError`."""
    if not expires or not signature:
        missing = [n for n, v in (("expires", expires), ("signature", signature)) if not v]
        raise SignatureError(
            "invalid_signature", f"the URL is not signed: missing {' and '.join(missing)}"
        )
    try:
        expires_at = int(expires)
    except ValueError:
        raise SignatureError(
            "invalid_signature", "the URL's 'expires' is not a unix timestamp"
        ) from None
    expected = sign(secret, method, file_id, expires_at)
    if not hmac.compare_digest(expected, signature.lower()):
        raise SignatureError(
            "invalid_signature",
            f"the signature does not match this URL (for {method.upper()} of this file)",
        )
    if now > expires_at:
        raise SignatureError(
            "signature_expired",
            f"the signed URL expired {int(now - expires_at)} seconds ago; ask for a new one",
        )
