"""What the benchmarks share: the site as a user starts it (`python -m core.cli serve`) on a
free port, started and stopped from the outside, and a throw-away backend (data directory,
database, Redis) for benchmarks that run the app's code in their own process.

The benchmarks are run as scripts (`uv run python bench/<name>.py`), so this folder is first
on `sys.path` and they import this module as `_server`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 15.0

Server = subprocess.Popen[bytes]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def workdir(prefix: str, keep: bool) -> Iterator[Path]:
    """A temporary folder for one run; removed afterwards unless `keep` (then it is named)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield path
    finally:
        if keep:
            print(f"kept: {path}")
        else:
            shutil.rmtree(path, ignore_errors=True)


def redact(url: str) -> str:
    """A database or Redis URL fit to print: its password masked."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")))


# --- the site in a process of its own ---------------------------------------------------------


def server_env(data_dir: Path) -> dict[str, str]:
    """The caller's environment with a private data directory; database/Redis URLs pass through."""
    return {**os.environ, "HONGSHAN_DATA_DIR": str(data_dir)}


def spawn_server(
    env: dict[str, str], port: int, log_path: Path, options: tuple[str, ...] = ()
) -> Server:
    command = [
        *(sys.executable, "-m", "core.cli", "serve", "--host", HOST, "--port", str(port)),
        *options,
    ]
    with log_path.open("ab") as log:
        # Its own session, so a Ctrl-C on the benchmark doesn't hit the server behind our back.
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def wait_healthy(
    process: Server, port: int, started: float, log_path: Path, timeout: float = START_TIMEOUT_S
) -> float:
    """Seconds from `started` (a `time.perf_counter()`) to the first 200 from /healthz."""
    url = f"http://{HOST}:{port}/healthz"
    deadline = started + timeout
    with httpx.Client(timeout=2.0) as client:
        while time.perf_counter() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"server exited with code {process.returncode} during start; see {log_path}"
                )
            with contextlib.suppress(httpx.HTTPError):
                if client.get(url).status_code == 200:
                    return time.perf_counter() - started
            time.sleep(0.01)
    raise RuntimeError(f"server not healthy after {timeout:.0f} s; see {log_path}")


def stop_server(process: Server) -> None:
    """SIGINT, as Ctrl-C would; killed if it has not exited within STOP_TIMEOUT_S."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_server(
    env: dict[str, str],
    port: int,
    log_path: Path,
    on_failure: Callable[[Server], None] = stop_server,
    options: tuple[str, ...] = (),
    timeout: float = START_TIMEOUT_S,
) -> tuple[Server, float]:
    """The server, healthy, and the seconds its start took (spawn to first 200 from
    /healthz). When it does not come up, `on_failure` gets rid of it and the error names
    the log."""
    started = time.perf_counter()
    process = spawn_server(env, port, log_path, options)
    try:
        return process, wait_healthy(process, port, started, log_path, timeout)
    except BaseException:
        on_failure(process)
        raise


# --- a throw-away backend for the app's code in this process ----------------------------------


def with_database(url: str, database: str) -> str:
    base, _sep, _old = url.rpartition("/")
    return f"{base}/{database}"


async def postgres(url: str, sql: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def scratch_backend(data_dir: Path, mail_url: str) -> Iterator[str]:
    """Settings for this process: `data_dir`, `mail_url` and a database of its own (created
    on the PostgreSQL server `HONGSHAN_DATABASE_URL` names, else SQLite in `data_dir`); an
    embedded Valkey unless `HONGSHAN_REDIS_URL` is set. Yields the Redis URL; afterwards the
    database is dropped and Valkey stopped. Import project modules only inside the block:
    they read their settings once."""
    server_db = os.environ.get("HONGSHAN_DATABASE_URL", "")
    bench_db = f"hongshan_bench_{uuid.uuid4().hex[:10]}"
    os.environ["HONGSHAN_DATA_DIR"] = str(data_dir)
    os.environ["HONGSHAN_MAIL_URL"] = mail_url
    os.environ.setdefault("HONGSHAN_SECRET_KEY", "bench-secret-key-" + "x" * 32)
    if server_db.startswith("postgres"):
        asyncio.run(postgres(server_db, f'CREATE DATABASE "{bench_db}"'))
        os.environ["HONGSHAN_DATABASE_URL"] = with_database(server_db, bench_db)
    else:
        os.environ["HONGSHAN_DATABASE_URL"] = f"sqlite:///{data_dir / 'hongshan.sqlite3'}"
    sys.path.insert(0, str(ROOT))

    from core.redis_server import EmbeddedRedis

    embedded = None
    redis_url = os.environ.get("HONGSHAN_REDIS_URL")
    try:
        if not redis_url:
            embedded = EmbeddedRedis(data_dir / "redis" / "redis.sock", persistent=False)
            redis_url = embedded.start()
        yield redis_url
    finally:
        if embedded is not None:
            embedded.stop()
        if server_db.startswith("postgres"):
            asyncio.run(postgres(server_db, f'DROP DATABASE IF EXISTS "{bench_db}" WITH (FORCE)'))
