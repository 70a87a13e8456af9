"""The public events API: lists and one event with agenda and speakers, in the language asked
for with fallbacks marked, JSON errors, and an OpenAPI schema with examples."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import msgspec

from core.content import Translated
from events import schemas
from tests.events.factories import make_event, make_session, make_speaker


async def test_event_list_has_public_events_only_with_paging_totals(client) -> None:
    await make_event(slug="forum")
    await make_event(slug="draft", status="draft")
    response = await client.get("/api/v1/events")
    assert response.status_code == 200
    body = response.json()
    assert [item["slug"] for item in body["items"]] == ["forum"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (1, 20, 1, 1)
    item = body["items"][0]
    assert item["kind"] == "forum"
    assert item["timezone"] == "Asia/Urumqi"
    assert item["url"] == "http://testserver.local/en/events/forum/"
    assert item["calendar_url"] == "http://testserver.local/en/events/forum.ics"
    assert item["registration_open"] is True


async def test_lang_picks_the_language_and_marks_fallbacks(client) -> None:
    await make_event(
        slug="forum",
        title=Translated.of("en", en="Forum", ru="Форум").dump(),
        summary=Translated.of("zh", zh="论坛简介").dump(),
    )
    russian = (await client.get("/api/v1/events?lang=ru")).json()["items"][0]
    assert russian["title"] == {"text": "Форум", "lang": "ru", "fallback": False}
    assert russian["summary"] == {"text": "论坛简介", "lang": "zh", "fallback": True}
    assert russian["url"] == "http://testserver.local/ru/events/forum/"
    english = (await client.get("/api/v1/events")).json()["items"][0]
    assert english["title"] == {"text": "Forum", "lang": "en", "fallback": False}


async def test_an_unknown_language_is_a_json_400(client) -> None:
    response = await client.get("/api/v1/events?lang=fr")
    assert response.status_code == 400
    assert response.json()["status_code"] == 400


async def test_event_list_filters_by_kind_and_upcoming_and_pages(client) -> None:
    now = datetime.now(UTC)
    for number in range(3):
        await make_event(
            slug=f"roadshow-{number}", kind="roadshow", starts_at=now + timedelta(days=number + 1)
        )
    await make_event(
        slug="old-forum",
        status="finished",
        starts_at=now - timedelta(days=30),
        ends_at=now - timedelta(days=29),
    )
    roadshows = (await client.get("/api/v1/events?kind=roadshow&per_page=2")).json()
    assert [item["slug"] for item in roadshows["items"]] == ["roadshow-0", "roadshow-1"]
    assert (roadshows["total"], roadshows["pages"]) == (3, 2)
    second = (await client.get("/api/v1/events?kind=roadshow&per_page=2&page=2")).json()
    assert [item["slug"] for item in second["items"]] == ["roadshow-2"]
    past = (await client.get("/api/v1/events?upcoming=false")).json()
    assert [item["slug"] for item in past["items"]] == ["old-forum"]
    upcoming = (await client.get("/api/v1/events?upcoming=true")).json()
    assert "old-forum" not in [item["slug"] for item in upcoming["items"]]
    assert (await client.get("/api/v1/events?per_page=500")).status_code == 400


async def test_event_detail_has_the_agenda_and_speakers(client) -> None:
    event = await make_event(
        slug="conference", timezone="Asia/Urumqi", map_url="https://maps.example.org/x"
    )
    speaker = await make_speaker(event)
    late = await make_session(
        event,
        title=Translated.of("en", en="Night visit").dump(),
        starts_at=datetime(2027, 9, 9, 23, 30, tzinfo=UTC),
        speakers=[speaker],
    )
    early = await make_session(event, starts_at=datetime(2027, 9, 9, 3, 0, tzinfo=UTC))
    response = await client.get("/api/v1/events/conference?lang=ru")
    assert response.status_code == 200
    body = response.json()
    assert body["map_url"] == "https://maps.example.org/x"
    assert body["description"]["text"] == "About the forum."
    assert body["description"]["fallback"] is True
    assert body["registration"]["state"] == "open"
    assert body["registration"]["url"] == "http://testserver.local/ru/events/conference/register"
    assert [session["id"] for session in body["agenda"]] == [early["id"], late["id"]]
    night = body["agenda"][1]
    assert night["day"] == "2027-09-10"  # 23:30 UTC is the next morning in Urumqi
    assert night["starts_at"].startswith("2027-09-09T23:30:00")
    assert night["speakers"] == [speaker["id"]]
    assert night["calendar_url"].endswith(f"/ru/events/conference/sessions/{late['id']}.ics")
    assert body["agenda"][0]["title"] == {
        "text": "Пленарное заседание",
        "lang": "ru",
        "fallback": False,
    }
    [person] = body["speakers"]
    assert person["name"]["text"] == "Айгерим Султанова"
    assert person["position"] == {"text": "Director", "lang": "en", "fallback": True}


async def test_unknown_or_draft_event_is_a_json_404(client) -> None:
    await make_event(slug="draft", status="draft")
    for slug in ("nothing", "draft"):
        response = await client.get(f"/api/v1/events/{slug}")
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["status_code"] == 404


async def test_openapi_schema_describes_both_paths_with_examples(client) -> None:
    schema = (await client.get("/api/v1/openapi.json")).json()
    listing = schema["paths"]["/api/v1/events"]["get"]
    detail = schema["paths"]["/api/v1/events/{slug}"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"lang", "kind", "upcoming", "page"}
    for operation, status in ((listing, "200"), (detail, "200"), (detail, "404")):
        content = operation["responses"][status]["content"]["application/json"]
        assert content["examples"], (operation["summary"], status)
    text = schema["components"]["schemas"]["TranslatedText"]
    assert set(text["properties"]) == {"text", "lang", "fallback"}
    assert text["properties"]["fallback"]["description"]


def test_the_documented_examples_have_the_real_shape() -> None:
    msgspec.convert(schemas.EXAMPLE_LIST, schemas.EventList)
    msgspec.convert(schemas.EXAMPLE_DETAIL, schemas.EventDetail)
    msgspec.convert(schemas.EXAMPLE_NOT_FOUND, schemas.ApiError)


async def test_api_docs_page_uses_local_assets_only(client) -> None:
    response = await client.get("/api/v1/docs")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert 'src="/static/vendor/swagger-ui/swagger-ui-bundle.js"' in page
    assert 'src="/static/api-docs.js"' in page
    assert "<script>" not in page and "http" not in page.replace("http-equiv", "")
    for asset in (
        "/static/vendor/swagger-ui/swagger-ui-bundle.js",
        "/static/vendor/swagger-ui/swagger-ui.css",
        "/static/api-docs.js",
    ):
        assert (await client.get(asset)).status_code == 200
    assert "/api/v1/openapi.json" in (await client.get("/static/api-docs.js")).text
