"""The pytest plugin users enable with ``-p meshapi.testing.pytest_plugin``."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

USER_TESTS = """
import pytest

pytest_plugins = ["meshapi.testing.pytest_plugin"]


def test_the_gateway_is_running(meshapi_gateway):
    assert meshapi_gateway.running and meshapi_gateway.api_key.startswith("rsk_")


def test_the_sync_client_talks_to_it(meshapi_client):
    assert any(m.id == "openai/gpt-4o-mini" for m in meshapi_client.models.list())


@pytest.mark.asyncio
async def test_the_async_client_talks_to_it(meshapi_async_client):
    assert await meshapi_async_client.models.free()


def test_faults_are_armed_here(meshapi_faults, meshapi_gateway):
    meshapi_faults.fail_next(1, status=503)
    assert meshapi_gateway.faults.snapshot()["fail_next"]


def test_and_disarmed_for_the_next_test(meshapi_gateway):
    assert meshapi_gateway.faults.snapshot()["fail_next"] == []
"""


def test_the_plugin_fixtures_work_in_a_user_test_suite(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(textwrap.dedent(USER_TESTS))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "ignore::DeprecationWarning",
            str(tmp_path),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 passed" in result.stdout
