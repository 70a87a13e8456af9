"""Public pages under load, against a bare page in the same run.

Starts the site as a user does (`serve --demo`, in a private data directory; the database
and Redis from HONGSHAN_DATABASE_URL / HONGSHAN_REDIS_URL when set), starts the bare
Litestar page of bench/bare_page.py beside it, drives every page with wrk (Debian's `wrk`:
`apt-get install wrk`), and prints one table: page, req/s, p50, p99, errors, ratio to the
bare page; then the web process's memory under load and the server time of signed-in pages.

    uv run python bench/pages.py [--seconds 10] [--connections 50] [--keep]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time

import httpx
import psutil
from _server import HOST, free_port, server_env, start_server, stop_server, workdir

PAGES = [
    "/en/events/annual-conference/",
    "/zh/events/annual-conference/",
    "/ru/events/annual-conference/",
    "/kk/events/annual-conference/",
    "/en/events/",
    "/en/partners/",
    "/en/projects/",
    "/en/projects/cn-tj-bio-lab/",
    "/en/news/",
    "/en/",
    "/api/v1/events",
]
SIGNED_IN = [
    ("coordinator@example.org", "/en/account/registrations/"),
    ("fao@example.org", "/en/manage/delegations/"),
]


def wrk(url: str, seconds: int, connections: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = dict(re.findall(r"^\s+(50|99)%\s+([\d.]+\w+)", out, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": rate,
        "p50": _ms(latency.get("50", "0ms")),
        "p99": _ms(latency.get("99", "0ms")),
        "errors": errors + (int(bad.group(1)) if bad else 0),
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def web_rss_mib(pid: int) -> tuple[float, float]:
    """The web process's RSS, and the whole tree's (with the embedded Redis), in MiB."""
    parent = psutil.Process(pid)
    tree = [parent, *parent.children(recursive=True)]
    total = sum(p.memory_info().rss for p in tree if p.is_running())
    return parent.memory_info().rss / 2**20, total / 2**20


def signed_in_times(port: int) -> list[tuple[str, float]]:
    """Median time of 20 sequential requests per signed-in page (nothing else running)."""
    results = []
    for email, path in SIGNED_IN:
        with httpx.Client(base_url=f"http://{HOST}:{port}", follow_redirects=True) as client:
            form = client.get("/en/account/login")
            token = client.cookies.get("hongshan_csrf", "")
            client.post(
                "/en/account/login",
                data={"email": email, "password": "hongshan-demo", "_csrf_token": token},
            )
            assert form.status_code == 200
            times = []
            for _ in range(20):
                started = time.perf_counter()
                response = client.get(path)
                times.append(time.perf_counter() - started)
                response.raise_for_status()
            results.append((path, statistics.median(times) * 1000))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2
    with workdir("hongshan-pages-", args.keep) as folder:
        port, bare_port = free_port(), free_port()
        env = server_env(folder / "data")
        bare = subprocess.Popen(
            [sys.executable, "bench/bare_page.py", str(bare_port), str(folder / "bare.sqlite3")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server, start_s = start_server(
            env, port, folder / "server.log", options=("--demo",), timeout=600
        )
        try:
            time.sleep(2)
            with httpx.Client() as client:  # warm every page once
                for path in ["/", *PAGES]:
                    client.get(f"http://{HOST}:{port}{path}")
                client.get(f"http://{HOST}:{bare_port}/")
            print(f"start with the demo loaded to first 200: {start_s:.1f} s")
            print(f"{'page':<52}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ratio':>8}")
            peak = (0.0, 0.0)
            for path in PAGES:
                base = wrk(f"http://{HOST}:{bare_port}/", args.seconds, args.connections)
                page = wrk(f"http://{HOST}:{port}{path}", args.seconds, args.connections)
                peak = max(peak, web_rss_mib(server.pid))
                ratio = page["rate"] / base["rate"] if base["rate"] else 0.0
                print(
                    f"{path:<52}{page['rate']:>9.0f}{page['p50']:>9.1f}{page['p99']:>9.1f}"
                    f"{page['errors']:>8.0f}{ratio:>8.0%}   (bare {base['rate']:.0f}/s)"
                )
            print(f"RSS under load: web process {peak[0]:.0f} MiB, with children {peak[1]:.0f} MiB")
            for path, median in signed_in_times(port):
                print(f"signed in {path}: median {median:.1f} ms per request (sequential)")
        finally:
            stop_server(server)
            bare.terminate()
            bare.wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
