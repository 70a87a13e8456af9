"""Search in four languages: Chinese by two characters, Russian and Kazakh word forms, a
Cyrillic name typed in Latin letters; nothing unpublished or private for those who may not
see it; results grouped by kind with escaped, marked snippets; kept in step with changes."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from core.access import ANONYMOUS
from core.auth import load_viewer
from core.content import Translated
from core.search import queries
from core.search.index import reindex_all
from events.services import lifecycle
from events.tables import AgendaSession, Speaker
from tests.core.feeds.factories import make_item, make_source
from tests.events.factories import make_event
from tests.projects.factories import add_to_team, make_project
from tests.support.factories import make_organization, make_user, sign_in

SESSION_AT = datetime(2027, 6, 10, 3, 0, tzinfo=UTC)


def _found(results: queries.Results, kind: str) -> list[str]:
    return [hit.title for group in results.groups if group.kind == kind for hit in group.hits]


async def _conference_with_agenda(status: str = "published") -> dict:
    event = await make_event(
        slug="expo-2027",
        status=status,
        title=Translated.of(
            "zh", zh="中国—中亚科技合作大会", en="China–Central Asia S&T Expo"
        ).dump(),
    )
    await AgendaSession(
        event=event["id"],
        title=Translated.of("zh", zh="丝路科技合作圆桌会议", en="Silk Road round table").dump(),
        description=Translated.of("zh", zh="各方代表讨论联合实验室的未来。").dump(),
        starts_at=SESSION_AT,
        ends_at=SESSION_AT.replace(hour=4),
    ).save()
    await Speaker(
        event=event["id"],
        name=Translated.of("ru", ru="Фарход Рахимов").dump(),
        position=Translated.of("ru", ru="директор лаборатории").dump(),
        affiliation=Translated.of("ru", ru="Академия наук Таджикистана").dump(),
        bio=Translated.of("ru", ru="").dump(),
    ).save()
    return event


async def test_a_chinese_session_is_found_by_two_characters_of_its_title() -> None:
    await _conference_with_agenda()
    await reindex_all()

    results = await queries.search(ANONYMOUS, "圆桌", lang="zh")

    assert _found(results, "session") == ["丝路科技合作圆桌会议"]


async def test_a_russian_project_is_found_by_an_inflected_word() -> None:
    await make_project(
        name=Translated.of(
            "ru", ru="Совместная лаборатория экологии пустынь", en="Joint desert ecology lab"
        ).dump()
    )
    await make_project(name=Translated.of("ru", ru="Центр трансфера технологий").dump())
    await reindex_all()

    results = await queries.search(ANONYMOUS, "лабораторией", lang="ru")

    assert _found(results, "project") == ["Совместная лаборатория экологии пустынь"]


async def test_a_kazakh_news_item_is_found_by_another_form_of_its_words() -> None:
    almaty = await make_organization("almaty")
    source = await make_source(almaty["id"], "https://almaty.example.kz/rss", language="kk")
    await make_item(source, title="Алматыда жаңа зертхана ашылды", excerpt="Ғалымдар жиналды.")
    await make_item(source, title="Қала күні мерекесі", excerpt="Мереке өтті.")
    await reindex_all()

    results = await queries.search(ANONYMOUS, "зертханалары", lang="kk")

    assert _found(results, "news") == ["Алматыда жаңа зертхана ашылды"]


async def test_a_speaker_is_found_by_the_latin_spelling_of_a_cyrillic_name() -> None:
    await _conference_with_agenda()
    await reindex_all()

    for spelling in ("Rakhimov", "farhod rahimov", "Рахимова"):
        results = await queries.search(ANONYMOUS, spelling, lang="en")
        assert _found(results, "speaker") == ["Фарход Рахимов"], spelling


async def test_nothing_unpublished_or_private_is_found_by_those_who_may_not_see_it() -> None:
    await _conference_with_agenda(status="draft")
    secret = await make_project(
        is_public=False, name=Translated.of("en", en="Confidential desert lab").dump()
    )
    teammate = await make_user("member")
    outsider = await make_user("member")
    admin = await make_user("admin")
    await add_to_team(secret, teammate)
    await reindex_all()

    for viewer in (ANONYMOUS, await load_viewer(outsider["id"])):
        assert (await queries.search(viewer, "圆桌", lang="zh")).groups == []
        assert (await queries.search(viewer, "desert lab", lang="en")).groups == []
    teammate_sees = await queries.search(await load_viewer(teammate["id"]), "desert", lang="en")
    assert _found(teammate_sees, "project") == ["Confidential desert lab"]
    organizer_sees = await queries.search(await load_viewer(admin["id"]), "圆桌", lang="zh")
    assert _found(organizer_sees, "session") == ["丝路科技合作圆桌会议"]


async def test_publishing_an_event_makes_it_findable_at_once() -> None:
    event = await _conference_with_agenda(status="draft")
    admin = await load_viewer((await make_user("admin"))["id"])
    await reindex_all()
    assert (await queries.search(ANONYMOUS, "圆桌", lang="zh")).groups == []

    await lifecycle.change_status(admin, event, "published")

    assert _found(await queries.search(ANONYMOUS, "圆桌", lang="zh"), "session") == [
        "丝路科技合作圆桌会议"
    ]


async def test_the_search_page_groups_results_by_kind_and_escapes_what_it_marks(
    client: httpx.AsyncClient,
) -> None:
    await _conference_with_agenda()
    await make_project(
        name=Translated.of("en", en="Round <script>alert(1)</script> table lab").dump()
    )
    await reindex_all()

    page = await client.get("/en/search/", params={"q": "round table"})

    assert page.status_code == 200
    assert '<h2 id="group-session">Sessions' in page.text
    assert '<h2 id="group-project">Projects' in page.text
    assert "<mark>round</mark> <mark>table</mark>" in page.text.lower()
    assert "<script>alert(1)" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text


async def test_the_search_api_answers_in_groups_and_shows_signed_in_people_their_own(
    client: httpx.AsyncClient,
) -> None:
    secret = await make_project(
        is_public=False, name=Translated.of("ru", ru="Закрытая лаборатория").dump()
    )
    teammate = await make_user("member")
    await add_to_team(secret, teammate)
    await reindex_all()

    anonymous = (await client.get("/api/v1/search", params={"q": "лаборатории"})).json()
    assert anonymous["total"] == 0
    await sign_in(client, teammate)
    answer = (await client.get("/api/v1/search", params={"q": "лаборатории", "lang": "ru"})).json()

    assert answer["total"] == 1
    group = answer["groups"][0]
    assert (group["kind"], group["label"]) == ("project", "Проекты")
    assert group["hits"][0]["title"] == "Закрытая лаборатория"
    assert group["hits"][0]["url"] == f"/ru/account/projects/{secret['slug']}/"
    assert group["hits"][0]["title_html"] == "Закрытая <mark>лаборатор</mark>ия"
