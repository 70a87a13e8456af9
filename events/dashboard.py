"""The event core's panels on a person's desk (core.dashboard): for organizers, registrations
awaiting approval and waiting-list offers about to expire; for coordinators, their
organization's registrations and open offers. Counted per event in one query each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from core.access import Viewer
from core.content import plain_text
from core.db import counts_by
from core.hooks import Panel, PanelItem
from core.i18n import current_language, gettext
from core.tables import Role
from events.tables import Event, OfferStatus, Registration, RegistrationStatus, WaitlistOffer

OFFER_WARNING = timedelta(hours=24)  # an offer this close to expiring needs a nudge
LIVE = (
    RegistrationStatus.pending.value,
    RegistrationStatus.confirmed.value,
    RegistrationStatus.waitlisted.value,
    RegistrationStatus.offered.value,
)


def _now() -> datetime:
    return datetime.now(UTC)


async def event_lines(
    counts: dict[int, int], url: Callable[[str, str], str], *, urgent: bool = True
) -> list[PanelItem]:
    """One line per event, soonest first, from counts per event id; `url(lang, slug)`."""
    events = (
        await Event.select(Event.id, Event.slug, Event.title)
        .where(Event.id.is_in(list(counts) or [0]))
        .order_by(Event.starts_at)
    )
    lang = current_language()
    return [
        PanelItem(plain_text(event["title"]), counts[event["id"]], url(lang, event["slug"]), urgent)
        for event in events
    ]


def _board(status: str) -> Callable[[str, str], str]:
    return lambda lang, slug: f"/{lang}/manage/events/{slug}/registrations/?status={status}"


async def pending_by_event() -> dict[int, int]:
    return await counts_by(
        Registration.event, Registration.status == RegistrationStatus.pending.value
    )


async def expiring_offers_by_event(now: datetime) -> dict[int, int]:
    return await counts_by(
        WaitlistOffer.registration.event,
        (WaitlistOffer.status == OfferStatus.open.value)
        & (WaitlistOffer.expires_at > now)
        & (WaitlistOffer.expires_at <= now + OFFER_WARNING),
    )


async def organizer_panels(now: datetime) -> list[Panel]:
    lang = current_language()
    pending = await event_lines(await pending_by_event(), _board("pending"))
    offers = await event_lines(await expiring_offers_by_event(now), _board("offered"))
    return [
        Panel(
            title=gettext("Registrations awaiting approval"),
            items=tuple(pending),
            order=10,
            link=f"/{lang}/manage/events/",
            link_label=gettext("All events"),
        ),
        Panel(
            title=gettext("Waiting-list offers expiring within a day"),
            items=tuple(offers),
            order=11,
        ),
    ]


async def coordinator_panels(viewer: Viewer, now: datetime) -> list[Panel]:
    lang = current_language()
    organizations = sorted(viewer.organization_ids) or [0]
    theirs = Registration.organization.is_in(organizations)
    live = await Registration.count().where(theirs & Registration.status.is_in(list(LIVE)))
    offers = await WaitlistOffer.count().where(
        WaitlistOffer.registration.organization.is_in(organizations)
        & (WaitlistOffer.status == OfferStatus.open.value)
        & (WaitlistOffer.expires_at > now)
    )
    pending = await Registration.count().where(
        theirs & (Registration.status == RegistrationStatus.pending.value)
    )
    listing = f"/{lang}/account/registrations/"
    return [
        Panel(
            title=gettext("Your organization's registrations"),
            items=(
                PanelItem(gettext("Registrations"), live, listing),
                PanelItem(
                    gettext("Awaiting the organizers' approval"),
                    pending,
                    f"{listing}?status=pending",
                ),
                PanelItem(
                    gettext("Seats offered from the waiting list"),
                    offers,
                    f"{listing}?status=offered",
                    urgent=True,
                ),
            ),
            order=20,
            link=listing,
            link_label=gettext("All registrations"),
        )
    ]


async def panels(viewer: Viewer) -> list[Panel]:
    if viewer.is_admin:
        return await organizer_panels(_now())
    if viewer.has_role(Role.coordinator):
        return await coordinator_panels(viewer, _now())
    return []
