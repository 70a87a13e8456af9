"""The feed reader's service: which sources are due, fetching them a few at a time, keeping
their items (deduplicated, updated when changed) and their health (backoff, pausing).

The FeedSource row is the schedule and the truth: `next_attempt_at` says when a source is
due, `lease_until` says a worker has it. A job or the CLI only triggers a pass; two passes at
once never fetch the same source (the claim is one guarded UPDATE). Nothing here knows HTTP
requests or templates: the worker, the back office and the CLI all call these functions.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from core import jobqueue
from core.db import write_transaction
from core.feeds.credentials import basic_auth
from core.feeds.fetch import Fetched, fetch, open_client
from core.feeds.language import item_language, organization_language
from core.feeds.moves import follow_permanent_move
from core.feeds.parse import ParsedFeed, ParsedItem, detect_and_parse
from core.feeds.policy import DEFAULT_POLICY, FeedPolicy
from core.feeds.reasons import PERMANENT, FeedError
from core.feeds.sanitize import xml_safe
from core.search import partners as partner_search
from core.tables import FeedItem, FeedSource, Organization

log = logging.getLogger(__name__)

SYNC_SOURCE_JOB = "sync_feed_source"
# A published date further ahead than this is taken as a mistake (it would pin an item to
# the top of the wall); the item is sorted by when we first saw it instead.
FUTURE_TOLERANCE = timedelta(days=1)


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class Outcome:
    """What one attempt at one source came to."""

    source_id: int
    status: str  # "changed" (fetched and parsed), "unchanged" (304), "failed", "skipped"
    kind: str = ""
    found: int = 0
    added: int = 0
    updated: int = 0
    http_status: int | None = None
    error: str = ""  # a code from core.feeds.reasons
    detail: str = ""
    paused: bool = False
    titles: list[str] = field(default_factory=list)


@dataclass
class SyncSummary:
    outcomes: list[Outcome]
    elapsed_s: float

    def _count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def checked(self) -> int:
        return sum(1 for o in self.outcomes if o.status != "skipped")

    @property
    def changed(self) -> int:
        return self._count("changed")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def failed(self) -> int:
        return self._count("failed")

    @property
    def paused(self) -> int:
        return sum(1 for o in self.outcomes if o.paused)

    @property
    def added(self) -> int:
        return sum(o.added for o in self.outcomes)

    @property
    def updated(self) -> int:
        return sum(o.updated for o in self.outcomes)

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "changed": self.changed,
            "unchanged": self.unchanged,
            "failed": self.failed,
            "paused": self.paused,
            "added": self.added,
            "updated": self.updated,
            "elapsed_s": round(self.elapsed_s, 3),
        }


# --- checking a URL without storing anything --------------------------------------------------


async def probe(
    url: str, *, policy: FeedPolicy = DEFAULT_POLICY, default_zone: str = "UTC"
) -> ParsedFeed:
    """Fetch and parse `url` once (the CLI's `feeds check`); FeedError says why not."""
    fetched = await fetch(url, policy=policy)
    return await asyncio.to_thread(
        detect_and_parse,
        fetched.body,
        fetched.content_type,
        fetched.url,
        max_items=policy.max_items,
        default_zone=default_zone,
    )


# --- one source ------------------------------------------------------------------------------


async def _claim(
    source_id: int, now: datetime, policy: FeedPolicy, force: bool
) -> dict[str, Any] | None:
    """Take the source for one attempt, or None: not due (unless forced), disabled (unless
    forced), or another worker has it. One guarded UPDATE, so two workers never both win."""
    due = (FeedSource.enabled == True) & (
        FeedSource.next_attempt_at.is_null() | (FeedSource.next_attempt_at <= now)
    )
    free = FeedSource.lease_until.is_null() | (FeedSource.lease_until <= now)
    condition = (FeedSource.id == source_id) & free
    if not force:
        condition &= due
    claimed = (
        await FeedSource.update({FeedSource.lease_until: now + policy.lease})
        .where(condition)
        .returning(*FeedSource.all_columns())
    )
    return claimed[0] if claimed else None


async def _organization_zone(organization_id: int) -> str:
    """Where a calendar's floating times are (the partner's own zone)."""
    row = (
        await Organization.select(Organization.timezone)
        .where(Organization.id == organization_id)
        .first()
    )
    return row["timezone"] if row and row["timezone"] else "UTC"


def _sort_at(item: ParsedItem, now: datetime) -> datetime:
    if item.kind == "event" and item.starts_at:
        return item.starts_at
    if item.published_at and item.published_at <= now + FUTURE_TOLERANCE:
        return item.published_at
    return now


def _values(item: ParsedItem) -> dict[Any, Any]:
    """Columns that follow the feed (first_seen_at and sort_at are ours)."""
    return {
        FeedItem.kind: item.kind,
        FeedItem.guid: item.guid,
        FeedItem.link: item.link,
        FeedItem.title: xml_safe(item.title),
        FeedItem.summary: item.summary,
        FeedItem.excerpt: xml_safe(item.excerpt),
        FeedItem.published_at: item.published_at,
        FeedItem.modified_at: item.modified_at,
        FeedItem.starts_at: item.starts_at,
        FeedItem.ends_at: item.ends_at,
        FeedItem.timezone: item.timezone,
        FeedItem.all_day: item.all_day,
        FeedItem.location: item.location,
        FeedItem.content_hash: item.content_hash(),
    }


async def store_items(source: dict[str, Any], parsed: ParsedFeed, now: datetime) -> tuple[int, int]:
    """Insert new items, update changed ones; a re-fetch of the same items changes nothing.
    Returns (added, updated)."""
    by_key: dict[str, ParsedItem] = {}
    for item in parsed.items:
        by_key.setdefault(f"{source['id']}:{item.identity()}", item)
    fallback = await organization_language(source["organization"])
    languages = {
        key: item_language(source["language"], item.language, parsed.language, fallback)
        for key, item in by_key.items()
    }
    added = updated = 0
    async with write_transaction():
        existing = (
            {
                row["key"]: row
                for row in await FeedItem.select(
                    FeedItem.id, FeedItem.key, FeedItem.content_hash, FeedItem.language
                ).where(FeedItem.key.is_in(list(by_key)))
            }
            if by_key
            else {}
        )
        new_rows = []
        for key, item in by_key.items():
            if key in existing:
                continue
            row = FeedItem(
                source=source["id"],
                organization=source["organization"],
                key=key,
                language=languages[key],
                sort_at=_sort_at(item, now),
                first_seen_at=now,
                changed_at=now,
            )
            for column, value in _values(item).items():
                setattr(row, column._meta.name, value)
            new_rows.append(row)
        if new_rows:
            inserted = (
                await FeedItem.insert(*new_rows)
                .on_conflict(target=FeedItem.key, action="DO NOTHING")
                .returning(FeedItem.id)
            )
            added = len(inserted)
        for key, item in by_key.items():
            row = existing.get(key)
            if row is None:
                continue
            if row["content_hash"] == item.content_hash():
                if row["language"] != languages[key]:  # the source's language setting changed
                    await FeedItem.update({FeedItem.language: languages[key]}).where(
                        FeedItem.id == row["id"]
                    )
                continue
            changes = _values(item)
            changes[FeedItem.language] = languages[key]
            changes[FeedItem.changed_at] = now
            if item.kind == "event" or item.published_at:
                changes[FeedItem.sort_at] = _sort_at(item, now)
            await FeedItem.update(changes).where(FeedItem.id == row["id"])
            updated += 1
        if parsed.kind == "ical" and parsed.complete:
            # A calendar is a full snapshot: a future event that left it was cancelled or
            # moved away. Past events stay as history.
            gone = (
                (FeedItem.source == source["id"])
                & (FeedItem.kind == "event")
                & (FeedItem.starts_at >= now)
            )
            if by_key:
                gone &= FeedItem.key.not_in(list(by_key))
            await FeedItem.delete().where(gone)
    await partner_search.source_changed(source["id"])
    return added, updated


async def _record_success(
    source: dict[str, Any],
    fetched: Fetched,
    parsed: ParsedFeed | None,
    added: int,
    updated: int,
    now: datetime,
    policy: FeedPolicy,
) -> Outcome:
    changes: dict[Any, Any] = {
        FeedSource.last_attempt_at: now,
        FeedSource.last_success_at: now,
        FeedSource.last_status: fetched.status,
        FeedSource.last_error: "",
        FeedSource.last_error_detail: "",
        FeedSource.consecutive_errors: 0,
        FeedSource.last_items_added: added,
        FeedSource.last_items_updated: updated,
        FeedSource.etag: fetched.etag[:500],
        FeedSource.last_modified: fetched.last_modified[:100],
        FeedSource.next_attempt_at: now + policy.interval,
        FeedSource.lease_until: None,
    }
    if parsed is not None:
        changes[FeedSource.kind] = parsed.kind
        changes[FeedSource.title] = xml_safe(parsed.title)[:300]
        changes[FeedSource.last_items_found] = len(parsed.items)
    await FeedSource.update(changes).where(FeedSource.id == source["id"])
    if fetched.moved_to:
        await follow_permanent_move(source, fetched.moved_to)
    log.info(
        "feed fetched",
        extra={
            "feed_source": source["id"],
            "status": fetched.status,
            "added": added,
            "updated": updated,
        },
    )
    return Outcome(
        source_id=source["id"],
        status="unchanged" if parsed is None else "changed",
        kind=parsed.kind if parsed else source["kind"],
        found=len(parsed.items) if parsed else source["last_items_found"],
        added=added,
        updated=updated,
        http_status=fetched.status,
        titles=[item.title for item in parsed.items[:5]] if parsed else [],
    )


async def _record_failure(
    source: dict[str, Any], error: FeedError, now: datetime, policy: FeedPolicy
) -> Outcome:
    failures = source["consecutive_errors"] + 1
    wait = policy.backoff(failures)
    if error.retry_after is not None:
        wait = max(wait, min(error.retry_after, policy.max_retry_after))
    pause = source["enabled"] and (failures >= policy.pause_after or error.code in PERMANENT)
    changes: dict[Any, Any] = {
        FeedSource.last_attempt_at: now,
        FeedSource.last_status: error.status,
        FeedSource.last_error: error.code,
        FeedSource.last_error_detail: xml_safe(error.detail)[:500],
        FeedSource.consecutive_errors: failures,
        FeedSource.last_items_added: 0,
        FeedSource.last_items_updated: 0,
        FeedSource.next_attempt_at: now + wait,
        FeedSource.lease_until: None,
    }
    if pause:
        changes[FeedSource.enabled] = False
        changes[FeedSource.paused_reason] = error.code
    await FeedSource.update(changes).where(FeedSource.id == source["id"])
    log.info(
        "feed failed",
        extra={
            "feed_source": source["id"],
            "reason": error.code,
            "consecutive_errors": failures,
            "paused": pause,
        },
    )
    return Outcome(
        source_id=source["id"],
        status="failed",
        kind=source["kind"],
        http_status=error.status,
        error=error.code,
        detail=error.detail,
        paused=pause,
    )


async def _attempt(
    source: dict[str, Any], now: datetime, policy: FeedPolicy, client: httpx.AsyncClient
) -> Outcome:
    try:
        fetched = await fetch(
            source["url"],
            etag=source["etag"],
            last_modified=source["last_modified"],
            policy=policy,
            client=client,
            auth=basic_auth(source["credentials"]),
        )
        if fetched.not_modified:
            return await _record_success(source, fetched, None, 0, 0, now, policy)
        # Parsing is CPU work (feedparser is pure Python): in a thread, the event loop, which
        # may be serving web pages in the same process, keeps answering meanwhile.
        parsed = await asyncio.to_thread(
            detect_and_parse,
            fetched.body,
            fetched.content_type,
            fetched.url,
            max_items=policy.max_items,
            default_zone=await _organization_zone(source["organization"]),
            now=now,
        )
    except FeedError as error:
        return await _record_failure(source, error, now, policy)
    added, updated = await store_items(source, parsed, now)
    return await _record_success(source, fetched, parsed, added, updated, now, policy)


async def sync_source(
    source_id: int,
    *,
    policy: FeedPolicy = DEFAULT_POLICY,
    client: httpx.AsyncClient | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> Outcome:
    """One attempt at one source if it is due (or `force`: the back office's "check now").

    Never raises for anything a feed can do: the failure is recorded on the source.
    """
    now = now or utcnow()
    source = await _claim(source_id, now, policy, force)
    if source is None:
        return Outcome(source_id=source_id, status="skipped")
    if client is None:
        async with open_client(policy) as own:
            return await _guarded_attempt(source, now, policy, own)
    return await _guarded_attempt(source, now, policy, client)


async def check_now(
    source_id: int, *, policy: FeedPolicy = DEFAULT_POLICY, poll_s: float = 0.2
) -> Outcome:
    """The back office's "check now": read the source at once, whatever its schedule.

    When a worker is reading it at this very moment, wait for that read to end (its result
    is what the person asked for) rather than fetch it a second time. "skipped" only when
    that read outlasts a fetch's deadline.
    """
    outcome = await sync_source(source_id, policy=policy, force=True)
    if outcome.status != "skipped":
        return outcome
    loop = asyncio.get_running_loop()
    ends = loop.time() + policy.deadline_s + 5
    while loop.time() < ends:
        await asyncio.sleep(poll_s)
        row = (
            await FeedSource.select(FeedSource.lease_until)
            .where(FeedSource.id == source_id)
            .first()
        )
        if row is None or row["lease_until"] is None or row["lease_until"] <= utcnow():
            return Outcome(source_id=source_id, status="read_by_another_worker")
    return outcome


async def _guarded_attempt(
    source: dict[str, Any], now: datetime, policy: FeedPolicy, client: httpx.AsyncClient
) -> Outcome:
    try:
        return await _attempt(source, now, policy, client)
    except Exception as error:
        # A bug or a database hiccup on one source must not end the pass for the others.
        log.exception("feed sync crashed", extra={"feed_source": source["id"]})
        detail = f"{type(error).__name__}: {error}"[:300]
        try:
            return await _record_failure(source, FeedError("internal", detail), now, policy)
        except Exception:
            log.exception("could not record a feed failure", extra={"feed_source": source["id"]})
            return Outcome(source_id=source["id"], status="failed", error="internal")


# --- a pass over every due source ----------------------------------------------------------


async def due_source_ids(now: datetime, limit: int) -> list[int]:
    rows = (
        await FeedSource.select(FeedSource.id)
        .where(
            (FeedSource.enabled == True)
            & (FeedSource.next_attempt_at.is_null() | (FeedSource.next_attempt_at <= now))
            & (FeedSource.lease_until.is_null() | (FeedSource.lease_until <= now))
        )
        .order_by(FeedSource.next_attempt_at)
        .order_by(FeedSource.id)
        .limit(limit)
    )
    return [row["id"] for row in rows]


async def sync_due(
    *, policy: FeedPolicy = DEFAULT_POLICY, now: datetime | None = None
) -> SyncSummary:
    """Fetch every due source, at most `policy.concurrency` at once. Sources not started
    within the pass budget stay due for the next pass."""
    started = time.perf_counter()
    ids = await due_source_ids(now or utcnow(), policy.batch)
    gate = asyncio.Semaphore(policy.concurrency)
    budget_ends = started + policy.pass_budget_s

    async with open_client(policy) as client:

        async def one(source_id: int) -> Outcome:
            async with gate:
                if time.perf_counter() > budget_ends:
                    return Outcome(source_id=source_id, status="skipped")
                return await sync_source(source_id, policy=policy, client=client, now=now)

        outcomes = await asyncio.gather(*(one(i) for i in ids))
    summary = SyncSummary(list(outcomes), time.perf_counter() - started)
    log.info("feed sync pass", extra=summary.as_dict())
    return summary


async def schedule_now(source_id: int) -> None:
    """Make a source due and trigger a worker to fetch it (one pending job per source)."""
    await FeedSource.update({FeedSource.next_attempt_at: utcnow()}).where(
        FeedSource.id == source_id
    )
    try:
        await jobqueue.enqueue(SYNC_SOURCE_JOB, source_id, job_id=f"feed:{source_id}")
    except Exception:
        # The row is due now either way; the next cron pass fetches it.
        log.warning("could not queue a feed fetch", extra={"feed_source": source_id})
