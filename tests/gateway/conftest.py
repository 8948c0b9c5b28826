"""Fixtures and helpers for the local gateway's server tests (plain httpx over real sockets)."""

from __future__ import annotations

from typing import Any, Callable, Iterator, List

import httpx
import pytest

from meshapi.testing import LocalGateway


@pytest.fixture(scope="session")
def shared_gateway() -> Iterator[LocalGateway]:
    """One gateway for tests that do not change global state (faults stay off)."""
    with LocalGateway() as gateway:
        yield gateway


@pytest.fixture
def api(shared_gateway: LocalGateway) -> Iterator[httpx.Client]:
    """An authenticated client for the shared gateway."""
    with httpx.Client(
        base_url=shared_gateway.base_url,
        headers={"Authorization": f"Bearer {shared_gateway.api_key}"},
        timeout=30,
    ) as client:
        yield client


@pytest.fixture(scope="module")
def faulty_gateway() -> Iterator[LocalGateway]:
    """A gateway with fault injection enabled, shared by one test module."""
    with LocalGateway(faults_enabled=True) as gateway:
        yield gateway


@pytest.fixture
def faulty(faulty_gateway: LocalGateway) -> Iterator[LocalGateway]:
    """The fault-enabled gateway with every fault disarmed before and after the test."""
    faulty_gateway.faults.reset()
    yield faulty_gateway
    faulty_gateway.faults.reset()


@pytest.fixture
def make_gateway() -> Iterator[Callable[..., LocalGateway]]:
    """Start fresh gateways with given options; all are stopped after the test."""
    started: List[LocalGateway] = []

    def make(**options: Any) -> LocalGateway:
        gateway = LocalGateway(**options).start()
        started.append(gateway)
        return gateway

    yield make
    for gateway in started:
        gateway.stop()
