"""Accepted projects become pitch slots in the agenda (with the agenda's room check), the
public page and the API list them with public fields only, and outcomes add up in CNY."""

from __future__ import annotations

from core.content import Translated
from events.roadshows.tables import Pitch
from events.tables import AgendaSession
from tests.events.roadshows.factories import make_review, make_roadshow, make_submission
from tests.support.factories import make_organization, make_user, post_form, sign_in


async def _accepted_world():
    event, call = await make_roadshow()
    organization = await make_organization(
        "kaznu", name=Translated.of("en", en="Al-Farabi University").dump(), country="KZ"
    )
    rows = []
    for number, score in ((1, 9), (2, 6)):
        rows.append(
            await make_submission(
                call,
                organization["id"],
                decision="accepted",
                title=Translated.of("ru", ru=f"Проект {number}").dump(),
                team=[{"name": f"Presenter {number}", "role": ""}],
                ip_numbers="KZ 999",
                deck_file="secret.pdf",
            )
        )
        await make_review(rows[-1], (await make_user("reviewer"))["id"], innovation=score)
    await make_submission(call, organization["id"], decision="rejected")
    return event, call, rows


async def test_accepted_projects_are_laid_out_in_the_agenda_best_first(client) -> None:
    event, _call, rows = await _accepted_world()
    await sign_in(client, await make_user("admin", language="en"))
    url = f"/en/manage/events/{event['slug']}/roadshow/pitches"

    response = await post_form(
        client,
        url,
        {"starts_at": "2026-09-15T10:00", "room": "Hall A", "minutes": "10", "gap": "5"},
    )

    assert response.status_code == 200
    sessions = await AgendaSession.select().order_by(AgendaSession.starts_at)
    assert [s["kind"] for s in sessions] == ["roadshow_slot", "roadshow_slot"]
    assert sessions[0]["starts_at"].hour == 2  # 10:00 Beijing time is 02:00 UTC
    assert (sessions[1]["starts_at"] - sessions[0]["starts_at"]).seconds == 15 * 60
    pitches = await Pitch.select().order_by(Pitch.position)
    assert [p["submission"] for p in pitches] == [rows[0]["id"], rows[1]["id"]]
    assert pitches[0]["presenter"] == "Presenter 1"


async def test_a_room_booked_for_another_session_is_refused(client) -> None:
    event, _call, _rows = await _accepted_world()
    from datetime import UTC, datetime

    await AgendaSession(
        event=event["id"],
        kind="plenary",
        title=Translated.of("en", en="Opening").dump(),
        description={},
        starts_at=datetime(2026, 9, 15, 2, 10, tzinfo=UTC),
        ends_at=datetime(2026, 9, 15, 3, 0, tzinfo=UTC),
        room="hall a",
    ).save()
    await sign_in(client, await make_user("admin", language="en"))

    response = await post_form(
        client,
        f"/en/manage/events/{event['slug']}/roadshow/pitches",
        {"starts_at": "2026-09-15T10:00", "room": "Hall A", "minutes": "10", "gap": "0"},
    )

    assert response.status_code == 400
    assert "Opening" in response.text
    assert await Pitch.count() == 0


async def test_the_public_page_and_api_list_accepted_pitches_with_public_fields_only(
    client,
) -> None:
    event, call, _rows = await _accepted_world()
    admin = await make_user("admin")
    from core.access import Viewer
    from events.roadshows.services import pitches

    await pitches.schedule(
        Viewer(id=admin["id"], role="admin"),
        event,
        call,
        {"starts_at": "2026-09-15T10:00", "room": "Hall A", "minutes": "10", "gap": "0"},
    )

    for lang in ("zh", "ru", "kk", "en"):
        page = await client.get(f"/{lang}/events/{event['slug']}/roadshow/")
        assert page.status_code == 200
        assert "Проект 1" in page.text and "Al-Farabi University" in page.text
        assert "KZ 999" not in page.text and "secret.pdf" not in page.text
    api = await client.get(f"/api/v1/events/{event['slug']}/pitches")
    assert api.status_code == 200
    body = api.json()
    assert [p["title"]["text"]["ru"] for p in body] == ["Проект 1", "Проект 2"]
    assert "ip_numbers" not in body[0] and "deck_file" not in body[0]
    schema = (await client.get("/api/v1/openapi.json")).json()
    assert any("pitches" in path for path in schema["paths"])


async def test_outcomes_add_up_in_cny_by_country_field_and_kind(client) -> None:
    event, _call, rows = await _accepted_world()
    await sign_in(client, await make_user("admin", language="en"))
    base = f"/en/manage/events/{event['slug']}/roadshow/outcomes"

    await post_form(client, f"{base}/rates", {"rate_KZT": "0.015"})
    for amount, currency, kind in (("1000000", "KZT", "investment"), ("50000", "CNY", "contract")):
        response = await post_form(
            client,
            base,
            {
                "submission": str(rows[0]["id"]),
                "kind": kind,
                "counterparty": "Astana Hub",
                "country": "KZ",
                "signed_on": "2026-09-16",
                "amount": amount,
                "currency": currency,
            },
        )
        assert response.status_code == 200
    refused = await post_form(client, base, {"submission": "0", "kind": "x", "signed_on": ""})

    page = await client.get(base)
    assert "2 signed outcomes, 65,000 CNY in all." in page.text
    assert page.text.count('role="img"') == 3
    assert refused.status_code == 400 and "Name the other party." in refused.text
    export = await client.get(f"{base}/report.csv")
    assert "Astana Hub" in export.content.decode("utf-8-sig")
    public = await client.get(f"/en/events/{event['slug']}/roadshow/")
    assert "1 project signed, 65,000 CNY in all." in public.text
