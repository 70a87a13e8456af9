"""A real HTTP server on 127.0.0.1 for feed tests, in a thread, answering from a route table.

Each route is a small object that writes one response; tests swap routes between sync passes
to make a feed change, fail, recover or answer 304. Every request is recorded (path and
headers) so a test can see what the reader sent.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


class Route:
    def respond(self, handler: BaseHTTPRequestHandler) -> None:  # pragma: no cover
        raise NotImplementedError


@dataclass
class Doc(Route):
    """A document, with validators (answering 304 to a matching conditional request)."""

    body: bytes
    content_type: str = "application/rss+xml; charset=utf-8"
    etag: str = ""
    last_modified: str = ""
    gzipped: bool = False
    send_length: bool = True
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        matched = (self.etag and handler.headers.get("If-None-Match") == self.etag) or (
            self.last_modified and handler.headers.get("If-Modified-Since") == self.last_modified
        )
        if matched:
            handler.send_response(304)
            if self.etag:
                handler.send_header("ETag", self.etag)
            handler.end_headers()
            return
        body = gzip.compress(self.body) if self.gzipped else self.body
        handler.send_response(self.status)
        handler.send_header("Content-Type", self.content_type)
        if self.gzipped:
            handler.send_header("Content-Encoding", "gzip")
        if self.send_length:
            handler.send_header("Content-Length", str(len(body)))
        else:
            handler.send_header("Connection", "close")
        if self.etag:
            handler.send_header("ETag", self.etag)
        if self.last_modified:
            handler.send_header("Last-Modified", self.last_modified)
        for name, value in self.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)


@dataclass
class Status(Route):
    """An error answer (404, 410, 503 with Retry-After …)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        body = f"status {self.status}".encode()
        handler.send_response(self.status)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", str(len(body)))
        for name, value in self.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(body)


@dataclass
class Redirect(Route):
    location: str
    status: int = 302

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(self.status)
        handler.send_header("Location", self.location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()


@dataclass
class Trickle(Route):
    """A byte every `every_s`, never finishing within any sane deadline (bounded at `for_s`,
    and ended as soon as the reader hangs up)."""

    every_s: float = 0.05
    for_s: float = 10.0

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "application/rss+xml")
        handler.send_header("Content-Length", "20000")
        handler.end_headers()
        handler.wfile.write(b'<?xml version="1.0"?><rss version="2.0"><channel>')
        handler.wfile.flush()
        ends = time.monotonic() + self.for_s
        try:
            while time.monotonic() < ends:
                handler.wfile.write(b" ")
                handler.wfile.flush()
                time.sleep(self.every_s)
        except OSError:
            return


@dataclass
class Steps(Route):
    """One route after another, one per request; the last one repeats."""

    steps: list[Route]
    served: int = 0

    def respond(self, handler: BaseHTTPRequestHandler) -> None:
        step = self.steps[min(self.served, len(self.steps) - 1)]
        self.served += 1
        step.respond(handler)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        # A reader that hangs up (a deadline, a size cap) is what several tests are about.
        pass


class FeedServer:
    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                server.requests.append((self.path, dict(self.headers.items())))
                route = server.routes.get(self.path)
                if route is None:
                    Status(404).respond(self)
                    return
                route.respond(self)
                if isinstance(route, Trickle | Steps) or not _has_length(route):
                    self.close_connection = True

            def log_message(self, *_args: Any) -> None:
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def hits(self, path: str) -> list[dict[str, str]]:
        return [headers for seen, headers in self.requests if seen == path]

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


def _has_length(route: Route) -> bool:
    return not isinstance(route, Doc) or route.send_length


@contextmanager
def running() -> Iterator[FeedServer]:
    server = FeedServer().start()
    try:
        yield server
    finally:
        server.stop()
