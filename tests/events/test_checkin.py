"""Check-in at the door: a code admits its holder once, a second scan says when it was used,
unknown or foreign codes admit nobody, and the arrival counts follow."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from core.content import Translated
from core.tables import AuditEntry
from events.services import registrations
from events.services.registrations import Person
from events.tables import Registration
from tests.events.factories import make_event
from tests.support.factories import make_organization, make_user, post_form, sign_in


def _page(event: dict[str, Any], lang: str = "en") -> str:
    return f"/{lang}/manage/events/{event['slug']}/checkin"


def _stats(event: dict[str, Any]) -> str:
    return f"/api/v1/events/{event['slug']}/checkin/stats"


async def _registered(event: dict[str, Any], name: str, **fields: Any) -> dict[str, Any]:
    email = f"{name.split()[0].lower()}@example.org"
    [registration_id] = await registrations.register(
        event["id"],
        [Person(name=name, email=email)],
        organization_id=fields.get("organization_id"),
    )
    row = await Registration.select().where(Registration.id == registration_id).first()
    assert row is not None
    return row


def _panel(page: str) -> str:
    return page.split('id="checkin-result"', 1)[1].split("</div>\n  </div>", 1)[0]


async def _door_staff(client, role: str = "fao") -> dict[str, Any]:
    user = await make_user(role, email=f"{role}@example.org")
    await sign_in(client, user)
    return user


async def test_a_code_checks_in_once_then_says_when_it_was_used(client) -> None:
    await _door_staff(client)
    almaty = await make_organization("almaty")
    event = await make_event(timezone="Asia/Almaty")
    guest = await _registered(event, "Aigerim Nurlanova", organization_id=almaty["id"])

    first = await post_form(client, _page(event), {"code": guest["code"]})
    assert first.status_code == 200
    assert first.headers["content-type"].startswith("text/html")
    panel = _panel(first.text)
    assert "outcome-checked_in" in panel and "Checked in now" in panel
    assert "Aigerim Nurlanova" in panel and "Organization" in panel
    row = await Registration.select().where(Registration.id == guest["id"]).first()
    assert row["checked_in_at"] is not None

    # Pretend the first scan was at 09:05 Almaty time, to read it back on the second scan.
    await Registration.update(
        {Registration.checked_in_at: datetime(2026, 9, 14, 4, 5, tzinfo=UTC)}
    ).where(Registration.id == guest["id"])
    second = await post_form(client, _page(event), {"code": f"  {guest['code']} "})
    panel = _panel(second.text)
    assert "outcome-already" in panel
    assert "Already checked in at" in panel and "9:05" in panel and "UTC+05:00" in panel
    assert await AuditEntry.count().where(AuditEntry.action == "registration.check_in") == 1


async def test_unknown_and_other_events_codes_admit_nobody(client) -> None:
    await _door_staff(client)
    event, other = await make_event(), await make_event()
    stranger = await _registered(other, "Bakyt Osmonov")
    for code in ("not-a-code", stranger["code"], "x" * 500):
        response = await post_form(client, _page(event), {"code": code})
        panel = _panel(response.text)
        assert "outcome-unknown" in panel and "Unknown code" in panel
        assert "Bakyt" not in panel
    row = await Registration.select().where(Registration.id == stranger["id"]).first()
    assert row["checked_in_at"] is None


async def test_people_who_are_not_confirmed_are_not_admitted(client) -> None:
    await _door_staff(client)
    event = await make_event(capacity=1)
    await _registered(event, "Holder Person")
    waiting = await _registered(event, "Waiting Person")
    response = await post_form(client, _page(event), {"code": waiting["code"]})
    panel = _panel(response.text)
    assert "outcome-not_confirmed" in panel
    assert "Not confirmed (On the waiting list): do not admit" in panel
    row = await Registration.select().where(Registration.id == waiting["id"]).first()
    assert row["checked_in_at"] is None


async def test_an_empty_code_is_refused_with_a_message(client) -> None:
    await _door_staff(client, "admin")
    event = await make_event()
    response = await post_form(client, _page(event), {"code": "   "})
    assert response.status_code == 400
    assert "Scan or type a check-in code." in response.text


async def test_the_scanner_gets_the_result_panel_and_fresh_counts_as_json(client) -> None:
    await _door_staff(client)
    event = await make_event()
    guest = await _registered(event, "Chen Wei")
    await _registered(event, "Dana Sultan")
    response = await post_form(client, _page(event) + "/scan", {"code": guest["code"]})
    assert response.status_code == 200
    data = response.json()
    assert data["outcome"] == "checked_in"
    assert "Chen Wei" in data["html"] and "Checked in now" in data["html"]
    assert (data["checked_in"], data["confirmed"]) == (1, 2)

    again = (await post_form(client, _page(event) + "/scan", {"code": guest["code"]})).json()
    assert again["outcome"] == "already" and again["checked_in"] == 1


async def test_the_scanner_answers_in_the_page_language(client) -> None:
    await _door_staff(client)
    event = await make_event(
        title=Translated.of("zh", zh="跨区域协同创新年会", ru="Конференция").dump()
    )
    guest = await _registered(event, "Dilnoza Karimova")
    page = await client.get(_page(event, "zh"))
    assert '<html lang="zh">' in page.text and "跨区域协同创新年会" in page.text
    response = await post_form(client, _page(event, "ru") + "/scan", {"code": guest["code"]})
    assert response.json()["outcome"] == "checked_in"


async def test_arrival_counts_are_served_as_json_to_door_staff(client) -> None:
    await _door_staff(client)
    event = await make_event()
    first = await _registered(event, "First Guest")
    await _registered(event, "Second Guest")
    await _registered(event, "Third Guest")
    await post_form(client, _page(event), {"code": first["code"]})
    response = await client.get(_stats(event))
    assert response.status_code == 200
    assert response.json() == {"event": event["slug"], "checked_in": 1, "confirmed": 3}
    assert "no-store" in response.headers["cache-control"]
    page = (await client.get(_page(event))).text
    assert 'data-stat="checked_in">1<' in page and 'data-stat="confirmed">3<' in page
    assert (await client.get("/api/v1/events/nope/checkin/stats")).status_code == 404


async def test_the_check_in_page_loads_its_scripts_from_this_site_only(client) -> None:
    await _door_staff(client)
    event = await make_event()
    page = (await client.get(_page(event))).text
    assert '<script src="/static/vendor/jsqr/jsQR.js" defer></script>' in page
    assert '<script src="/static/checkin.js" defer></script>' in page
    assert "<script>" not in page
    for asset in ("/static/vendor/jsqr/jsQR.js", "/static/checkin.js"):
        assert (await client.get(asset)).status_code == 200


@pytest.mark.parametrize("role", ["coordinator", "member", "reviewer"])
async def test_only_organizers_and_the_foreign_affairs_office_may_check_people_in(
    client, role: str
) -> None:
    organization = await make_organization()
    event = await make_event()
    guest = await _registered(event, "Erlan Bekov")
    await sign_in(client, await make_user(role, organization_id=organization["id"]))
    assert (await client.get(_page(event))).status_code == 403
    assert (await post_form(client, _page(event), {"code": guest["code"]})).status_code == 403
    assert (
        await post_form(client, _page(event) + "/scan", {"code": guest["code"]})
    ).status_code == 403
    stats = await client.get(_stats(event))
    assert stats.status_code == 403 and stats.headers["content-type"].startswith("application/json")
    row = await Registration.select().where(Registration.id == guest["id"]).first()
    assert row["checked_in_at"] is None


async def test_anonymous_callers_of_the_counts_get_401_json(client) -> None:
    event = await make_event()
    response = await client.get(_stats(event))
    assert response.status_code == 401
    assert response.json()["status_code"] == 401
