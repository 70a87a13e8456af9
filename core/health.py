"""Readiness checks: can this process reach the database and Redis right now?"""

from __future__ import annotations

import asyncio
import logging

from core import jobqueue
from core.db import engine

log = logging.getLogger(__name__)
CHECK_TIMEOUT_S = 2.0


async def _database() -> bool:
    await engine().run_ddl("SELECT 1")
    return True


async def _redis() -> bool:
    return bool(await jobqueue.redis().ping())


async def _safely(name: str, check: object) -> bool:
    try:
        return await asyncio.wait_for(check, CHECK_TIMEOUT_S)  # type: ignore[arg-type]
    except Exception as error:
        log.warning("readiness check failed", extra={"check": name, "error": type(error).__name__})
        return False


async def check_dependencies() -> dict[str, bool]:
    database, redis = await asyncio.gather(
        _safely("database", _database()), _safely("redis", _redis())
    )
    return {"database": database, "redis": redis}
