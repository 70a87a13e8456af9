"""Factories for delegation tests: a partner city with its coordinator, the office, a complete
member's form, and delegations built through the same services the pages use."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.access import Viewer
from core.auth import load_viewer
from core.content import Translated
from events.delegations.services import members, opening, records, workflow
from events.delegations.tables import Delegation
from events.tables import EventQuota
from tests.events.factories import make_event, make_quota
from tests.support.factories import make_organization, make_user

_passports = itertools.count(1000001)
CONFERENCE_ZONE = "Asia/Urumqi"


async def viewer(user: dict[str, Any]) -> Viewer:
    found = await load_viewer(user["id"])
    assert found is not None
    return found


async def city(slug: str, country: str = "KZ", language: str = "ru") -> dict[str, Any]:
    """A partner city with one coordinator account (as `coordinator`)."""
    names = {
        "almaty": ("阿拉木图市政府", "Акимат города Алматы", "Akimat of Almaty"),
        "tashkent": ("塔什干市政府", "Хокимият города Ташкента", "Tashkent City Khokimiyat"),
        "bishkek": ("比什凯克市政府", "Мэрия города Бишкек", "Bishkek City Hall"),
    }.get(slug, (f"{slug}市", f"Город {slug}", f"City of {slug}"))
    organization = await make_organization(
        slug,
        country=country,
        name=Translated.of("ru", zh=names[0], ru=names[1], en=names[2]).dump(),
    )
    user = await make_user(
        "coordinator",
        email=f"coordinator@{slug}.example.org",
        organization_id=organization["id"],
        language=language,
        name=f"Coordinator of {slug}",
    )
    return {"organization": organization, "user": user, "viewer": await viewer(user)}


async def office(language: str = "zh") -> dict[str, Any]:
    host = await make_organization(
        "urumqi-fao",
        country="CN",
        kind="government",
        name=Translated.of(
            "zh",
            zh="乌鲁木齐市人民政府外事办公室",
            ru="Управление внешних связей города Урумчи",
            en="Urumqi Foreign Affairs Office",
        ).dump(),
    )
    user = await make_user(
        "fao", email="fao@urumqi.example.cn", organization_id=host["id"], language=language,
        name="李娜",
    )  # fmt: skip
    return {"organization": host, "user": user, "viewer": await viewer(user)}


async def conference(**fields: Any) -> dict[str, Any]:
    """A one-day conference in Urumqi a month ahead, 09:00 to 17:00 on its own clock: stays
    counted in local days come out the same at whatever hour the test runs."""
    zone = ZoneInfo(CONFERENCE_ZONE)
    day = (datetime.now(zone) + timedelta(days=30)).date()
    starts = datetime.combine(day, time(9, 0), zone).astimezone(UTC)
    values: dict[str, Any] = {
        "title": Translated.of(
            "zh", zh="跨区域协同创新年会", ru="Ежегодная конференция", en="Annual Conference"
        ).dump(),
        "timezone": CONFERENCE_ZONE,
        "starts_at": starts,
        "ends_at": starts + timedelta(hours=8),
    }
    return await make_event(**{**values, **fields})


def member(event: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """A complete member, as the form posts it (times in the event's zone)."""
    zone = ZoneInfo(event["timezone"])
    arrival = (event["starts_at"] - timedelta(days=1)).astimezone(zone).replace(hour=14, minute=35)
    departure = (event["ends_at"] + timedelta(days=1)).astimezone(zone).replace(hour=9, minute=10)
    values: dict[str, Any] = {
        "name_native": "Айгүл Серікқызы Қасымова",
        "name_latin": "KASSYMOVA AIGUL",
        "name_zh": "艾古丽",
        "gender": "f",
        "date_of_birth": "1985-03-14",
        "nationality": "KZ",
        "passport_number": f"N{next(_passports)}",
        "passport_expires": (event["ends_at"] + timedelta(days=3 * 365)).date().isoformat(),
        "job_title": "Заместитель акима",
        "organization_name": "Акимат города Алматы",
        "email": "",
        "languages": ["kk", "ru"],
        "interpreter_language": "ru",
        "diet": "halal",
        "allergies": "",
        "accessibility": "",
        "arrival_at": arrival.strftime("%Y-%m-%dT%H:%M"),
        "arrival_transport": "flight",
        "arrival_number": "KC853",
        "arrival_place": "Urumqi Tianshan International Airport (URC)",
        "departure_at": departure.strftime("%Y-%m-%dT%H:%M"),
        "departure_transport": "flight",
        "departure_number": "KC854",
        "departure_place": "Urumqi Tianshan International Airport (URC)",
        "needs_letter": "yes",
        "is_head": "",
    }
    values.update(overrides)
    return values


async def delegation_with(
    event: dict[str, Any],
    who: dict[str, Any],
    *people: dict[str, Any],
    rank: str = "deputy_head_of_city",
) -> dict[str, Any]:
    """A delegation of `who`'s city with these members, opened and filled by its coordinator
    (the city takes part in the event through seats reserved for it)."""
    await take_part(event, who)
    delegation_id = await opening.open_delegation(
        who["viewer"], event["slug"], who["organization"]["id"]
    )
    delegation = await records.get(delegation_id)
    assert delegation is not None
    for person in people:
        await members.save_member(who["viewer"], delegation, person)
    if rank:
        await workflow.set_rank(who["viewer"], delegation, rank)
    found = await records.get(delegation_id)
    assert found is not None
    return found


async def take_part(event: dict[str, Any], who: dict[str, Any]) -> None:
    key = f"{event['id']}:{who['organization']['id']}"
    if not await EventQuota.exists().where(EventQuota.event_organization == key):
        await make_quota(event["id"], who["organization"]["id"], 5)


async def submitted(
    event: dict[str, Any], who: dict[str, Any], *people: dict[str, Any]
) -> dict[str, Any]:
    delegation = await delegation_with(event, who, *people)
    await workflow.submit(who["viewer"], delegation)
    return await fresh(delegation)


async def fresh(delegation: dict[str, Any]) -> dict[str, Any]:
    found = await records.get(delegation["id"])
    assert found is not None
    return found


async def status_of(delegation: dict[str, Any]) -> str:
    row = await Delegation.select(Delegation.status).where(Delegation.id == delegation["id"])
    return row[0]["status"]
