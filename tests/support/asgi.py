"""Driving the app in tests: through its ASGI interface, or served by uvicorn on 127.0.0.1."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx


@asynccontextmanager
async def asgi_client(app: Any, peer: tuple[str, int]) -> AsyncIterator[httpx.AsyncClient]:
    """HTTP through the app's lifespan, on the test's own event loop.

    Litestar's AsyncTestClient runs the app on a second loop in a portal thread; the app's
    Redis and PostgreSQL pools are bound to one loop, and tests also use them directly, so
    the app is driven here with httpx's ASGI transport inside `app.lifespan()` instead.
    """
    started, stopping = asyncio.Event(), asyncio.Event()

    async def hold_lifespan() -> None:
        # One task enters and leaves the lifespan (its cancel scopes demand it).
        async with app.lifespan():
            started.set()
            await stopping.wait()

    lifespan = asyncio.create_task(hold_lifespan())
    await started.wait()
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app, client=peer),
            base_url="http://testserver.local",
            follow_redirects=True,
        ) as client:
            yield client
    finally:
        stopping.set()
        await lifespan


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def served(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    """The app behind uvicorn as `hongshan serve` configures it, on a free local port."""
    import uvicorn

    from core.cli import server_config

    port = free_port()
    server = uvicorn.Server(server_config(app, "127.0.0.1", port))
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    try:
        async with httpx.AsyncClient(
            base_url=f"http://127.0.0.1:{port}", follow_redirects=True
        ) as client:
            yield client
    finally:
        server.should_exit = True
        await task
