"""Gateway logs: ``log_level`` really logs, and no line ever carries a key."""

from __future__ import annotations

import logging
import subprocess
import sys

import httpx
import pytest
from websockets.sync.client import connect

from meshapi.testing import LocalGateway
from meshapi.testing._logs import redact

SECRET = "rsk_" + "s3cr3t" * 6


def test_secrets_in_log_lines_are_masked() -> None:
    assert redact(f"GET /v1/realtime?model=m&api_key={SECRET} HTTP/1.1") == (
        "GET /v1/realtime?model=m&api_key=[redacted] HTTP/1.1"
    )
    assert redact("PUT /v1/uploads/f?expires=1&signature=abc") == (
        "PUT /v1/uploads/f?expires=1&signature=[redacted]"
    )
    assert redact(f"Authorization: Bearer {SECRET}") == "Authorization: Bearer [redacted]"
    assert SECRET not in redact(f"key {SECRET} in a message")


def test_an_info_gateway_logs_requests_and_handshakes_without_the_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    with LocalGateway(log_level="info", api_keys=[SECRET]) as gw:
        httpx.get(f"{gw.base_url}/v1/models?api_key={SECRET}", timeout=10)
        url = f"ws://127.0.0.1:{gw.port}/v1/realtime?model=openai/gpt-realtime-mini"
        with connect(f"{url}&api_key={SECRET}", open_timeout=10):
            pass
    # The gateway's lines (the test's own httpx client logs the URL it was given).
    text = "\n".join(
        r.getMessage() for r in caplog.records if r.name.startswith(("uvicorn", "meshapi"))
    )
    assert "GET /v1/models?api_key=[redacted]" in text
    assert "/v1/realtime?model=openai/gpt-realtime-mini&api_key=[redacted]" in text
    assert SECRET not in text


def test_log_level_info_logs_to_stderr_when_nothing_else_is_configured() -> None:
    # What `meshapi gateway --log-level info` does: LocalGateway(log_level=...) in a process
    # that configured no logging.
    script = (
        "import httpx\n"
        "from meshapi.testing import LocalGateway\n"
        f"with LocalGateway(log_level='info', api_keys=[{SECRET!r}]) as gw:\n"
        f"    httpx.get(gw.base_url + '/v1/models?api_key={SECRET}', timeout=10)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "GET /v1/models?api_key=[redacted]" in done.stderr, done.stderr
    assert SECRET not in done.stderr + done.stdout


def test_a_bad_log_level_is_refused() -> None:
    with pytest.raises(ValueError, match="log_level"):
        LocalGateway(log_level="loud").start()
