"""Instructions per operation, counted by valgrind (callgrind): a measure host noise cannot move.

CPU seconds on a shared 2-core machine swing by tens of percent from run to run; instruction
counts do not (the same binary, inputs and environment give the same count). Each client does
each case twice in a fresh interpreter under callgrind, once small and once large; the difference
divided by the difference in operations is the cost of one operation, with start-up, imports and
one-time schema builds cancelled out.

    python -m benchmarks.instructions                      # chat, streams, model list; all clients
    python -m benchmarks.instructions --cases stream_sync --clients floor,meshapi

Instructions are not time (cache misses and branch mispredictions are not in them), but for the
same work in the same interpreter they track CPU time closely, and their ratios are repeatable.
Needs ``valgrind`` on PATH (Debian: ``apt-get install valgrind``); about a minute per case.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List, Optional, Sequence, Tuple

from .clients import CASES, Settings, make_runner
from .run import CLIENTS, ROOT, TARGETS, StubServer

__all__ = ["main"]

# (small, large) sizes per case: chunks for streams, requests or lists otherwise.
SIZES: Dict[str, Tuple[int, int]] = {
    "chat_sync": (20, 120),
    "stream_sync": (1_000, 6_000),
    "stream_async": (1_000, 6_000),
    "models": (4, 24),
    "embeddings": (2, 6),
    # The async cases with concurrency: requests (at least 4 per task), or chunks per stream
    # of 64 concurrent streams.
    "chat_async": (128, 384),
    "streams_async": (50, 300),
    "embeddings_async": (8, 24),
}
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def _settings(case: str, base_url: str, size: int) -> Settings:
    if case == "streams_async":
        return Settings(base_url=base_url, stream_chunks_each=size)
    if case == "chat_async":
        return Settings(base_url=base_url, async_requests=size)
    if case == "embeddings_async":
        return Settings(base_url=base_url, embed_async_requests=size)
    if case.startswith("stream"):
        return Settings(base_url=base_url, chunks=size)
    if case == "chat_sync":
        return Settings(base_url=base_url, chat_requests=size)
    if case == "models":
        return Settings(base_url=base_url, model_lists=size)
    return Settings(base_url=base_url, embed_requests=size)


def _child(case: str, client: str, base_url: str, size: int) -> None:
    runner = make_runner(case, client, _settings(case, base_url, size))
    try:
        runner.prepare_round()
        ops = runner.run_round()
    finally:
        runner.close()
    print(json.dumps({"ops": ops}))


def _count(case: str, client: str, base_url: str, size: int) -> Tuple[int, int]:
    """(instructions, operations) of one child run under callgrind."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={os.path.join(tmp, 'cg.out')}",
                sys.executable,
                "-m",
                "benchmarks.instructions",
                "--child",
                case,
                client,
                base_url,
                str(size),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    if out.returncode != 0:
        raise RuntimeError(f"{client} {case} failed under valgrind:\n{out.stderr[-2000:]}")
    match = _COLLECTED.search(out.stderr)
    if match is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{out.stderr[-2000:]}")
    ops = json.loads(out.stdout.strip().splitlines()[-1])["ops"]
    return int(match.group(1)), int(ops)


def per_op(case: str, client: str, base_url: str) -> float:
    small, large = SIZES[case]
    i_small, ops_small = _count(case, client, base_url, small)
    i_large, ops_large = _count(case, client, base_url, large)
    return (i_large - i_small) / (ops_large - ops_small)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", default="chat_sync,stream_sync,stream_async,models")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--child", nargs=4, metavar=("CASE", "CLIENT", "URL", "SIZE"))
    args = parser.parse_args(argv)
    if args.child:
        case, client, url, size = args.child
        _child(case, client, url, int(size))
        return 0
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    cases = [c for c in args.cases.split(",") if c]
    clients = [c for c in args.clients.split(",") if c]
    rows: List[Tuple[str, Dict[str, float]]] = []
    server = StubServer()
    try:
        for case in cases:
            if case not in SIZES:
                raise SystemExit(f"unknown case {case!r}; known: {', '.join(SIZES)}")
            results: Dict[str, float] = {}
            for client in clients:
                if client not in CASES[case][2]:
                    continue
                results[client] = per_op(case, client, server.url)
                print(f"  {case} {client}: {results[client]:,.0f} instructions/op", file=sys.stderr)
            rows.append((case, results))
    finally:
        server.stop()
    shown = [c for c in CLIENTS if any(c in r for _, r in rows)]
    print(f"\n{'case':<18}" + "".join(f"{c:>16}" for c in shown) + "   ratios to the floor")
    for case, r in rows:
        cells = "".join(f"{r[c]:>16,.0f}" if c in r else f"{'-':>16}" for c in shown)
        floor = r.get("floor")
        ratios = ", ".join(
            f"{c} {r[c] / floor:.2f}" for c in shown if c in r and floor and c != "floor"
        )
        target = TARGETS.get(case)
        print(f"{case:<18}{cells}   {ratios}" + (f" (meshapi target {target})" if target else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
