"""A child process that runs one client on one case, one round per command.

``python -m benchmarks.worker '<json spec>'`` imports the client, builds it, warms it up, then
answers one JSON line per command read on stdin (``round`` or ``quit``). Each round reports the
CPU seconds of this process (``time.process_time()`` delta: user + system, all threads), the
wall seconds, the ops done, and the memory: current RSS and peak RSS (``ru_maxrss``).

Because a worker only ever runs its own case, its peak RSS is the peak of that case for that
client (interpreter and imports included; ``rss_ready_kb`` is the RSS before the first round,
so peak minus ready is what the rounds themselves added).
"""

from __future__ import annotations

import gc
import json
import os
import resource
import sys
import time
import traceback
from typing import Any, Dict, Optional, TextIO

__all__ = ["current_rss_kb", "main", "peak_rss_kb"]


def peak_rss_kb() -> int:
    """Peak resident set size of this process in KiB (``ru_maxrss``; bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak // 1024 if sys.platform == "darwin" else peak


def current_rss_kb() -> Optional[int]:
    """Current RSS in KiB from /proc (Linux); None elsewhere."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return None


def _send(out: TextIO, payload: Dict[str, Any]) -> None:
    out.write(json.dumps(payload) + "\n")
    out.flush()


def main() -> None:
    # The protocol owns the real stdout; anything a library prints goes to stderr instead.
    out = sys.stdout
    sys.stdout = sys.stderr
    try:
        spec = json.loads(sys.argv[1])
        t0 = time.process_time()
        from benchmarks.clients import Settings, make_runner

        runner = make_runner(spec["case"], spec["client"], Settings(**spec["settings"]))
        runner.warmup()
        gc.collect()
        _send(
            out,
            {
                "ready": True,
                "setup_cpu": time.process_time() - t0,
                "rss_ready_kb": current_rss_kb(),
                "peak_rss_kb": peak_rss_kb(),
            },
        )
    except Exception:
        _send(out, {"error": traceback.format_exc()})
        sys.exit(1)

    for line in sys.stdin:
        command = line.strip()
        if command == "quit":
            break
        if command != "round":
            _send(out, {"error": f"unknown command {command!r}; expected 'round' or 'quit'"})
            continue
        # Untimed: the runner resets what must be equal at every round's start, and garbage
        # from the previous round is collected before the clock starts.
        try:
            runner.prepare_round()
            gc.collect()
            before = runner.info()
            w0, c0 = time.perf_counter(), time.process_time()
            ops = runner.run_round()
            c1, w1 = time.process_time(), time.perf_counter()
        except Exception:
            _send(out, {"error": traceback.format_exc()})
            continue
        _send(
            out,
            {
                "ops": ops,
                "cpu": c1 - c0,
                "wall": w1 - w0,
                "rss_kb": current_rss_kb(),
                "peak_rss_kb": peak_rss_kb(),
                "info": {**{f"{k}_before": v for k, v in before.items()}, **runner.info()},
            },
        )
    runner.close()


if __name__ == "__main__":
    main()
