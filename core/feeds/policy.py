"""How hard the feed reader tries: deadlines, caps, schedule, backoff and pausing.

One frozen value, so a test, the benchmark or an operator's script can pass a stricter or
looser policy without touching module state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class FeedPolicy:
    # One fetch: the whole of it (DNS, connect, every redirect, the body) within `deadline_s`;
    # `idle_timeout_s` is httpx's per-read timeout, which alone would let a trickle go on forever.
    deadline_s: float = 20.0
    idle_timeout_s: float = 10.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    # At most this many entries are read from one document (the newest come first in feeds).
    max_items: int = 200
    # Schedule: a healthy source is fetched every `interval`; a failing one after an
    # exponential backoff (base, 2×base, 4×base … up to the ceiling); after `pause_after`
    # failures in a row it is paused until someone re-enables it.
    interval: timedelta = timedelta(minutes=30)
    base_backoff: timedelta = timedelta(minutes=5)
    max_backoff: timedelta = timedelta(hours=12)
    pause_after: int = 10
    # A server's Retry-After is honoured up to this long.
    max_retry_after: timedelta = timedelta(days=2)
    # One sync pass: how many fetches run at once, how many sources it takes, and how long it
    # keeps starting new fetches (the arq job timeout is 300 s).
    concurrency: int = 10
    batch: int = 500
    pass_budget_s: float = 240.0
    # A claimed source is not taken by another worker for this long (a crashed worker's
    # claim simply runs out).
    lease: timedelta = timedelta(minutes=5)

    def backoff(self, consecutive_errors: int) -> timedelta:
        exponent = min(max(consecutive_errors - 1, 0), 30)
        return min(self.base_backoff * (2**exponent), self.max_backoff)


DEFAULT_POLICY = FeedPolicy()
