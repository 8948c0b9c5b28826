"""Scaling out over real sockets: clients pickled into process pools and a Dask cluster, and a
client that a forked child inherits. Every answer must arrive once, and be the one the parent
gets for the same input (the local gateway answers deterministically)."""

from __future__ import annotations

import asyncio
import collections
import multiprocessing
import os
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from meshapi import AsyncMeshAPI, ChatCompletionParams, ChatMessage, EmbeddingsParams, MeshAPI
from meshapi.testing import LocalGateway

Job = Tuple[Any, str, int]  # (client, "chat" | "embed", item number)


def work(job: Job) -> Tuple[int, str, str, int]:
    """One job in a worker process: (item, kind, answer, worker pid). Module-level, so that pools
    and Dask pickle it by reference; the client arrives pickled by configuration."""
    client, kind, i = job
    if isinstance(client, AsyncMeshAPI):

        async def call() -> str:
            return answer(await _call(client, kind, i), kind)

        return i, kind, asyncio.run(call()), os.getpid()
    return i, kind, answer(_call(client, kind, i), kind), os.getpid()


def _call(client: Any, kind: str, i: int) -> Any:
    if kind == "chat":
        return client.chat.completions.create(
            ChatCompletionParams(
                model="openai/gpt-4o-mini",
                messages=[ChatMessage(role="user", content=f"Tell me about item {i}.")],
            )
        )
    return client.embeddings.create(
        EmbeddingsParams(model="openai/text-embedding-3-small", input=f"item {i}")
    )


def answer(reply: Any, kind: str) -> str:
    """What identifies an answer: the text, or the start of the vector."""
    if kind == "chat":
        return str(reply.choices[0].message.content)
    return repr([round(x, 6) for x in reply.data[0].embedding[:4]])


@pytest.fixture(scope="module")
def jobs_and_expected(
    gw: LocalGateway,
) -> Iterator[Tuple[List[Job], Dict[Tuple[int, str], str]]]:
    """Sync and aiohttp-backed async clients, each already used here (so each holds a pooled
    connection that must not travel), and the answers the parent gets."""
    sync = MeshAPI(base_url=gw.base_url, token=gw.api_key)
    aio = AsyncMeshAPI(base_url=gw.base_url, token=gw.api_key, http_backend="aiohttp")
    jobs: List[Job] = []
    expected: Dict[Tuple[int, str], str] = {}
    for i in range(6):
        for kind in ("chat", "embed"):
            jobs.append((aio if i % 2 else sync, kind, i))
            expected[(i, kind)] = answer(_call(sync, kind, i), kind)
    asyncio.run(_call(aio, "chat", 0))  # the async client has a pool (on a loop now gone)
    yield jobs, expected
    sync.close()
    asyncio.run(aio.close())


def check_every_answer_arrived_once(
    results: List[Tuple[int, str, str, int]], expected: Dict[Tuple[int, str], str]
) -> None:
    counts = collections.Counter((i, kind) for i, kind, _, _ in results)
    assert counts == collections.Counter(expected.keys()), "each job answered exactly once"
    for i, kind, got, pid in results:
        assert got == expected[(i, kind)], f"job {(i, kind)} got another job's answer"
        assert pid != os.getpid(), "the work ran in another process"


def test_a_process_pool_map_of_chat_and_embedding_calls(
    jobs_and_expected: Tuple[List[Job], Dict[Tuple[int, str], str]],
) -> None:
    jobs, expected = jobs_and_expected
    # spawn: nothing is inherited, the clients travel pickled (as on macOS and Windows).
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.map(work, jobs, chunksize=3)
    check_every_answer_arrived_once(results, expected)


def test_a_dask_local_cluster_map_of_chat_and_embedding_calls(
    jobs_and_expected: Tuple[List[Job], Dict[Tuple[int, str], str]],
) -> None:
    from distributed import Client, LocalCluster

    jobs, expected = jobs_and_expected
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster) as dask,
    ):
        futures = dask.map(work, jobs, pure=False)
        results = dask.gather(futures)
    check_every_answer_arrived_once(results, expected)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="os.fork is POSIX-only")
def test_a_forked_child_inherits_a_used_client_and_gets_its_own_connections(
    jobs_and_expected: Tuple[List[Job], Dict[Tuple[int, str], str]],
) -> None:
    jobs, expected = jobs_and_expected
    sync = jobs[0][0]
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: calls on the inherited client, then leave at once
        try:
            got = [work((sync, "chat", i))[2] for i in (1, 2, 3, 4)]
            ok = got == [expected[(i, "chat")] for i in (1, 2, 3, 4)]
        except BaseException:
            ok = False
        os.write(write_end, b"1" if ok else b"0")
        os._exit(0)
    # The parent calls at the same time: on a shared socket the answers would cross.
    os.close(write_end)
    mine = [work((sync, "chat", i))[2] for i in (5, 4, 3, 2)]
    reported = os.read(read_end, 1)
    os.waitpid(pid, 0)
    os.close(read_end)
    assert reported == b"1", "the child's calls failed or got wrong answers"
    assert mine == [expected[(i, "chat")] for i in (5, 4, 3, 2)]
