"""Fixtures of the command-line tests: one local gateway for the session, and ``cli(...)``,
which runs ``meshapi`` through its entry point in-process and returns status, stdout, stderr.

The gateway has fault injection enabled; the ``faults`` fixture disarms it before and after a
test that arms something. stdin, stdout and stderr are never terminals here (a terminal is
simulated explicitly where a test needs one), so output is the plain, piped form.
"""

from __future__ import annotations

import os
from typing import Dict, Iterator, Optional

import pytest
from clikit import ENV_CLEARED, Cli, Result, run_cli

from meshapi.testing import FaultController, LocalGateway


@pytest.fixture(scope="session")
def gateway() -> Iterator[LocalGateway]:
    with LocalGateway(faults_enabled=True) as gw:
        yield gw


@pytest.fixture
def faults(gateway: LocalGateway) -> Iterator[FaultController]:
    gateway.faults.reset()
    yield gateway.faults
    gateway.faults.reset()


@pytest.fixture
def cli_env(gateway: LocalGateway, monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    """MESHAPI_BASE_URL / MESHAPI_TOKEN pointing at the session gateway; render variables off."""
    for name in ENV_CLEARED:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MESHAPI_BASE_URL", gateway.base_url)
    monkeypatch.setenv("MESHAPI_TOKEN", gateway.api_key)
    return {
        **{k: v for k, v in os.environ.items() if k not in ENV_CLEARED},
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def cli(cli_env: Dict[str, str]) -> Cli:
    """``cli("models", "--json", stdin="...")`` -> :class:`Result`."""

    def run(*argv: str, stdin: Optional[str] = None) -> Result:
        return run_cli(list(argv), stdin)

    return run
