"""Partner events from iCalendar feeds beside our own events: on the events list, marked as
partner events and linking to the partner's page, and as a calendar subscription of their own."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import httpx
import icalendar

from core.content import Translated
from tests.core.feeds.factories import make_item, make_source
from tests.support.factories import make_organization

# Far enough ahead to be upcoming whenever the suite runs, near enough to be in the calendar.
SOON = (datetime.now(UTC) + timedelta(days=20)).replace(hour=4, minute=0, second=0, microsecond=0)


async def almaty_calendar() -> dict:
    almaty = await make_organization(
        "almaty-office", name=Translated.of("ru", ru="Офис Алматы", en="Almaty Office").dump()
    )
    return await make_source(almaty["id"], "https://almaty.example.kz/events.ics", kind="ical")


async def test_the_events_list_shows_partner_events_marked_and_linking_to_the_source(
    client: httpx.AsyncClient,
) -> None:
    feed = await almaty_calendar()
    await make_item(
        feed,
        kind="event",
        title="Almaty Innovation Expo",
        link="https://almaty.example.kz/expo",
        starts_at=SOON,  # 09:00 in Almaty (UTC+5)
        ends_at=SOON + timedelta(hours=7),
        sort_at=SOON,
        timezone="Asia/Almaty",
        location="Atakent Expo Centre",
    )
    await make_item(
        feed,
        kind="event",
        title="Last year's seminar",
        starts_at=datetime.now(UTC) - timedelta(days=30),
        ends_at=datetime.now(UTC) - timedelta(days=30) + timedelta(hours=2),
        timezone="Asia/Almaty",
    )

    upcoming = (await client.get("/en/events/")).text

    section = upcoming.split('id="partner-events-heading"', 1)[1]
    assert "Upcoming events from partners" in upcoming and "Partner event" in section
    assert '<a href="https://almaty.example.kz/expo" rel="noopener noreferrer nofollow">' in section
    assert "Almaty Innovation Expo" in section and "Almaty Office" in section
    assert "9:00" in section and "Atakent Expo Centre" in section
    assert "Last year" not in section
    assert "/en/partner-events.ics" in upcoming
    past = (await client.get("/en/events/", params={"when": "past"})).text
    assert "Last year" in past and "Almaty Innovation Expo" not in past


async def test_partner_events_are_a_calendar_subscription_of_their_own(
    client: httpx.AsyncClient,
) -> None:
    feed = await almaty_calendar()
    await make_item(
        feed,
        kind="event",
        title="Almaty Innovation Expo",
        link="https://almaty.example.kz/expo",
        starts_at=SOON,
        ends_at=SOON + timedelta(hours=7),
        timezone="Asia/Almaty",
        language="ru",
    )
    open_day = SOON.replace(hour=19) + timedelta(days=2)  # a day that starts at 00:00 in Almaty
    await make_item(
        feed,
        kind="event",
        title="Open day",
        starts_at=open_day,
        ends_at=open_day + timedelta(days=1),
        timezone="Asia/Almaty",
        all_day=True,
    )

    response = await client.get("/ru/partner-events.ics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.text)
    events = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"Almaty Innovation Expo", "Open day"}
    expo = events["Almaty Innovation Expo"]
    assert expo["DTSTART"].dt == SOON and str(expo["URL"]) == "https://almaty.example.kz/expo"
    assert "Офис Алматы" in str(expo["DESCRIPTION"])
    assert expo["SUMMARY"].params["LANGUAGE"] == "ru"
    day = (open_day + timedelta(hours=5)).date()
    assert events["Open day"]["DTSTART"].dt == day and isinstance(day, date)
    ours = (await client.get("/ru/events.ics")).text
    assert "Almaty Innovation Expo" not in ours  # our own calendar stays our own
