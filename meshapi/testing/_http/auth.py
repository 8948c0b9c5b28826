"""Who is calling: the bearer key, checked against the gateway's keys and rate limits."""

from __future__ import annotations

from typing import Dict, Optional

from starlette.requests import HTTPConnection

from .._core.config import KeyRecord
from .._core.errors import GatewayError
from .context import gateway_of, interruptible_sleep

__all__ = ["authenticate", "bearer_token"]


def bearer_token(request: HTTPConnection) -> Optional[str]:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


async def authenticate(request: HTTPConnection) -> KeyRecord:
    """Bearer auth for an API request, then the key's RPM/RPD limits.

    Injected request faults fire first (before the key is even looked at, like a proxy in
    front of the gateway would): a stall before the first byte, a failure status.
    """
    gateway = gateway_of(request)
    fault = gateway.faults.take_request_fault()
    if fault is not None:
        if fault.stall_seconds:
            await interruptible_sleep(request, fault.stall_seconds)
        if fault.status is not None:
            if fault.body != "json":
                raise fault.non_json_response()
            parts = fault.error_parts()
            retry = fault.retry_after
            headers: Dict[str, str] = {}
            if isinstance(retry, str):
                headers["Retry-After"] = retry
                retry = None
            raise GatewayError(
                parts["status"], parts["code"], parts["message"], retry_after=retry, headers=headers
            )
    record = gateway.authenticate_key(bearer_token(request))
    gateway.check_rate_limit(record)
    request.scope.setdefault("state", {})["key"] = record
    return record
