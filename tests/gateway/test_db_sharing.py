"""One database file serves one gateway: a second gateway is refused, and startup is race-free.

Two gateways on one file used to run every unfinished batch and embedding job twice (billing
doubled), and two starting at once on a fresh file could crash one with IntegrityError.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path
from typing import List, Tuple

import pytest
from gwkit import client_for

from meshapi.testing import DatabaseInUseError, LocalGateway


def test_a_second_gateway_on_the_same_file_is_refused_with_a_clear_message(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "gw.db")
    with LocalGateway(db_path=db) as first:
        second = LocalGateway(db_path=db)
        with pytest.raises(DatabaseInUseError, match="already used by another running gateway"):
            second.start()
        assert not second.running
        with client_for(first) as client:
            assert client.get("/v1/templates").status_code == 200
    # Once the first one stops, the file is free again (and keeps its key).
    with LocalGateway(db_path=db) as again:
        assert again.api_key == first.api_key


def test_a_gateway_in_another_process_holds_the_file_until_it_dies(tmp_path: Path) -> None:
    db = str(tmp_path / "gw.db")
    script = (
        "import sys\n"
        "from meshapi.testing import LocalGateway\n"
        f"g = LocalGateway(db_path={db!r}).start()\n"
        "print('up', flush=True)\n"
        "sys.stdin.read()\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "up"
        with pytest.raises(DatabaseInUseError, match=f"process {child.pid}"):
            LocalGateway(db_path=db).start()
    finally:
        child.kill()  # no clean shutdown: the operating system drops the lock
        child.wait(10)
    with LocalGateway(db_path=db) as gateway:
        assert gateway.running


def _start_at_once(db: str, count: int) -> Tuple[List[LocalGateway], int, List[BaseException]]:
    barrier = threading.Barrier(count)
    started: List[LocalGateway] = []
    refused: List[BaseException] = []
    crashed: List[BaseException] = []

    def start() -> None:
        gateway = LocalGateway(db_path=db)
        barrier.wait()
        try:
            started.append(gateway.start())
        except DatabaseInUseError as exc:
            refused.append(exc)
        except BaseException as exc:
            crashed.append(exc)

    threads = [threading.Thread(target=start) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return started, len(refused), crashed


def test_gateways_starting_at_once_on_a_fresh_file_never_crash(tmp_path: Path) -> None:
    for round_ in range(5):
        started, refused, crashed = _start_at_once(str(tmp_path / f"fresh{round_}.db"), 3)
        try:
            assert crashed == []
            assert len(started) == 1 and refused == 2
        finally:
            for gateway in started:
                gateway.stop()
