"""The home page shows what is happening: the next annual conference with its dates in its
own zone, upcoming forums and roadshows, the latest partner news and the joint laboratories
with their latest accepted highlight — each in a query or two, and only public things."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from piccolo.engine.finder import engine_finder

from core.content import Translated
from projects.tables import ReportVersion
from tests.core.feeds.factories import make_item, make_source
from tests.events.factories import make_event
from tests.projects.factories import make_project, make_report
from tests.support.factories import make_organization

SOON = datetime.now(UTC) + timedelta(days=60)


async def _lab_with_a_highlight() -> None:
    lab = await make_project(slug="seed-lab", name=Translated.of("en", en="Seed bank lab").dump())
    report = await make_report(lab, "2026-Q1", status="accepted", current_version=1)
    await ReportVersion(
        report=report["id"],
        number=1,
        narrative=Translated.of("en", en="Report.").dump(),
        highlight=Translated.of("en", en="512 seeds banked.").dump(),
        indicators={},
        submitted=True,
        report_number=f"{report['id']}:1",
    ).save()
    await make_project(
        slug="quiet-lab", is_public=False, name=Translated.of("en", en="Quiet lab").dump()
    )


async def test_the_home_page_shows_the_conference_events_news_and_labs(
    client: httpx.AsyncClient,
) -> None:
    await make_event(
        slug="conference-2027",
        kind="conference",
        title=Translated.of("en", en="Cross-regional innovation conference").dump(),
        timezone="Asia/Shanghai",
        starts_at=SOON.replace(hour=1, minute=0),  # 09:00 in Beijing
        ends_at=SOON.replace(hour=1, minute=0) + timedelta(days=1, hours=8),
    )
    await make_event(slug="water-forum", title=Translated.of("en", en="Water forum").dump())
    await make_event(
        slug="draft-roadshow",
        kind="roadshow",
        status="draft",
        title=Translated.of("en", en="Secret roadshow").dump(),
    )
    almaty = await make_organization("almaty")
    source = await make_source(almaty["id"], "https://almaty.example.kz/rss", language="kk")
    await make_item(source, title="Алматыда жаңа зертхана ашылды")
    await _lab_with_a_highlight()

    page = await client.get("/en/")

    assert page.status_code == 200
    text = page.text
    assert "Cross-regional innovation conference" in text
    assert 'href="/en/events/conference-2027/register"' in text
    assert 'href="/en/events/conference-2027.ics"' in text
    assert "(Shanghai, UTC+08:00)" in text  # the event's own zone, named
    assert "Water forum" in text and "Secret roadshow" not in text
    assert "Алматыда жаңа зертхана ашылды" in text
    assert "Seed bank lab" in text and "512 seeds banked." in text
    assert "Quiet lab" not in text


async def test_an_empty_site_shows_the_home_page_without_empty_sections(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/ru/")

    assert page.status_code == 200
    assert 'id="home-conference"' not in page.text
    assert 'id="home-news"' not in page.text


async def test_the_home_page_costs_a_handful_of_queries_however_much_there_is(
    client: httpx.AsyncClient, capsys: pytest.CaptureFixture[str]
) -> None:
    await _lab_with_a_highlight()
    for _number in range(5):
        await make_project()
        await make_event(kind="roadshow")
    engine = engine_finder()
    capsys.readouterr()
    engine.log_queries = True  # Piccolo prints each query it runs
    try:
        assert (await client.get("/en/")).status_code == 200
    finally:
        engine.log_queries = False
    printed = capsys.readouterr().out
    queries = len(re.findall(r"Query \d+:", printed))
    assert 0 < queries <= 8, printed
