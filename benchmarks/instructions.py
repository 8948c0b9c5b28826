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
from .run import ROOT, TARGETS, StubServer

__all__ = ["main"]

# (small, large) sizes per case: chunks for streams, requests or lists otherwise.
SIZES: Dict[str, Tuple[int, int]] = {
    "chat_sync": (20, 120),
    "stream_sync": (1_000, 6_000),
    "stream_async": (1_000, 6_000),
    "models": (4, 24),
    "embeddings": (2, 6),
}
_COLLECTED = re.compile(r"Collected\s*:\s*(\d+)")


def _settings(case: str, base_url: str, size: int) -> Settings:
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
    parser.add_argument("--clients", default="floor,meshapi,openai")
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
    print(
        f"\n{'case':<14}{'floor':>12}{'meshapi':>12}{'openai':>12}{'mesh/floor':>12}{'target':>8}"
    )
    for case, r in rows:
        floor, mesh, oa = r.get("floor"), r.get("meshapi"), r.get("openai")
        ratio = f"{mesh / floor:.2f}" if floor and mesh else "-"
        cells = [f"{v:,.0f}" if v else "-" for v in (floor, mesh, oa)]
        target = TARGETS.get(case)
        print(f"{case:<14}{cells[0]:>12}{cells[1]:>12}{cells[2]:>12}{ratio:>12}{target!s:>8}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
