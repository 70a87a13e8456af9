"""Seats are never over-allocated, whatever the concurrency, and the waiting list moves in order."""

import asyncio

import pytest

from core.errors import ValidationFailed
from events.services import registrations
from events.services.registrations import Person
from events.tables import Event, EventQuota, Registration, RegistrationStatus
from tests.events.factories import make_event, make_quota
from tests.support.factories import make_organization


async def _statuses(event_id: int) -> dict[str, int]:
    rows = await Registration.select(Registration.status).where(Registration.event == event_id)
    counted: dict[str, int] = {}
    for row in rows:
        counted[row["status"]] = counted.get(row["status"], 0) + 1
    return counted


async def test_200_concurrent_registrations_for_50_seats_confirm_exactly_50(run_jobs) -> None:
    event = await make_event(capacity=50)

    async def one(number: int) -> None:
        await registrations.register(
            event["id"], [Person(name=f"Guest {number}", email=f"g{number}@example.org")]
        )

    results = await asyncio.gather(*(one(n) for n in range(200)), return_exceptions=True)
    assert [r for r in results if isinstance(r, BaseException)] == []
    assert await _statuses(event["id"]) == {"confirmed": 50, "waitlisted": 150}
    fresh = await Event.select(Event.general_taken).where(Event.id == event["id"]).first()
    assert fresh["general_taken"] == 50


async def test_quota_seats_go_to_their_organization_first_and_cap_the_total() -> None:
    almaty = await make_organization("almaty")
    event = await make_event(capacity=4)
    await make_quota(event["id"], almaty["id"], 2)
    outsiders = [Person(name=f"Guest {n}", email=f"x{n}@example.org") for n in range(3)]
    await registrations.register(event["id"], outsiders)
    members = [Person(name=f"Member {n}", email=f"a{n}@example.org") for n in range(3)]
    await registrations.register(event["id"], members, organization_id=almaty["id"])
    rows = await Registration.select(Registration.email, Registration.status).where(
        Registration.event == event["id"]
    )
    status = {row["email"]: row["status"] for row in rows}
    assert [status[f"x{n}@example.org"] for n in range(3)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    assert [status[f"a{n}@example.org"] for n in range(3)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
    ]
    quota = await EventQuota.select(EventQuota.taken).first()
    assert quota["taken"] == 2


async def test_a_cancellation_offers_the_seat_to_the_first_on_the_waiting_list() -> None:
    event = await make_event(capacity=1)
    first, second, _third = [
        (await registrations.register(event["id"], [Person(name=n, email=f"{n}@example.org")]))[0]
        for n in ("first", "second", "third")
    ]
    await registrations.cancel(first)
    assert await _statuses(event["id"]) == {"cancelled": 1, "offered": 1, "waitlisted": 1}
    offered = (
        await Registration.select(Registration.id).where(Registration.status == "offered").first()
    )
    assert offered["id"] == second
    await registrations.accept_offer(second)
    row = await Registration.select(Registration.status).where(Registration.id == second).first()
    assert row["status"] == RegistrationStatus.confirmed


async def test_an_unanswered_offer_expires_and_passes_to_the_next_person() -> None:
    from datetime import UTC, datetime, timedelta

    event = await make_event(capacity=1, offer_hours=1)
    ids = [
        (await registrations.register(event["id"], [Person(name=n, email=f"{n}@example.org")]))[0]
        for n in ("first", "second", "third")
    ]
    await registrations.cancel(ids[0])
    assert await registrations.expire_offers(datetime.now(UTC) + timedelta(hours=2)) == 1
    rows = await Registration.select(Registration.id, Registration.status).where(
        Registration.event == event["id"]
    )
    assert {row["id"]: row["status"] for row in rows} == {
        ids[0]: "cancelled",
        ids[1]: "cancelled",
        ids[2]: "offered",
    }
    with pytest.raises(ValidationFailed):
        await registrations.accept_offer(ids[1])


async def test_the_same_person_cannot_register_twice_and_a_bad_batch_saves_nothing() -> None:
    event = await make_event()
    await registrations.register(event["id"], [Person(name="Aigul", email="aigul@example.org")])
    with pytest.raises(ValidationFailed):
        await registrations.register(event["id"], [Person(name="Aigul", email="AIGUL@example.org")])
    with pytest.raises(ValidationFailed):
        await registrations.register(
            event["id"],
            [Person(name="Ok", email="ok@example.org"), Person(name="", email="not-an-email")],
        )
    assert await Registration.count().where(Registration.event == event["id"]) == 1


async def test_registration_outside_the_window_is_refused() -> None:
    event = await make_event(status="published")
    with pytest.raises(ValidationFailed):
        await registrations.register(event["id"], [Person(name="Late", email="late@example.org")])
