"""`hongshan feeds …`: check a URL, add a source, run one sync pass — for operators' shells.

Messages are in English like the rest of the command line; refusal reasons use the same
words the back office shows.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from core.i18n import LANGUAGES, language

FIRST_TITLES = 5


def configure(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="feeds_action", required=True)
    check = actions.add_parser("check", help="fetch a feed once and show what it holds")
    check.add_argument("url")
    check.add_argument(
        "--zone", default="UTC", help="time zone for calendar times without one (IANA name)"
    )
    add = actions.add_parser("add", help="add a feed source to an organization")
    add.add_argument("org_slug", metavar="ORG_SLUG")
    add.add_argument("url")
    add.add_argument(
        "--lang",
        default="",
        choices=list(LANGUAGES),
        help="language of the feed (default: as the feed declares it, else the organization's)",
    )
    add.add_argument("--disabled", action="store_true", help="add it without reading it yet")
    actions.add_parser("sync", help="read every due feed once and print a summary")


def run(args: argparse.Namespace) -> int:
    handler = {"check": _check, "add": _add, "sync": _sync}[args.feeds_action]
    with language("en"):
        return asyncio.run(handler(args))


def _print_feed(parsed: Any) -> None:
    from core.feeds.parse import kind_for_display

    print(f"Kind: {kind_for_display(parsed.kind)}")
    if parsed.title:
        print(f"Title: {parsed.title}")
    print(f"Items: {len(parsed.items)}")
    for item in parsed.items[:FIRST_TITLES]:
        when = item.starts_at or item.published_at
        stamp = f" ({when:%Y-%m-%d %H:%M} UTC)" if when else ""
        print(f"  - {item.title}{stamp}")


async def _check(args: argparse.Namespace) -> int:
    from core.feeds.reasons import FeedError
    from core.feeds.sync import probe

    try:
        parsed = await probe(args.url, default_zone=args.zone)
    except FeedError as error:
        detail = f" ({error.detail})" if error.detail else ""
        print(f"Failed: {error.reason}{detail}", file=sys.stderr)
        return 1
    _print_feed(parsed)
    return 0


class _Database:
    """Migrations applied and, on PostgreSQL, a pool for the command's own event loop."""

    async def __aenter__(self) -> None:
        from core import db
        from core.migrations import migrate

        await migrate()
        self._started = await db.start_pool()

    async def __aexit__(self, *_exc: object) -> None:
        from core import db

        if self._started:
            await db.close_pool()


def operator() -> Any:
    """The person at the shell: an organizer, recorded in the audit log without an account."""
    from core.access import Viewer
    from core.tables import Role

    return Viewer(id=0, name="command line", role=Role.admin.value)


async def _add(args: argparse.Namespace) -> int:
    from core.errors import ValidationFailed
    from core.feeds import sources
    from core.tables import Organization

    async with _Database():
        found = await Organization.exists().where(Organization.slug == args.org_slug)
        if not found:
            print(f"No organization with the short name {args.org_slug!r}.", file=sys.stderr)
            return 2
        data = {
            "organization": args.org_slug,
            "url": args.url,
            "language": args.lang,
            "enabled": "" if args.disabled else "on",
        }
        try:
            source_id = await sources.add(operator(), data, client="cli")
        except ValidationFailed as error:
            for field, message in error.errors.items():
                print(f"{field or 'error'}: {message}", file=sys.stderr)
            return 2
    language = f"language {args.lang}" if args.lang else "language detected from the feed"
    print(f"Added feed {source_id} for {args.org_slug}: {args.url} ({language}).")
    if not args.disabled:
        print("It is read on the next sync pass; `hongshan feeds sync` reads it now.")
    return 0


async def _sync(_args: argparse.Namespace) -> int:
    from core.feeds.reasons import reason_text
    from core.feeds.sync import sync_due
    from core.tables import FeedSource

    async with _Database():
        summary = await sync_due()
        failed = [o for o in summary.outcomes if o.status == "failed"]
        urls = {}
        if failed:
            rows = await FeedSource.select(FeedSource.id, FeedSource.url).where(
                FeedSource.id.is_in([o.source_id for o in failed])
            )
            urls = {row["id"]: row["url"] for row in rows}
    print(
        f"Read {summary.checked} feed(s) in {summary.elapsed_s:.1f} s: "
        f"{summary.changed} changed, {summary.unchanged} unchanged, {summary.failed} failed "
        f"({summary.paused} paused); {summary.added} new item(s), {summary.updated} updated."
    )
    for outcome in failed:
        paused = " — paused" if outcome.paused else ""
        print(
            f"  feed {outcome.source_id} {urls.get(outcome.source_id, '')}: "
            f"{reason_text(outcome.error)}{paused}"
        )
    return 0
