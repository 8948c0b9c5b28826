"""Idle, slow and too many connections: closed after a timeout, never a denial of service.

The limits are lowered (GatewayOptions) so a few dozen sockets show what 1,100 did: every
other client got a text/plain 503 without Retry-After, and slow senders were never dropped.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Callable, Iterator, List

import httpx
import pytest
from gwkit import client_for

from meshapi import MeshAPI
from meshapi.testing import LocalGateway
from meshapi.testing._http.connections import ConnectionGuard

LIMITS = {
    "request_header_timeout": 0.5,
    "request_body_timeout": 0.5,
    "max_connections": 40,
    "max_concurrent_requests": 2,
}


@pytest.fixture(scope="module")
def gateway() -> Iterator[LocalGateway]:
    with LocalGateway(faults_enabled=True, options=LIMITS) as gw:
        yield gw


def _connect(gateway: LocalGateway) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", gateway.port), timeout=10)
    return sock


def _closed_by_server(sock: socket.socket, within: float = 10.0) -> bool:
    """True once the server has closed the socket (EOF or reset), waiting at most ``within``."""
    sock.settimeout(within)
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def test_connections_that_never_send_a_request_do_not_lock_others_out(
    gateway: LocalGateway,
) -> None:
    idle: List[socket.socket] = [_connect(gateway) for _ in range(60)]
    try:
        with client_for(gateway) as client:
            for _ in range(5):
                response = client.get("/v1/models")
                assert response.status_code == 200, response.text
        # Every silent connection is closed (evicted, or timed out waiting for its head).
        assert all(_closed_by_server(sock) for sock in idle)
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.parametrize("stage", ["headers", "body"])
def test_slow_senders_are_cut_off(gateway: LocalGateway, stage: str) -> None:
    sock = _connect(gateway)
    try:
        head = (
            b"POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Authorization: Bearer " + gateway.api_key.encode() + b"\r\n"
        )
        if stage == "headers":
            sock.sendall(head)
            trickle = b"X-Slow: " + b"a" * 200 + b"\r\n\r\n"
        else:
            sock.sendall(head + b"Content-Length: 200\r\n\r\n")
            trickle = b" " * 200
        closed = False
        for byte in trickle:  # one byte every 50 ms: 10 s if nobody cut us off
            try:
                sock.sendall(bytes([byte]))
            except (BrokenPipeError, ConnectionResetError):
                closed = True
                break
            time.sleep(0.05)
        assert closed or _closed_by_server(sock, within=0.1)
    finally:
        sock.close()


def _wait_in_flight(gateway: LocalGateway, count: int) -> None:
    guard = gateway.gateway.part(ConnectionGuard)
    deadline = time.monotonic() + 5
    while guard.in_flight < count and time.monotonic() < deadline:
        time.sleep(0.01)


def _get_models(gateway: LocalGateway) -> None:
    with client_for(gateway) as client:
        client.get("/v1/models")


def test_overload_is_an_enveloped_503_with_retry_after(gateway: LocalGateway) -> None:
    gateway.faults.reset()
    gateway.faults.stall(1.0)
    gateway.faults.stall(1.0)
    busy = [threading.Thread(target=_get_models, args=(gateway,)) for _ in range(2)]
    for thread in busy:
        thread.start()
    try:
        _wait_in_flight(gateway, 2)
        with client_for(gateway) as client:
            response = client.get("/v1/models")
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/json"
        assert response.headers["retry-after"] == "1"
        assert response.json()["error"]["code"] == "overloaded"
    finally:
        for thread in busy:
            thread.join(10)
        gateway.faults.reset()


def test_the_sdk_retries_an_overload(make_gateway: Callable[..., LocalGateway]) -> None:
    gateway = make_gateway(
        faults_enabled=True, options={"max_concurrent_requests": 1, "overload_retry_after": 0.01}
    )
    gateway.faults.stall(0.5)
    slow = threading.Thread(target=_get_models, args=(gateway,))
    slow.start()
    _wait_in_flight(gateway, 1)
    with MeshAPI(base_url=gateway.base_url, token=gateway.api_key, max_retries=5) as sdk:
        assert len(sdk.models.list()) > 0
    slow.join(10)
    assert httpx.get(gateway.base_url + "/_gateway/health").status_code == 200


def test_a_body_that_arrived_is_not_slow_while_its_handler_is_held(gateway: LocalGateway) -> None:
    gateway.faults.reset()
    gateway.faults.stall(1.0)  # longer than request_body_timeout, before the body is read
    try:
        with client_for(gateway) as client:
            response = client.post("/v1/chat/completions", json={"model": "x", "messages": []})
        assert response.status_code == 422  # answered, not cut off
    finally:
        gateway.faults.reset()
