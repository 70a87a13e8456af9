"""Server-side sessions in Redis: the cookie holds only a random token.

A session ends after `IDLE` without requests or `ABSOLUTE` after login, whichever comes
first; logging in always starts a new one, and changing a password ends all of a user's.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import time
from dataclasses import dataclass

from core import jobqueue
from core.settings import get_settings

IDLE_S = 2 * 3600
ABSOLUTE_S = 12 * 3600


def cookie_name() -> str:
    # The __Host- prefix makes browsers refuse the cookie unless it is Secure, host-only and
    # on path /, so a sibling subdomain cannot plant one.
    return "__Host-hongshan_session" if get_settings().is_https else "hongshan_session"


def _key(token: str) -> str:
    return "session:" + hashlib.sha256(token.encode()).hexdigest()


def _user_key(user_id: int) -> str:
    return f"user_sessions:{user_id}"


@dataclass(frozen=True)
class Session:
    token: str
    user_id: int
    created_at: float


async def start(user_id: int) -> Session:
    token = secrets.token_urlsafe(32)
    now = time.time()
    redis = jobqueue.redis()
    pipe = redis.pipeline(transaction=True)
    pipe.set(_key(token), json.dumps({"user_id": user_id, "created_at": now}), ex=IDLE_S)
    pipe.sadd(_user_key(user_id), _key(token))
    pipe.expire(_user_key(user_id), ABSOLUTE_S)
    await pipe.execute()
    return Session(token=token, user_id=user_id, created_at=now)


async def load(token: str) -> Session | None:
    """The live session for this token, its idle timer restarted; None when it has ended."""
    if not token or len(token) > 100:
        return None
    redis = jobqueue.redis()
    raw = await redis.get(_key(token))
    if raw is None:
        return None
    data = json.loads(raw)
    if time.time() - data["created_at"] > ABSOLUTE_S:
        await end(token)
        return None
    await redis.expire(_key(token), IDLE_S)
    return Session(token=token, user_id=int(data["user_id"]), created_at=data["created_at"])


async def end(token: str) -> None:
    await jobqueue.redis().delete(_key(token))


async def end_all(user_id: int) -> None:
    redis = jobqueue.redis()
    keys = await redis.smembers(_user_key(user_id))
    if keys:
        await redis.delete(*keys)
    await redis.delete(_user_key(user_id))
