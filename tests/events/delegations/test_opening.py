"""Opening a delegation: a coordinator may open one only for an upcoming event their
organization takes part in (a registration of its people, or seats reserved for it); the
office may open one for any organization; there is never a second one."""

from __future__ import annotations

import pytest

from core import i18n
from core.errors import ValidationFailed
from events.delegations.services import opening
from events.services import participation, registrations
from events.services.registrations import Person
from tests.events.delegations.factories import city, conference, office, take_part


async def test_a_coordinator_may_open_one_only_where_the_organization_takes_part() -> None:
    event = await conference()
    almaty = await city("almaty")
    organization = almaty["organization"]["id"]
    assert await opening.openable_events(organization) == []
    with i18n.language("en"), pytest.raises(ValidationFailed) as refused:
        await opening.open_delegation(almaty["viewer"], event["slug"], organization)
    assert refused.value.errors == {
        "event": "Your organization does not take part in this event yet."
    }

    await registrations.register(
        event["id"],
        [Person("Aigul Kassymova", "aigul@almaty.example.kz")],
        organization_id=organization,
    )
    assert [row["slug"] for row in await opening.openable_events(organization)] == [event["slug"]]
    delegation_id = await opening.open_delegation(almaty["viewer"], event["slug"], organization)
    # Once opened it is no longer offered, and opening again finds the same delegation.
    assert await opening.openable_events(organization) == []
    again = await opening.open_delegation(almaty["viewer"], event["slug"], organization)
    assert again == delegation_id


async def test_reserved_seats_count_as_taking_part() -> None:
    event = await conference()
    tashkent = await city("tashkent", country="UZ")
    await take_part(event, tashkent)
    found = await opening.openable_events(tashkent["organization"]["id"])
    assert [row["slug"] for row in found] == [event["slug"]]


async def test_the_office_opens_one_for_any_organization() -> None:
    event = await conference()
    bishkek = await city("bishkek", country="KG")
    fao = await office()
    organization = bishkek["organization"]["id"]
    delegation_id = await opening.open_delegation(fao["viewer"], event["slug"], organization)
    assert delegation_id == await opening.open_delegation(
        fao["viewer"], event["slug"], organization
    )


def test_the_event_core_names_its_own_participation_sources() -> None:
    assert {participation.registered, participation.reserved} <= set(participation.sources())
