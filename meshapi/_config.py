"""``MeshAPIConfig``: the client's options as one object (the 0.1.4 way of passing them).

Rule: no I/O. Values left out are read from the environment when the config is made
(``MESHAPI_BASE_URL``, ``MESHAPI_TOKEN`` / ``MESHAPI_API_KEY``), so a config made once describes
what a client built from it will use.

>>> config = MeshAPIConfig(base_url="http://127.0.0.1:8000", token="rsk_...", max_retries=5)
>>> client = MeshAPI(config=config)            # same as MeshAPI(base_url=..., token=..., ...)
>>> client = MeshAPI(**config.client_kwargs())  # the same again, spelled out
"""

from __future__ import annotations

import os
from typing import Any, Dict, Mapping, Optional

import httpx

__all__ = ["MeshAPIConfig"]

_DEFAULT_BASE_URL = "https://api.meshapi.ai"
_DEFAULT_MAX_RETRIES = 3
_DEFAULT_MAX_RETRY_WAIT = 60.0


class MeshAPIConfig:
    """Options of a :class:`~meshapi.MeshAPI` / :class:`~meshapi.AsyncMeshAPI` client.

    Args:
        base_url: the gateway; defaults to ``$MESHAPI_BASE_URL``, then ``https://api.meshapi.ai``.
        token: the API key; defaults to ``$MESHAPI_TOKEN``, then ``$MESHAPI_API_KEY`` (``None``
            when neither is set: the client then refuses to start, naming the variable).
        timeout: seconds (a float) or an ``httpx.Timeout`` (``None``: the client default, 60 s).
        max_retries: retries of 429/502/503/504 and connection failures (default 3).
        max_retry_wait: the longest server-requested wait that is slept (default 60 s).
        default_headers: headers sent on every request.

    The attributes are plain and may be changed before a client is built. The token never
    appears in ``repr``.
    """

    def __init__(
        self,
        base_url: Optional[str] = None,
        token: Optional[str] = None,
        timeout: Optional[Any] = None,
        max_retries: int = _DEFAULT_MAX_RETRIES,
        max_retry_wait: float = _DEFAULT_MAX_RETRY_WAIT,
        default_headers: Optional[Mapping[str, str]] = None,
    ) -> None:
        if timeout is not None and not isinstance(timeout, (int, float, httpx.Timeout)):
            raise TypeError(
                f"timeout must be a number of seconds or an httpx.Timeout, got {timeout!r}"
            )
        if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
            raise ValueError(f"max_retries must be an int >= 0, got {max_retries!r}")
        self.base_url: str = (
            base_url or os.environ.get("MESHAPI_BASE_URL") or _DEFAULT_BASE_URL
        ).rstrip("/")
        self.token: Optional[str] = (
            token or os.environ.get("MESHAPI_TOKEN") or os.environ.get("MESHAPI_API_KEY") or None
        )
        self.timeout: Any = timeout
        self.max_retries: int = max_retries
        self.max_retry_wait: float = max_retry_wait
        self.default_headers: Dict[str, str] = dict(default_headers or {})

    def client_kwargs(self) -> Dict[str, Any]:
        """The keyword arguments of ``MeshAPI(...)`` / ``AsyncMeshAPI(...)`` this config means."""
        kwargs: Dict[str, Any] = {
            "base_url": self.base_url,
            "token": self.token,
            "max_retries": self.max_retries,
            "max_retry_wait": self.max_retry_wait,
            "default_headers": dict(self.default_headers) or None,
        }
        if self.timeout is not None:  # a client's timeout=None means no timeout at all
            kwargs["timeout"] = self.timeout
        return kwargs

    def __repr__(self) -> str:
        token = "set" if self.token else "unset"
        return (
            f"MeshAPIConfig(base_url={self.base_url!r}, token=<{token}>, timeout={self.timeout!r},"
            f" max_retries={self.max_retries!r}, max_retry_wait={self.max_retry_wait!r})"
        )
