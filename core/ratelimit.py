"""Fixed-window rate limits kept in Redis, so every web process counts together."""

from __future__ import annotations

import hashlib

from core import jobqueue


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(subject.strip().lower().encode()).hexdigest()[:32]
    return f"ratelimit:{scope}:{digest}"


async def hit(scope: str, subject: str, window_s: int) -> int:
    """Count one attempt and return how many there were in the current window."""
    key = _key(scope, subject)
    pipe = jobqueue.redis().pipeline(transaction=True)
    pipe.incr(key)
    pipe.expire(key, window_s, nx=True)
    count, _ = await pipe.execute()
    return int(count)


async def hit_all(attempts: list[tuple[str, str, int]]) -> None:
    """Count one attempt under several (scope, subject, window) at once, in one round trip."""
    pipe = jobqueue.redis().pipeline(transaction=True)
    for scope, subject, window_s in attempts:
        pipe.incr(_key(scope, subject))
        pipe.expire(_key(scope, subject), window_s, nx=True)
    await pipe.execute()


async def count(scope: str, subject: str) -> int:
    value = await jobqueue.redis().get(_key(scope, subject))
    return int(value or 0)


async def retry_after(scope: str, subject: str) -> int:
    ttl = await jobqueue.redis().ttl(_key(scope, subject))
    return max(int(ttl), 1)


async def reset(scope: str, subject: str) -> None:
    await jobqueue.redis().delete(_key(scope, subject))
