"""The job queue behind one small interface, so domains never import arq directly.

Jobs take ids and are idempotent: the database row is the truth, a job is only a trigger.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from arq import create_pool
from arq.connections import ArqRedis, RedisSettings
from arq.worker import Worker
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from core.domains import load_domains

log = logging.getLogger(__name__)

_pool: ArqRedis | None = None
WORKER_RESTART_S = 2.0


def redis_settings(url: str) -> RedisSettings:
    settings = RedisSettings.from_dsn(url)
    # A connection left from before a Redis restart fails once; a quick retry on a fresh one
    # hides that from the request that happened to pick it.
    settings.retry = Retry(ExponentialBackoff(cap=0.5, base=0.05), 2)
    settings.retry_on_error = [RedisConnectionError]
    return settings


async def open_queue(url: str) -> bool:
    """Open the shared connection; False when it was already open (its opener closes it)."""
    global _pool
    if _pool is not None:
        return False
    _pool = await create_pool(redis_settings(url))
    return True


async def close_queue() -> None:
    global _pool
    if _pool is not None:
        await _pool.aclose()
        _pool = None


def redis() -> ArqRedis:
    """The shared Redis connection: the job queue, and sessions and rate limits beside it."""
    if _pool is None:
        raise RuntimeError("The job queue is not open")
    return _pool


async def enqueue(function: str, *args: Any, job_id: str | None = None, **kwargs: Any) -> None:
    """Queue `function` by name; a `job_id` makes a second enqueue of the same work a no-op."""
    await redis().enqueue_job(function, *args, _job_id=job_id, **kwargs)


def worker_functions() -> list[Any]:
    return [job for domain in load_domains() for job in domain.jobs]


def worker_cron_jobs() -> list[Any]:
    return [job for domain in load_domains() for job in domain.cron_jobs]


def create_worker(url: str, *, burst: bool = False, **overrides: Any) -> Worker:
    """A worker over every domain's jobs; `serve` runs one in-process, `worker` standalone."""
    options: dict[str, Any] = {
        "functions": worker_functions(),
        "cron_jobs": worker_cron_jobs(),
        "redis_settings": redis_settings(url),
        "burst": burst,
        "handle_signals": False,
        "max_jobs": 20,
        "job_timeout": 300,
        "keep_result": 3600,
    }
    options.update(overrides)
    return Worker(**options)


async def run_worker(url: str) -> None:
    """A worker that outlives Redis outages: when Redis drops it, a fresh one starts after a
    pause, until the task is cancelled (the in-process worker of `hongshan serve`)."""
    while True:
        worker = create_worker(url)
        try:
            await worker.async_run()
            return
        except (RedisError, OSError) as error:
            log.warning("job worker lost Redis; starting again", extra={"error": repr(error)})
        finally:
            with contextlib.suppress(RedisError, OSError):
                await worker.close()
        await asyncio.sleep(WORKER_RESTART_S)
