"""Run the benchmark suite: ``python -m benchmarks.run [--quick] [--rounds N] [--cases ...]``.

It starts the stub server (its own process), then for each case starts one worker process per
client and runs the rounds interleaved: round 1 runs floor, meshapi, openai; round 2 starts
with the next client (meshapi, openai, floor), and so on, so that slow drifts of the machine
(other jobs on the same cores, CPU frequency) hit every client alike. Each worker reports the
CPU time of its own process per round; the server's CPU is read separately.

Prints a table of medians with the ratios meshapi/floor and meshapi/openai against the targets
of issue 6, a memory table, and writes everything to ``benchmarks/results/latest.json``.
See ``benchmarks/README.md`` for what each case means.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple

from benchmarks.clients import CASES, Settings

__all__ = ["main"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "latest.json"

# meshapi / floor, from issue 6.
TARGETS: Dict[str, float] = {
    "chat_sync": 1.15,
    "stream_sync": 1.4,
    "stream_async": 1.3,
    "chat_async": 1.1,
    "embeddings": 1.2,
    "models": 1.3,
    "import": 1.15,
}
# The aiohttp backend (issue 16): meshapi-aiohttp / floor, where the issue sets a bound.
AIOHTTP_TARGETS: Dict[str, float] = {"chat_async": 0.3}
# ...and cases where meshapi-aiohttp must be no worse than meshapi on httpx (per chunk).
AIOHTTP_NO_WORSE = ("stream_async", "streams_async")
LABELS: Dict[str, str] = {
    "chat_sync": "sync chat",
    "stream_sync": "sync stream",
    "stream_async": "async stream",
    "streams_async": "async streams @{streams}",
    "chat_async": "async chat @64",
    "chat_async_256": "async chat @256",
    "chat_async_1024": "async chat @1024",
    "embeddings_async": "async embeddings @{embed_concurrency}",
    "embeddings": "embeddings 64x1536",
    "models": "model list (300)",
    "import": "import (whole process)",
}
IMPORTS: Dict[str, str] = {
    "floor": "import httpx, pydantic\nclass M(pydantic.BaseModel):\n    x: int",
    # What a chat call needs, not just `import meshapi`: the package loads its models and
    # resources on first use, so a bare `import meshapi` would not count them.
    "meshapi": "from meshapi import MeshAPI, ChatCompletionParams, ChatMessage",
    "openai": "import openai",
}
# Modules that `import meshapi` must not load: realtime, the local gateway, the CLI, servers.
FORBIDDEN = (
    "websockets",
    "starlette",
    "uvicorn",
    "click",
    "meshapi.testing",
    "meshapi.__main__",
    "meshapi.cli",
    "meshapi._cli",
    "meshapi._realtime_core",
    "meshapi.resources.realtime",
)
MEMORY_LIMIT_KB = 1024  # a stream 4x longer may add at most this much peak RSS
CPU_CASES = [c for c in CASES if c != "streams_memory"]  # streams_memory has its own step


# ---------------------------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------------------------


class StubServer:
    """The stub server in its own process; ``cpu()`` reads its CPU seconds over HTTP."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.stub_server", "--port", "0"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "READY":
            self.proc.kill()
            raise RuntimeError(f"the stub server did not start (said {line!r})")
        self.url = line[1]
        host, port = self.url.rsplit("/", 1)[-1].split(":")
        self._conn = http.client.HTTPConnection(host, int(port), timeout=30)

    def cpu(self) -> float:
        self._conn.request("GET", "/_bench/cpu")
        return float(json.loads(self._conn.getresponse().read())["cpu"])

    def stop(self) -> None:
        self._conn.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Worker:
    """One ``benchmarks.worker`` child: one client, one case, one round per ``round()``."""

    def __init__(self, case: str, client: str, settings: Settings) -> None:
        self.case, self.client = case, client
        spec = json.dumps({"case": case, "client": client, "settings": settings.to_dict()})
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.worker", spec],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        self.ready: Dict[str, Any] = {}

    def _reply(self) -> Dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.case}/{self.client} exited (see stderr above)")
        reply: Dict[str, Any] = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"worker {self.case}/{self.client} failed:\n{reply['error']}")
        return reply

    def wait_ready(self) -> None:
        self.ready = self._reply()

    def round(self) -> Dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write("round\n")
        self.proc.stdin.flush()
        return self._reply()

    def stop(self) -> None:
        if self.proc.poll() is None and self.proc.stdin is not None:
            try:
                self.proc.stdin.write("quit\n")
                self.proc.stdin.close()
            except BrokenPipeError:
                pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---------------------------------------------------------------------------------------------
# Statistics
# ---------------------------------------------------------------------------------------------


@dataclass
class Series:
    """Per-round values of one client in one case, already in the case's unit."""

    cpu: List[float] = field(default_factory=list)
    wall: List[float] = field(default_factory=list)
    server_cpu: List[float] = field(default_factory=list)
    server_load: List[float] = field(default_factory=list)
    peak_rss_kb: int = 0
    rss_ready_kb: Optional[int] = None
    extra: Dict[str, Any] = field(default_factory=dict)

    def summary(self) -> Dict[str, Any]:
        out: Dict[str, Any] = {
            "median": statistics.median(self.cpu),
            "min": min(self.cpu),
            "max": max(self.cpu),
            "spread_pct": _spread(self.cpu),
            "rounds": self.cpu,
            "wall_median": statistics.median(self.wall),
            "peak_rss_mb": round(self.peak_rss_kb / 1024, 1),
        }
        if self.rss_ready_kb is not None:
            out["rss_ready_mb"] = round(self.rss_ready_kb / 1024, 1)
        if self.server_cpu:
            out["server_cpu_median"] = statistics.median(self.server_cpu)
            out["server_load_median"] = statistics.median(self.server_load)
        out.update(self.extra)
        return out


def _spread(values: Sequence[float]) -> float:
    """(max - min) / median, in percent."""
    mid = statistics.median(values)
    return round(100 * (max(values) - min(values)) / mid, 1) if mid else 0.0


def _rotations(clients: Sequence[str], rounds: int) -> Iterable[Tuple[int, List[str]]]:
    for r in range(rounds):
        k = r % len(clients)
        yield r, list(clients[k:]) + list(clients[:k])


# ---------------------------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------------------------


def run_case(
    case: str,
    clients: Sequence[str],
    settings: Dict[str, Settings],
    rounds: int,
    server: StubServer,
    log: bool = True,
) -> Dict[str, Series]:
    """Run ``rounds`` interleaved rounds of ``case`` for each client; one worker per client."""
    unit_scale = CASES[case][1]
    workers = {c: Worker(case, c, settings[c]) for c in clients}
    series = {c: Series() for c in clients}
    try:
        for w in workers.values():
            w.wait_ready()
        for c, w in workers.items():
            series[c].rss_ready_kb = w.ready.get("rss_ready_kb")
        for r, order in _rotations(list(clients), rounds):
            for c in order:
                s0 = server.cpu()
                res = workers[c].round()
                s1 = server.cpu()
                ops = res["ops"]
                se = series[c]
                se.cpu.append(res["cpu"] / ops * unit_scale)
                se.wall.append(res["wall"] / ops * unit_scale)
                se.server_cpu.append((s1 - s0) / ops * unit_scale)
                se.server_load.append((s1 - s0) / res["wall"] if res["wall"] else 0.0)
                se.peak_rss_kb = max(se.peak_rss_kb, res["peak_rss_kb"], res["rss_kb"] or 0)
                for key, value in res.get("info", {}).items():
                    se.extra.setdefault(key, []).append(value)
            if log:
                done = ", ".join(f"{c} {series[c].cpu[-1]:.4g}" for c in clients)
                print(f"  {case} round {r + 1}/{rounds}: {done}", file=sys.stderr, flush=True)
    finally:
        for w in workers.values():
            w.stop()
    return series


def import_env() -> Dict[str, str]:
    """The environment of the import runs: bytecode caching on, in one shared cache.

    A user's installed packages have their ``.pyc`` files, so every import runs from cached
    bytecode; with ``PYTHONDONTWRITEBYTECODE`` set (as in some dev shells) meshapi, imported
    from the source tree, would be compiled on every run while site-packages would not.
    ``PYTHONPYCACHEPREFIX`` keeps the cache out of the source tree and treats all alike.
    """
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "meshapi-bench-pycache")
    return env


def _run_import(code: str) -> Tuple[float, float, int]:
    """CPU seconds, wall seconds and peak RSS (KiB) of a fresh interpreter running ``code``."""
    argv = [sys.executable, "-c", code]
    w0 = time.perf_counter()
    pid = os.posix_spawn(sys.executable, argv, import_env())
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - w0
    if status != 0:
        raise RuntimeError(f"{code!r} failed in a fresh interpreter (status {status})")
    peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return usage.ru_utime + usage.ru_stime, wall, peak


def run_imports(clients: Sequence[str], runs: int, log: bool = True) -> Dict[str, Series]:
    """``import X`` in a fresh interpreter, interleaved like the other cases (ms)."""
    os.chdir(ROOT)
    for c in clients:  # fill the bytecode cache and warm the file cache; not counted
        _run_import(IMPORTS[c])
        _run_import(IMPORTS[c])
    series = {c: Series() for c in clients}
    for r, order in _rotations(list(clients), runs):
        for c in order:
            cpu, wall, peak = _run_import(IMPORTS[c])
            series[c].cpu.append(cpu * 1e3)
            series[c].wall.append(wall * 1e3)
            series[c].peak_rss_kb = max(series[c].peak_rss_kb, peak)
        if log:
            done = ", ".join(f"{c} {series[c].cpu[-1]:.4g}" for c in clients)
            print(f"  import round {r + 1}/{runs}: {done}", file=sys.stderr, flush=True)
    return series


def imported_modules() -> Dict[str, Any]:
    """Which modules ``import meshapi`` loads beyond the floor, and any that it must not."""
    probe = "import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    found: Dict[str, List[str]] = {}
    for c in ("floor", "meshapi"):
        out = subprocess.run(
            [sys.executable, "-c", probe.format(code=IMPORTS[c])],
            cwd=ROOT,
            env=import_env(),
            capture_output=True,
            text=True,
            check=True,
        )
        found[c] = json.loads(out.stdout)
    floor = set(found["floor"])
    extra = sorted(set(found["meshapi"]) - floor)
    # Only what meshapi adds counts: httpx itself loads click when it is installed (for its
    # command line), so the floor has it too.
    forbidden = [m for m in extra if any(m == f or m.startswith(f + ".") for f in FORBIDDEN)]
    foreign = sorted({m.split(".")[0] for m in extra if not m.startswith("meshapi")})
    return {
        "meshapi_modules": len(found["meshapi"]),
        "floor_modules": len(floor),
        "extra_modules": extra,
        "extra_top_level_packages": foreign,
        "forbidden_loaded": forbidden,
    }


def run_memory(base: Settings, rounds: int, server: StubServer) -> Dict[str, Any]:
    """Peak RSS of a process that streamed N=10,000 vs N=40,000 chunks (meshapi and floor)."""
    lengths = (base.chunks, 4 * base.chunks)
    out: Dict[str, Any] = {"lengths": list(lengths), "limit_kb": MEMORY_LIMIT_KB}
    for client in ("meshapi", "floor"):
        peaks: Dict[int, Series] = {}
        for n in lengths:
            s = Settings(**{**base.to_dict(), "chunks": n})
            peaks[n] = run_case("stream_sync", [client], {client: s}, rounds, server, log=False)[
                client
            ]
        short, long_ = (peaks[n] for n in lengths)
        growth = long_.peak_rss_kb - short.peak_rss_kb
        out[client] = {
            "peak_rss_kb": {str(n): peaks[n].peak_rss_kb for n in lengths},
            "rss_ready_kb": {str(n): peaks[n].rss_ready_kb for n in lengths},
            "us_per_chunk": {str(n): statistics.median(peaks[n].cpu) for n in lengths},
            "growth_kb": growth,
            "pass": growth <= MEMORY_LIMIT_KB,
        }
    return out


STREAMS = 1_000  # concurrent streams through one client in the streams-memory step


def run_streams_memory(base: Settings, server: StubServer) -> Dict[str, Any]:
    """Peak RSS per stream of 1,000 concurrent streams through one async client, with streams
    of N and 4N chunks: (peak - ready) / 1,000, which must not grow with N."""
    lengths = (100, 400)
    out: Dict[str, Any] = {"streams": STREAMS, "lengths": list(lengths)}
    for client in ("meshapi", "meshapi-aiohttp", "floor"):
        per: Dict[str, Any] = {}
        for n in lengths:
            s = Settings(**{**base.to_dict(), "streams": STREAMS, "stream_chunks_each": n})
            se = run_case("streams_memory", [client], {client: s}, 1, server, log=False)[client]
            added = se.peak_rss_kb - (se.rss_ready_kb or 0)
            per[str(n)] = {
                "peak_rss_kb": se.peak_rss_kb,
                "rss_ready_kb": se.rss_ready_kb,
                "kb_per_stream": round(added / STREAMS, 1),
                "us_per_chunk": round(se.cpu[0], 2),
            }
        short, long_ = (per[str(n)]["kb_per_stream"] for n in lengths)
        per["growth_kb_per_stream"] = round(long_ - short, 1)
        per["flat"] = long_ - short <= MEMORY_LIMIT_KB / STREAMS * 4  # <= 4 KiB per stream
        out[client] = per
    return out


def print_streams_memory(memory: Optional[Dict[str, Any]]) -> None:
    if not memory:
        return
    short, long_ = memory["lengths"]
    print(
        f"\n{memory['streams']:,} concurrent streams through one async client: RSS added per "
        f"stream (peak - ready) / {memory['streams']:,}, streams of {short} vs {long_} chunks"
    )
    for c in ("meshapi", "meshapi-aiohttp", "floor"):
        m = memory.get(c)
        if m is None:
            continue
        a, b = m[str(short)], m[str(long_)]
        print(
            f"  {c:<16} {a['kb_per_stream']:>6.1f} KiB -> {b['kb_per_stream']:>6.1f} KiB/stream "
            f"(peak {a['peak_rss_kb'] / 1024:.0f} / {b['peak_rss_kb'] / 1024:.0f} MB): "
            + ("flat" if m["flat"] else "GROWS")
        )


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def _fmt(value: Optional[float]) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def summarise(
    results: Dict[str, Dict[str, Series]], memory: Optional[Dict[str, Any]], settings: Settings
) -> Dict[str, Any]:
    cases: Dict[str, Any] = {}
    for case, series in results.items():
        unit = "ms (CPU)" if case == "import" else CASES[case][0]
        clients = {c: s.summary() for c, s in series.items()}
        label = LABELS[case].format(**settings.to_dict())
        entry: Dict[str, Any] = {"label": label, "unit": unit, "clients": clients}
        if "meshapi" in series and "floor" in series:
            mesh, floor = series["meshapi"].cpu, series["floor"].cpu
            ratio = statistics.median(mesh) / statistics.median(floor)
            paired = [m / f for m, f in zip(mesh, floor)]
            entry["meshapi_over_floor"] = round(ratio, 3)
            entry["paired_ratio_min_max"] = [round(min(paired), 3), round(max(paired), 3)]
            entry["target"] = TARGETS.get(case)
            entry["pass"] = ratio <= TARGETS[case] if case in TARGETS else None
        if "meshapi" in series and "openai" in series:
            entry["meshapi_over_openai"] = round(
                statistics.median(series["meshapi"].cpu) / statistics.median(series["openai"].cpu),
                3,
            )
        if "meshapi-aiohttp" in series:
            entry.update(_aiohttp_verdicts(case, series))
        cases[case] = entry
    return {"cases": cases, "memory": memory}


def _aiohttp_verdicts(case: str, series: Dict[str, Series]) -> Dict[str, Any]:
    """Ratios of meshapi on aiohttp to the floor, to openai on aiohttp and to meshapi on httpx,
    with issue 16's verdicts where it sets one."""

    def med(c: str) -> float:
        return statistics.median(series[c].cpu)

    out: Dict[str, Any] = {}
    aio = med("meshapi-aiohttp")
    if "floor" in series:
        out["aiohttp_over_floor"] = round(aio / med("floor"), 3)
        if case in AIOHTTP_TARGETS:
            out["aiohttp_target"] = AIOHTTP_TARGETS[case]
            out["aiohttp_pass"] = out["aiohttp_over_floor"] <= AIOHTTP_TARGETS[case]
    if "openai-aiohttp" in series:
        out["aiohttp_over_openai_aiohttp"] = round(aio / med("openai-aiohttp"), 3)
        if case.startswith("chat_async"):
            out["ahead_of_openai_aiohttp"] = aio < med("openai-aiohttp")
    if "meshapi" in series:
        out["aiohttp_over_httpx"] = round(aio / med("meshapi"), 3)
        if case in AIOHTTP_NO_WORSE:
            # "No worse", within the noise of the two medians' spreads.
            noise = max(series["meshapi"].summary()["spread_pct"], 5.0) / 100
            out["aiohttp_no_worse_pass"] = aio <= med("meshapi") * (1 + noise)
    return out


def print_aiohttp_report(summary: Dict[str, Any]) -> None:
    """The async cases with every client, and the aiohttp backend's ratios (issue 16)."""
    cases = {k: e for k, e in summary["cases"].items() if "aiohttp_over_httpx" in e}
    if not cases:
        return
    shown = [c for c in CLIENTS if any(c in e["clients"] for e in cases.values())]
    head = f"{'case':<24}{'unit':<12}" + "".join(f"{c:>16}" for c in shown)
    print("\nThe async cases on both backends: CPU median (spread over rounds)")
    print(head)
    print("-" * len(head))
    for e in cases.values():
        cells = ""
        for c in shown:
            s = e["clients"].get(c)
            cell = f"{_fmt(s['median'])} ({s['spread_pct']:.0f}%)" if s else "-"
            cells += f"{cell:>16}"
        print(f"{e['label']:<24}{e['unit']:<12}{cells}")
    print("\nmeshapi on aiohttp:  / floor (target)      / openai-aiohttp   / meshapi on httpx")
    for e in cases.values():
        target = e.get("aiohttp_target")
        verdict = ""
        if "aiohttp_pass" in e:
            verdict = f" <= {target}: {'pass' if e['aiohttp_pass'] else 'MISS'}"
        ahead = e.get("ahead_of_openai_aiohttp")
        vs_oai = _fmt(e.get("aiohttp_over_openai_aiohttp"))
        if ahead is not None:
            vs_oai += " (ahead)" if ahead else " (BEHIND)"
        no_worse = e.get("aiohttp_no_worse_pass")
        vs_httpx = _fmt(e.get("aiohttp_over_httpx"))
        if no_worse is not None:
            vs_httpx += " (no worse: pass)" if no_worse else " (worse: MISS)"
        print(
            f"  {e['label']:<24}{_fmt(e.get('aiohttp_over_floor')) + verdict:<22}"
            f"{vs_oai:<19}{vs_httpx}"
        )


def print_report(summary: Dict[str, Any], modules: Optional[Dict[str, Any]]) -> None:
    cases = summary["cases"]
    head = (
        f"{'case':<24}{'unit':<12}{'floor':>9}{'meshapi':>9}{'openai':>9}"
        f"{'mesh/floor':>11}{'target':>8}{'result':>8}{'mesh/openai':>12}  spread f/m/o"
    )
    print("\nCPU time of the client process, median over rounds (lower is better)")
    print(head)
    print("-" * len(head))
    for e in cases.values():
        cl = e["clients"]

        def med(c: str, cl: Dict[str, Any] = cl) -> Optional[float]:
            return cl[c]["median"] if c in cl else None

        spread = "/".join(
            f"{cl[c]['spread_pct']:.0f}%" if c in cl else "-"
            for c in ("floor", "meshapi", "openai")
        )
        ratio = e.get("meshapi_over_floor")
        target = e.get("target")
        result = "-" if e.get("pass") is None else ("pass" if e["pass"] else "MISS")
        vs_openai = e.get("meshapi_over_openai")
        print(
            f"{e['label']:<24}{e['unit']:<12}{_fmt(med('floor')):>9}{_fmt(med('meshapi')):>9}"
            f"{_fmt(med('openai')):>9}{_fmt(ratio):>11}"
            f"{('<=' + str(target)) if target else '-':>8}{result:>8}{_fmt(vs_openai):>12}"
            f"  {spread}"
        )
    if modules is not None:
        forbidden = modules["forbidden_loaded"]
        print(
            f"{'import: forbidden mods':<24}{'modules':<12}{'':>9}{len(forbidden):>9}{'':>9}"
            f"{'':>11}{'none':>8}{'pass' if not forbidden else 'MISS':>8}"
            + (f"  {', '.join(forbidden)}" if forbidden else "")
        )
        print(
            f"  import meshapi loads {modules['meshapi_modules']} modules, the floor "
            f"{modules['floor_modules']}; {len(modules['extra_modules'])} extra, from packages: "
            f"{', '.join(modules['extra_top_level_packages']) or '(meshapi only)'}"
        )

    print("\nPeak RSS (MB) of a process that ran only that case (ready -> peak)")
    for e in cases.values():
        parts = []
        for c in CLIENTS:
            s = e["clients"].get(c)
            if s is None:
                continue
            ready = f"{s['rss_ready_mb']:.0f}->" if "rss_ready_mb" in s else ""
            parts.append(f"{c} {ready}{s['peak_rss_mb']:.0f}")
        print(f"  {e['label']:<24}" + "   ".join(parts))

    memory = summary.get("memory")
    if memory:
        short, long_ = memory["lengths"]
        print(f"\nStream memory: peak RSS streaming {short:,} vs {long_:,} chunks (sync)")
        for c in ("meshapi", "floor"):
            m = memory[c]
            p = m["peak_rss_kb"]
            verdict = "pass" if m["pass"] else "MISS"
            print(
                f"  {c:<8} {p[str(short)] / 1024:.1f} MB -> {p[str(long_)] / 1024:.1f} MB "
                f"(growth {m['growth_kb']} KiB, limit {memory['limit_kb']} KiB): "
                f"{verdict if c == 'meshapi' else 'reference'}"
            )

    print("\nStub server CPU during each client's rounds (median; 'load' = server CPU / wall)")
    for case, e in cases.items():
        if case == "import":
            continue
        parts = []
        for c in CLIENTS:
            s = e["clients"].get(c)
            if s is not None and "server_cpu_median" in s:
                parts.append(
                    f"{c} {_fmt(s['server_cpu_median'])} {e['unit']} "
                    f"(load {100 * s['server_load_median']:.0f}%)"
                )
        print(f"  {e['label']:<24}" + "   ".join(parts))


CLIENTS = ("floor", "meshapi", "meshapi-aiohttp", "openai", "openai-aiohttp")


# ---------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="CPU cost of meshapi vs the httpx+json floor and openai-python.",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: 2 rounds, fewer ops")
    parser.add_argument("--rounds", type=int, default=None, help="rounds per case (default 7)")
    parser.add_argument(
        "--cases",
        default=",".join([*CPU_CASES, "memory", "streams_memory", "import"]),
        help="comma-separated subset of: "
        + ", ".join([*CPU_CASES, "memory", "streams_memory", "import"]),
    )
    parser.add_argument("--no-openai", action="store_true", help="skip the openai client")
    parser.add_argument("--output", type=Path, default=RESULTS, help="JSON results file")
    args = parser.parse_args(argv)

    known = [*CPU_CASES, "memory", "streams_memory", "import"]
    wanted = [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [c for c in wanted if c not in known]
    if unknown:
        parser.error(f"unknown case(s) {', '.join(unknown)}; known: {', '.join(known)}")
    rounds = args.rounds if args.rounds is not None else (2 if args.quick else 7)
    if rounds < 1:
        parser.error("--rounds must be >= 1")

    started = time.time()
    load_before = os.getloadavg()
    server = StubServer()
    base = Settings(base_url=server.url)
    if args.quick:
        base = Settings(
            base_url=server.url, chat_requests=100, async_requests=500, embed_requests=3,
            model_lists=30,
        )  # fmt: skip
    print(f"stub server {server.url}; {rounds} rounds; cases: {', '.join(wanted)}", file=sys.stderr)

    results: Dict[str, Dict[str, Series]] = {}
    memory: Optional[Dict[str, Any]] = None
    streams_memory: Optional[Dict[str, Any]] = None
    modules: Optional[Dict[str, Any]] = None
    server_cpu0 = server.cpu()
    try:
        for case in wanted:
            if case in CPU_CASES:
                clients = [c for c in CLIENTS if c in CASES[case][2]]
                if args.no_openai:
                    clients = [c for c in clients if not c.startswith("openai")]
                results[case] = run_case(case, clients, {c: base for c in clients}, rounds, server)
            elif case == "memory":
                memory = run_memory(base, 1 if args.quick else 2, server)
            elif case == "streams_memory":
                streams_memory = run_streams_memory(base, server)
        server_cpu_total = server.cpu() - server_cpu0
    finally:
        server.stop()
    if "import" in wanted:
        clients = [
            c for c in ("floor", "meshapi", "openai") if not (args.no_openai and c == "openai")
        ]
        results["import"] = run_imports(clients, max(rounds, 3 if args.quick else 9))
        modules = imported_modules()

    summary = summarise(results, memory, base)
    if modules is not None:
        summary["import_modules"] = modules
        summary["import_modules"]["pass"] = not modules["forbidden_loaded"]
    print_report(summary, modules)
    print_aiohttp_report(summary)
    summary["streams_memory"] = streams_memory
    print_streams_memory(streams_memory)
    elapsed = time.time() - started
    print(
        f"\n{elapsed:.0f} s; load average {load_before[0]:.2f} before, "
        f"{os.getloadavg()[0]:.2f} after (other jobs on the cores add noise; ratios are "
        "interleaved round by round to stay fair)"
    )

    summary["meta"] = {
        "command": " ".join(["python -m benchmarks.run", *(argv or sys.argv[1:])]),
        "quick": args.quick,
        "rounds": rounds,
        "settings": {k: v for k, v in base.to_dict().items() if k != "base_url"},
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "versions": _versions(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "elapsed_s": round(elapsed, 1),
        "server_cpu_total_s": round(server_cpu_total, 3),
        "timestamp": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "targets": TARGETS,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(summary, indent=1) + "\n")
    print(f"results written to {args.output}")


def _versions() -> Dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in ("meshapi", "httpx", "pydantic", "pydantic_core", "openai", "httpx2"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


if __name__ == "__main__":
    main()
