"""The digest: people subscribe to fields and countries and get, weekly or monthly, one mail
in their language with the demands, offers and guides published in the period just ended.

Exactly once per period: each mail is an outbox row keyed by subscription and period, so a
job that runs again (arq delivers at least once; a worker may restart) finds the row there
and sends nothing new. Each mail carries a one-click List-Unsubscribe (RFC 8058).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from cooperation.services import guides
from cooperation.services.vocabulary import city_country
from cooperation.tables import DigestFrequency, Profile, ProfileStatus, Subscription
from core.access import Viewer
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, gettext
from core.organizations import PARTNER_COUNTRIES
from core.outbox import queue_many
from core.settings import get_settings
from core.vocabulary import FIELDS

BATCH = 500
ITEMS_MAX = 30  # per kind in one mail; the rest are a link away


@dataclass(frozen=True)
class Period:
    key: str  # "2026-W48" or "2026-11"
    starts: datetime
    ends: datetime


def previous_period(frequency: str, on: date) -> Period:
    """The whole week (Monday to Sunday) or month that ended before `on`, in UTC."""
    if frequency == DigestFrequency.weekly:
        this_monday = on - timedelta(days=on.weekday())
        first = this_monday - timedelta(days=7)
        year, week, _day = first.isocalendar()
        key, last = f"{year}-W{week:02d}", this_monday
    else:
        last = on.replace(day=1)
        first = (last - timedelta(days=1)).replace(day=1)
        key = f"{first.year}-{first.month:02d}"
    starts = datetime(first.year, first.month, first.day, tzinfo=UTC)
    ends = datetime(last.year, last.month, last.day, tzinfo=UTC)
    return Period(key, starts, ends)


# --- subscribing ---------------------------------------------------------------------------


async def subscription_of(viewer: Viewer) -> dict[str, Any] | None:
    return (
        await Subscription.select()
        .output(load_json=True)
        .where(Subscription.email == viewer.email.lower())
        .first()
    )


async def subscribe(
    viewer: Viewer, fields: list[str], countries: list[str], frequency: str, language: str
) -> None:
    """Create or change the viewer's subscription (empty lists mean everything)."""
    errors: dict[str, str] = {}
    if frequency not in DigestFrequency.__members__:
        errors["frequency"] = gettext("Choose how often.")
    if language not in LANGUAGES:
        errors["language"] = gettext("Choose a language.")
    if errors:
        raise ValidationFailed(errors)
    values = {
        "fields": [f for f in dict.fromkeys(fields) if f in FIELDS],
        "countries": [c for c in dict.fromkeys(countries) if c in PARTNER_COUNTRIES],
        "frequency": frequency,
        "language": language,
        "active": True,
        "user": viewer.id,
    }
    async with write_transaction():
        current = await subscription_of(viewer)
        if current is None:
            await Subscription.insert(
                Subscription(email=viewer.email.lower(), token=secrets.token_urlsafe(32), **values)
            )
        else:
            await Subscription.update(values).where(Subscription.id == current["id"])


async def unsubscribe(token: str) -> bool:
    """Stop the digest for whoever holds this link; True when there was one to stop."""
    if not token or len(token) > 64:
        return False
    stopped = (
        await Subscription.update({Subscription.active: False})
        .where((Subscription.token == token) & (Subscription.active == True))
        .returning(Subscription.id)
    )
    return bool(stopped) or await Subscription.exists().where(Subscription.token == token)


async def by_token(token: str) -> dict[str, Any] | None:
    if not token or len(token) > 64:
        return None
    return (
        await Subscription.select()
        .output(load_json=True)
        .where(Subscription.token == token)
        .first()
    )


# --- sending -------------------------------------------------------------------------------


def _wanted(subscription: dict[str, Any], field: str, country: str) -> bool:
    fields, countries = subscription["fields"] or [], subscription["countries"] or []
    return (not fields or field in fields) and (not countries or country in countries)


def _item(row: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "kind": row["kind"],
        "title": Translated.load(row["title"]).show(lang).text,
        "field": row["field"],
        "city": row["city"],
        "link": f"/{lang}/cooperation/{row['id']}/",
    }


def _guide_item(row: dict[str, Any], lang: str) -> dict[str, Any]:
    return {
        "title": Translated.load(row["title"]).show(lang).text,
        "city": row["city"],
        "year": row["year"],
        "link": f"/{lang}/cooperation/guides/{row['city']}/{row['year']}/",
    }


@dataclass
class Items:
    """What was published in the period, each item already shown in each language asked for
    (5,000 subscribers share four languages: translate once per language, not per mail)."""

    profiles: list[dict[str, Any]]
    guide_versions: list[dict[str, Any]]
    shown: dict[
        str, tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[tuple[str, dict[str, Any]]]]
    ] = field(default_factory=dict)

    def in_language(
        self, lang: str
    ) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[tuple[str, dict[str, Any]]]]:
        if lang not in self.shown:
            self.shown[lang] = (
                [(p, _item(p, lang)) for p in self.profiles],
                [(city_country(g["city"]), _guide_item(g, lang)) for g in self.guide_versions],
            )
        return self.shown[lang]


def contents(subscription: dict[str, Any], items: Items) -> dict[str, list[dict[str, Any]]]:
    """The digest of one subscriber: what is new in their fields and countries."""
    profiles, guide_items = items.in_language(subscription["language"])
    chosen = [
        (p, shown) for p, shown in profiles if _wanted(subscription, p["field"], p["country"])
    ]
    countries = subscription["countries"] or []
    return {
        "demands": [shown for p, shown in chosen if p["kind"] == "demand"][:ITEMS_MAX],
        "offers": [shown for p, shown in chosen if p["kind"] == "offer"][:ITEMS_MAX],
        "guides": [
            shown for country, shown in guide_items if not countries or country in countries
        ],
    }


async def send_digests(frequency: str, on: date) -> int:
    """Queue the digest of the period that ended before `on` for every active subscriber of
    that frequency who has something new; returns how many mails were newly queued (a row
    that already existed from an earlier run is not queued again)."""
    period = previous_period(frequency, on)
    profiles = (
        await Profile.select(
            Profile.id, Profile.kind, Profile.title, Profile.field, Profile.country, Profile.city
        )
        .where(
            (Profile.status == ProfileStatus.published.value)
            & (Profile.published_at >= period.starts)
            & (Profile.published_at < period.ends)
        )
        .order_by(Profile.published_at)
    )
    guide_versions = await guides.newest_versions(period.starts, period.ends)
    if not profiles and not guide_versions:
        return 0
    items = Items(profiles, guide_versions)
    subscribers = (
        await Subscription.select()
        .output(load_json=True)
        .where(
            (Subscription.active == True)
            & (Subscription.frequency == frequency)
            & (Subscription.last_period != period.key)
        )
        .order_by(Subscription.id)
    )
    base = get_settings().base_url
    queued = 0
    for start in range(0, len(subscribers), BATCH):
        batch = subscribers[start : start + BATCH]
        messages = []
        for subscription in batch:
            found = contents(subscription, items)
            if not any(found.values()):
                continue
            lang, token = subscription["language"], subscription["token"]
            messages.append(
                {
                    "key": f"cooperation-digest:{subscription['id']}:{period.key}",
                    "recipient": subscription["email"],
                    "language": lang,
                    "template": "cooperation_digest",
                    "context": {
                        **found,
                        "frequency": frequency,
                        "period_start": period.starts.date().isoformat(),
                        "period_end": (period.ends - timedelta(days=1)).date().isoformat(),
                        "list_unsubscribe": f"{base}/{lang}/cooperation/unsubscribe/{token}",
                        "manage_link": f"/{lang}/account/cooperation/digest",
                    },
                }
            )
        # The rows and the bookmark together: a rerun after a crash finds both or neither
        # (and the outbox keys would stop a second copy even then).
        async with write_transaction():
            queued += await queue_many(messages)
            await Subscription.update({Subscription.last_period: period.key}).where(
                Subscription.id.is_in([s["id"] for s in batch])
            )
    return queued
