"""Benchmark the running site: cold start, home-page throughput and latency, memory, shutdown.

The site is started exactly as a user starts it (`python -m core.cli serve`, the same code as
`hongshan serve`) in a fresh temporary data directory, and measured from the outside:

* cold start: wall time from spawning the process to the first 200 from `GET /healthz`, once on
  the fresh data directory (migrations are applied) and once more after a SIGINT restart on the
  same data directory;
* home page: C concurrent workers on one httpx.AsyncClient (HTTP/1.1, keep-alive) rotate through
  `/en/`, `/zh/`, `/ru/` and `/kk/` after a short warm-up, until N requests or S seconds, whichever
  comes first; requests/s, p50/p90/p99/max latency and non-200 count are printed. Cookies are not
  kept, so every request looks like a first visit;
* memory: RSS of the server's python process and of its whole process tree (the embedded Valkey
  included) sampled every 50 ms from the second start until shutdown; the peak is printed;
* shutdown: SIGINT, then the process must exit within 15 s and leave no child (Valkey) behind.

By default the site runs on SQLite with its embedded Valkey. `HONGSHAN_DATABASE_URL` and
`HONGSHAN_REDIS_URL`, when set, are passed through, so the same script measures PostgreSQL/Redis.
Only 127.0.0.1 is ever contacted. The load generator runs on the same machine and shares its CPU
with the server; the CPU time each side used is printed alongside the figures.

    uv run python bench/serve_home.py [--requests N] [--concurrency C] [--duration S]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

import httpx
import psutil
from _server import (
    HOST,
    STOP_TIMEOUT_S,
    Server,
    free_port,
    redact,
    server_env,
    start_server,
    workdir,
)

PATHS = ("/en/", "/zh/", "/ru/", "/kk/")
SAMPLE_INTERVAL_S = 0.05
MIB = 1024 * 1024


# --- the server process -------------------------------------------------------------------


def start(env: dict[str, str], port: int, log_path: Path) -> tuple[Server, float]:
    """The server and its cold-start seconds; one that fails to start goes with its children."""
    return start_server(env, port, log_path, on_failure=kill_tree)


def children(pid: int) -> list[psutil.Process]:
    with contextlib.suppress(psutil.Error):
        return psutil.Process(pid).children(recursive=True)
    return []


def is_alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@dataclass
class Shutdown:
    seconds: float
    exit_code: int | None
    leftover: list[str]

    @property
    def clean(self) -> bool:
        return self.exit_code is not None and not self.leftover


def stop(process: Server) -> Shutdown:
    """SIGINT, as Ctrl-C would; report how long it took and which children outlived it."""
    kids = children(process.pid)
    started = time.perf_counter()
    process.send_signal(signal.SIGINT)
    try:
        code: int | None = process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        code = None
    seconds = time.perf_counter() - started
    time.sleep(0.2)  # let an orphan be reaped before judging it
    leftover = [f"{kid.pid} {kid.name()}" for kid in kids if is_alive(kid)]
    if code is None or leftover:
        kill_tree(process, kids)
    return Shutdown(seconds, code, leftover)


def kill_tree(process: Server, kids: list[psutil.Process] | None = None) -> None:
    for kid in kids if kids is not None else children(process.pid):
        with contextlib.suppress(psutil.Error):
            kid.kill()
    if process.poll() is None:
        process.kill()
        process.wait()


# --- memory sampling ----------------------------------------------------------------------


@dataclass
class MemoryPeak:
    server: int = 0
    tree: int = 0
    samples: int = 0
    tree_names: set[str] = field(default_factory=set)


@contextlib.contextmanager
def sample_memory(pid: int) -> Iterator[MemoryPeak]:
    """Sample RSS of `pid` and its descendants every 50 ms in a thread, keeping the peaks."""
    peak = MemoryPeak()
    done = threading.Event()
    root = psutil.Process(pid)

    def sample() -> None:
        while not done.is_set():
            try:
                server = root.memory_info().rss
                tree = server
                for kid in root.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        tree += kid.memory_info().rss
                        peak.tree_names.add(kid.name())
            except psutil.Error:
                return
            peak.server = max(peak.server, server)
            peak.tree = max(peak.tree, tree)
            peak.samples += 1
            done.wait(SAMPLE_INTERVAL_S)

    thread = threading.Thread(target=sample, name="rss-sampler", daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()


def rss(pid: int) -> tuple[int, int]:
    """Current RSS of the process and of its whole tree."""
    server = psutil.Process(pid).memory_info().rss
    return server, server + sum(kid.memory_info().rss for kid in children(pid))


def cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return times.user + times.system


# --- load generation ----------------------------------------------------------------------


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def total(self) -> int:
        return len(self.latencies)

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def client(port: int, concurrency: int) -> httpx.AsyncClient:
    no_cookies = CookieJar(policy=DefaultCookiePolicy(allowed_domains=[]))
    return httpx.AsyncClient(
        base_url=f"http://{HOST}:{port}",
        http1=True,
        http2=False,
        limits=httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency),
        timeout=httpx.Timeout(10.0),
        cookies=no_cookies,
        follow_redirects=False,
    )


async def run_load(
    http: httpx.AsyncClient, concurrency: int, requests: int, duration: float
) -> LoadResult:
    """`concurrency` workers share one request budget and one deadline."""
    result = LoadResult()
    issued = 0
    started = time.perf_counter()
    deadline = started + duration

    async def worker() -> None:
        nonlocal issued
        while issued < requests and time.perf_counter() < deadline:
            path = PATHS[issued % len(PATHS)]
            issued += 1
            sent = time.perf_counter()
            try:
                response = await http.get(path)
                outcome = None if response.status_code == 200 else str(response.status_code)
            except httpx.HTTPError as error:
                outcome = type(error).__name__
            result.latencies.append(time.perf_counter() - sent)
            if outcome is not None:
                result.errors[outcome] = result.errors.get(outcome, 0) + 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


async def check_pages(http: httpx.AsyncClient) -> list[str]:
    """Each rotated page answers 200 in its own language."""
    problems = []
    for path in PATHS:
        response = await http.get(path)
        lang = path.strip("/")
        if response.status_code != 200:
            problems.append(f"{path} -> {response.status_code}")
        elif f'<html lang="{lang}"' not in response.text:
            problems.append(f"{path} -> 200 but not <html lang={lang!r}>")
    return problems


@dataclass
class LoadRun:
    result: LoadResult
    warmup: LoadResult
    page_problems: list[str]


async def home_page_load(port: int, args: argparse.Namespace) -> LoadRun:
    async with client(port, args.concurrency) as http:
        problems = await check_pages(http)
        warmup = await run_load(http, args.concurrency, args.warmup, duration=10.0)
        result = await run_load(http, args.concurrency, args.requests, args.duration)
    return LoadRun(result, warmup, problems)


# --- reporting ----------------------------------------------------------------------------


def backend() -> str:
    database = os.environ.get("HONGSHAN_DATABASE_URL") or "SQLite (in the data dir)"
    redis = os.environ.get("HONGSHAN_REDIS_URL") or "embedded Valkey (child process)"
    return f"database {redact(database)}; redis {redact(redis)}"


def mib(value: int) -> str:
    return f"{value / MIB:.1f} MiB"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def log_findings(log_path: Path) -> list[str]:
    """Server log lines worth a look: warnings and worse, and anything that isn't JSON."""
    findings = []
    for line in log_path.read_text(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            findings.append(line)
            continue
        if not isinstance(entry, dict) or entry.get("level") not in {"debug", "info"}:
            findings.append(line)
    return findings


def print_load(run: LoadRun, args: argparse.Namespace) -> None:
    result = run.result
    if run.page_problems:
        print(f"page check: {'; '.join(run.page_problems)}")
    if not result.latencies:
        print("home page: no requests completed")
        return
    print(
        f"home page: {result.total} requests, {args.concurrency} concurrent, "
        f"{result.total / result.elapsed:.1f} req/s over {result.elapsed:.2f} s, "
        f"p50 {ms(result.percentile(50))}, p90 {ms(result.percentile(90))}, "
        f"p99 {ms(result.percentile(99))}, max {ms(max(result.latencies))}, "
        f"errors {result.error_count}"
    )
    if result.errors:
        print(f"  errors by kind: {dict(sorted(result.errors.items()))}")
    if run.warmup.error_count:
        print(f"  warm-up errors: {dict(sorted(run.warmup.errors.items()))}")


def print_shutdown(label: str, shutdown: Shutdown) -> None:
    if shutdown.exit_code is None:
        state = f"did NOT exit within {STOP_TIMEOUT_S:.0f} s (killed)"
    else:
        state = f"exit code {shutdown.exit_code}"
    children_state = (
        f"children left behind: {', '.join(shutdown.leftover)}"
        if shutdown.leftover
        else "no children left"
    )
    print(f"shutdown ({label}, SIGINT): {shutdown.seconds:.2f} s, {state}, {children_state}")


# --- the benchmark ------------------------------------------------------------------------


def run(args: argparse.Namespace, data_dir: Path) -> int:
    log_path = data_dir.parent / "server.log"
    env = server_env(data_dir)
    me = psutil.Process()
    print(
        f"load: httpx {httpx.__version__} AsyncClient, HTTP/1.1 keep-alive, "
        f"{args.concurrency} workers, pages {' '.join(PATHS)}, "
        f"warm-up {args.warmup} requests, limit {args.requests} requests / {args.duration:g} s"
    )
    print(
        f"host: {os.cpu_count()} CPUs shared by server and load generator; "
        f"python {platform.python_version()}; {backend()}"
    )
    if os.environ.get("HONGSHAN_DATABASE_URL"):
        print("  (external database: its migrations may already be applied before the first start)")

    process, first = start(env, free_port(), log_path)
    print(f"cold start (fresh data dir): {first:.2f} s")
    first_stop = stop(process)
    print_shutdown("after first start", first_stop)

    port = free_port()
    process, second = start(env, port, log_path)
    print(f"cold start (second start, same data dir): {second:.2f} s")
    try:
        idle_server, idle_tree = rss(process.pid)
        server_proc = psutil.Process(process.pid)
        cpu_before = (cpu_seconds(server_proc), cpu_seconds(me))
        with sample_memory(process.pid) as peak:
            load = asyncio.run(home_page_load(port, args))
            cpu_after = (cpu_seconds(server_proc), cpu_seconds(me))
            end_server, end_tree = rss(process.pid)
    finally:
        final_stop = stop(process)
    print_load(load, args)
    wall = load.result.elapsed + load.warmup.elapsed
    server_cpu = cpu_after[0] - cpu_before[0]
    bench_cpu = cpu_after[1] - cpu_before[1]
    print(
        f"cpu during warm-up + load ({wall:.2f} s wall): server {server_cpu:.2f} s, "
        f"load generator {bench_cpu:.2f} s"
    )
    children_names = ", ".join(sorted(peak.tree_names)) or "none"
    print(
        f"memory: peak RSS server {mib(peak.server)}, whole tree {mib(peak.tree)} "
        f"(children: {children_names}; {peak.samples} samples every "
        f"{SAMPLE_INTERVAL_S * 1000:.0f} ms)"
    )
    print(
        f"  RSS idle after start: server {mib(idle_server)}, tree {mib(idle_tree)}; "
        f"after load: server {mib(end_server)}, tree {mib(end_tree)}"
    )
    print_shutdown("after load", final_stop)

    findings = log_findings(log_path)
    print(f"server log: {len(findings)} warning/error/non-JSON lines")
    for line in findings[:10]:
        print(f"  {line[:300]}")
    ok = first_stop.clean and final_stop.clean and load.result.error_count == 0
    return 0 if ok else 1


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="request budget (2000)")
    parser.add_argument("--concurrency", type=int, default=16, help="concurrent workers (16)")
    parser.add_argument("--duration", type=float, default=20.0, help="time limit in s (20)")
    parser.add_argument("--warmup", type=int, default=200, help="warm-up requests (200)")
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary data dir and server log"
    )
    args = parser.parse_args()
    if min(args.requests, args.concurrency, args.warmup + 1) < 1 or args.duration <= 0:
        parser.error("--requests, --concurrency and --duration must be positive")
    return args


def main() -> int:
    args = parse_args()
    with workdir("hongshan-bench-", args.keep) as path:
        return run(args, path / "data")


if __name__ == "__main__":
    sys.exit(main())
