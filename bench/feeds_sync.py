"""Benchmark the feed reader: one sync pass over 200 local feeds, then a pass where all 304.

A feed server runs in a child process on 127.0.0.1 with N RSS feeds (M items each, an ETag
each, gzip when asked). The reader is the real one (core.feeds.sync.sync_due with its guard,
deadline, size cap and bounded concurrency) on a fresh database: SQLite in a temporary data
directory by default, or HONGSHAN_DATABASE_URL when set. Printed: the wall time of the first
pass, feeds/s and items stored; then the wall time of a second pass in which every feed
answers 304 (no parsing, no writes but the sources' health).

    uv run python bench/feeds_sync.py [--feeds 200] [--items 20] [--concurrency 10]

Only 127.0.0.1 is contacted; the server stops with the script.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import multiprocessing
import os
import socket
import sys
import tempfile
import time
from datetime import timedelta
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def rss(number: int, items: int) -> bytes:
    entries = "".join(
        f"<item><title>Feed {number}, item {i}: партнёрские новости</title>"
        f"<link>https://partner-{number}.example/news/{i}</link>"
        f"<guid>feed-{number}-item-{i}</guid>"
        f"<pubDate>{formatdate(1_790_000_000 - i * 3600 - number, usegmt=True)}</pubDate>"
        f"<description>&lt;p&gt;Paragraph {i} of feed {number} with &lt;b&gt;markup&lt;/b&gt;"
        f" and a &lt;a href=&quot;https://partner.example/{i}&quot;&gt;link&lt;/a&gt;.&lt;/p&gt;"
        "</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Partner feed {number}</title><link>https://partner-{number}.example/</link>"
        f"<description>Benchmark feed</description>{entries}</channel></rss>"
    ).encode()


def serve(port_pipe: multiprocessing.connection.Connection, feeds: int, items: int) -> None:
    documents = {f"/feed/{n}.xml": rss(n, items) for n in range(feeds)}
    compressed = {path: gzip.compress(body) for path, body in documents.items()}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body = documents.get(self.path)
            if body is None:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = f'"{self.path}-v1"'
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            zipped = "gzip" in self.headers.get("Accept-Encoding", "")
            payload = compressed[self.path] if zipped else body
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            if zipped:
                self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port_pipe.send(server.server_address[1])
    server.serve_forever()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def run(feeds: int, items: int, concurrency: int) -> None:
    from core import db
    from core.content import Translated
    from core.feeds.policy import FeedPolicy
    from core.feeds.sync import sync_due, utcnow
    from core.migrations import migrate
    from core.tables import FeedItem, FeedSource, Organization

    receiver, sender = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=serve, args=(sender, feeds, items), daemon=True)
    server.start()
    try:
        port = receiver.recv()
        await migrate()
        await db.start_pool()
        org = Organization(
            slug="bench-partner",
            name=Translated.of("en", en="Benchmark partner").dump(),
            kind="partner_city",
            country="KZ",
            city=Translated.of("en", en="Almaty").dump(),
            timezone="Asia/Almaty",
        )
        await org.save()
        await FeedSource.insert(
            *(
                FeedSource(
                    organization=org.id,
                    url=f"http://127.0.0.1:{port}/feed/{n}.xml",
                    language="ru",
                )
                for n in range(feeds)
            )
        )
        policy = FeedPolicy(concurrency=concurrency)

        first = await sync_due(policy=policy)
        stored = await FeedItem.count()
        print(f"feeds: {feeds} × {items} items, concurrency {concurrency}, database {db_kind()}")
        print(
            f"pass 1 (full fetch + parse + store): {first.elapsed_s:.2f} s wall, "
            f"{first.checked / first.elapsed_s:.1f} feeds/s; changed {first.changed}, "
            f"failed {first.failed}, items stored {stored}"
        )

        # Every source is due again (as after its interval); every feed answers 304.
        later = utcnow() + policy.interval + timedelta(seconds=1)
        second = await sync_due(policy=policy, now=later)
        print(
            f"pass 2 (all 304 Not Modified):       {second.elapsed_s:.2f} s wall, "
            f"{second.checked / second.elapsed_s:.1f} feeds/s; unchanged {second.unchanged}, "
            f"failed {second.failed}, items stored {await FeedItem.count()}"
        )
        if first.changed != feeds or second.unchanged != feeds:
            print("!! not every feed was read as expected", file=sys.stderr)
            raise SystemExit(1)
    finally:
        server.terminate()
        server.join(5)
        await db.close_pool()


def db_kind() -> str:
    url = os.environ["HONGSHAN_DATABASE_URL"]
    return url.split(":", 1)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--concurrency", type=int, default=10)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="hongshan-bench-feeds-"))
    os.environ["HONGSHAN_DATA_DIR"] = str(data_dir)
    os.environ["HONGSHAN_FEED_ALLOW_PRIVATE"] = "true"  # the feeds are on 127.0.0.1
    os.environ.setdefault("HONGSHAN_SECRET_KEY", "bench-secret-key-" + "x" * 32)
    if not os.environ.get("HONGSHAN_DATABASE_URL"):
        os.environ["HONGSHAN_DATABASE_URL"] = f"sqlite:///{data_dir / 'bench.sqlite3'}"
    server_url = ""
    if os.environ["HONGSHAN_DATABASE_URL"].startswith("postgres"):
        server_url = os.environ["HONGSHAN_DATABASE_URL"]
        os.environ["HONGSHAN_DATABASE_URL"] = asyncio.run(fresh_postgres_database(server_url))
    started = time.perf_counter()
    try:
        asyncio.run(run(args.feeds, args.items, args.concurrency))
    finally:
        if server_url:
            asyncio.run(drop_postgres_database(server_url, os.environ["HONGSHAN_DATABASE_URL"]))
    print(f"total (with migrations and setup): {time.perf_counter() - started:.2f} s")


async def fresh_postgres_database(url: str) -> str:
    """A throw-away database next to the configured one, so the benchmark starts empty."""
    import uuid

    import asyncpg

    name = f"hongshan_bench_{uuid.uuid4().hex[:8]}"
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return f"{url.rpartition('/')[0]}/{name}"


async def drop_postgres_database(url: str, bench_url: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            f'DROP DATABASE IF EXISTS "{bench_url.rpartition("/")[2]}" WITH (FORCE)'
        )
    finally:
        await connection.close()


if __name__ == "__main__":
    main()
