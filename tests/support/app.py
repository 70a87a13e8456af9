"""The app in-process: its lifespan held open on the test's event loop, and clients that
talk to it as a browser would (cookies, redirects followed)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx

BASE_URL = "http://testserver.local"


@asynccontextmanager
async def running(app: Any) -> AsyncIterator[None]:
    """Hold the app's lifespan open on this loop.

    Litestar's AsyncTestClient runs the app on a second loop in a portal thread; the app's
    Redis and PostgreSQL pools are bound to one loop, and tests also use them directly, so
    the app is driven with httpx's ASGI transport inside `app.lifespan()` instead.
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
        yield
    finally:
        stopping.set()
        await lifespan


@asynccontextmanager
async def browser(app: Any, **options: Any) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a running app with its own cookies, from one fixed address."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("203.0.113.7", 50000)),
        base_url=BASE_URL,
        **{"follow_redirects": True, **options},
    ) as client:
        yield client
