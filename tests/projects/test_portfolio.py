"""The bureau's portfolio at /<lang>/manage/projects/: each project's status, next due report,
overdue milestones and latest accepted indicators; filters, sorting and paging; charts that
count accepted reports only; the XLSX export; and nobody but organizers gets in."""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook

from core.content import Translated
from projects.services import portfolio
from projects.tables import ProgressReport
from tests.projects.factories import (
    audit,
    make_milestone,
    make_project,
    make_report,
    received_report,
)
from tests.support.factories import make_user, sign_in

PORTFOLIO = "/en/manage/projects/"
EXPORT = "/en/manage/projects/export.xlsx"


async def signed_in_admin(client) -> dict[str, Any]:
    admin = await make_user("admin", email="bureau@example.org")
    await sign_in(client, admin)
    return admin


async def test_each_project_shows_its_next_report_overdue_milestones_and_latest_figures(
    client,
) -> None:
    lab = await make_project(
        slug="pamir-lab",
        name=Translated.of("en", en="Pamir seed lab").dump(),
        starts_on=date.today() - timedelta(days=400),
    )
    await make_milestone(lab, due_on=date.today() - timedelta(days=10))
    await make_milestone(lab, due_on=date.today() - timedelta(days=3))
    await make_milestone(lab, due_on=date.today() + timedelta(days=30))
    await received_report(lab, "2025-Q3", {"papers": 1, "samples_exchanged": 40})
    await received_report(lab, "2025-Q4", {"papers": 3, "people_trained": 12})
    await received_report(lab, "2026-Q1", {"papers": 99}, status="submitted")  # not accepted
    await signed_in_admin(client)

    page = await client.get(PORTFOLIO)
    assert page.status_code == 200
    row = page.text.split('href="/en/manage/projects/pamir-lab/"', 1)[1].split("</tr>", 1)[0]
    assert "Pamir seed lab" in row
    assert '<span class="badge failed">2</span>' in row  # two milestones overdue
    assert "Quarter 4 of 2025" in row  # the latest accepted report's period
    assert "Papers published: 3" in row and "People trained: 12" in row
    assert "Papers published: 99" not in row  # a submitted report is not the bureau's figure yet
    # The earliest period not yet sent is due next, and late: the project began 400 days ago.
    assert "Late" in row


async def test_filters_by_country_field_and_kind_narrow_the_list_and_the_charts(client) -> None:
    kz = await make_project(
        slug="kz-base", countries=["CN", "KZ"], field="animal_husbandry", kind="research_base"
    )
    tj = await make_project(slug="tj-lab", countries=["CN", "TJ"])
    await received_report(kz, "2025-Q4", {"papers": 5})
    await received_report(tj, "2025-Q4", {"papers": 7})
    await signed_in_admin(client)

    everything = await client.get(PORTFOLIO, params={"indicator": "papers"})
    assert "kz-base" in everything.text and "tj-lab" in everything.text
    assert "12 in all" in everything.text

    for params in ({"country": "KZ"}, {"field": "animal_husbandry"}, {"kind": "research_base"}):
        narrowed = await client.get(PORTFOLIO, params={**params, "indicator": "papers"})
        assert narrowed.status_code == 200
        assert "kz-base" in narrowed.text and "tj-lab" not in narrowed.text, params
        assert "5 in all" in narrowed.text and "12 in all" not in narrowed.text
        assert "1 project matches these filters." in narrowed.text

    nothing = await client.get(PORTFOLIO, params={"country": "UZ"})
    assert "No projects match these filters." in nothing.text


async def test_sorting_by_overdue_milestones_puts_the_furthest_behind_first(client) -> None:
    calm = await make_project(slug="calm-lab")
    behind = await make_project(slug="behind-lab")
    for _ in range(3):
        await make_milestone(behind, due_on=date.today() - timedelta(days=5))
    await make_milestone(calm, due_on=date.today() - timedelta(days=5))
    await signed_in_admin(client)

    page = await client.get(PORTFOLIO, params={"sort": "-overdue"})
    assert page.text.index("behind-lab") < page.text.index("calm-lab")
    assert 'aria-sort="descending"' in page.text
    page = await client.get(PORTFOLIO, params={"sort": "overdue"})
    assert page.text.index("calm-lab") < page.text.index("behind-lab")


async def test_the_list_pages_after_twenty_five_projects(client) -> None:
    for number in range(27):
        await make_project(slug=f"lab-{number:02d}")
    await signed_in_admin(client)
    first = await client.get(PORTFOLIO, params={"sort": "starts"})
    second = await client.get(PORTFOLIO, params={"sort": "starts", "page": "2"})
    assert "Page 1 of 2" in first.text and "Page 2 of 2" in second.text
    shown = [f"lab-{n:02d}" for n in range(27)]
    on_first = [slug for slug in shown if f"/manage/projects/{slug}/" in first.text]
    on_second = [slug for slug in shown if f"/manage/projects/{slug}/" in second.text]
    assert len(on_first) == 25 and len(on_second) == 2
    assert not set(on_first) & set(on_second)
    assert "27 projects match these filters." in first.text


async def test_charts_draw_the_accepted_figures_with_text_alternatives(client) -> None:
    kz = await make_project(slug="kz-base", countries=["CN", "KZ"])
    tj = await make_project(slug="tj-lab", countries=["CN", "TJ"])
    await received_report(kz, "2025-Q4", {"people_trained": 46})
    await received_report(tj, "2026-Q1", {"people_trained": 8})
    await received_report(tj, "2026-Q2", {"people_trained": 500}, status="submitted")
    await make_milestone(tj, due_on=date.today() - timedelta(days=2))  # overdue
    await make_milestone(tj, status="done", due_on=date(2026, 3, 1), completed_on=date(2026, 2, 1))
    await signed_in_admin(client)

    page = await client.get(PORTFOLIO, params={"indicator": "people_trained"})
    text = page.text
    assert text.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"') == 3
    assert '<title id="chart-time-title">People trained per quarter</title>' in text
    assert (
        "People trained from Q4 2025 to Q1 2026: 54 in all; the most in one quarter was 46, "
        "in Q4 2025." in text
    )
    assert "by partner country: Kazakhstan: 46; Tajikistan: 8." in text
    assert "Of 2 milestones, 1 done on time, 0 done late, 1 overdue and 0 not yet due." in text
    assert ">46</text>" in text and ">8</text>" in text
    assert ">500<" not in text and "500 in all" not in text  # submitted, not accepted
    assert "<table" in text.split('id="chart-time-heading"')[1].split("</section>")[0]
    assert 'style="' not in text.split("<main")[1]


async def test_charts_and_numbers_speak_the_page_language(client) -> None:
    lab = await make_project(slug="tj-lab", countries=["CN", "TJ"])
    await received_report(lab, "2026-Q1", {"funding_received": 1234.5})
    await signed_in_admin(client)
    page = await client.get("/ru/manage/projects/", params={"indicator": "funding_received"})
    assert page.status_code == 200
    assert "1\xa0234,5" in page.text  # Babel's Russian number format
    assert "Таджикистан" in page.text


def test_the_next_report_is_the_earliest_one_not_yet_sent() -> None:
    project = {
        "status": "active",
        "report_frequency": "quarterly",
        "starts_on": date(2026, 1, 1),
        "ends_on": None,
    }
    today = date(2026, 8, 1)
    sent = [
        {"period": "2026-Q1", "status": "accepted"},
        {"period": "2026-Q2", "status": "submitted"},
    ]
    following = portfolio.next_report(project, sent, today)
    assert following is not None
    assert (following.period, following.due_on, following.late) == (
        "2026-Q3",
        date(2026, 10, 15),
        False,
    )
    sent_back = [{"period": "2026-Q1", "status": "changes_requested"}]
    late = portfolio.next_report(project, sent_back, today)
    assert late is not None and (late.period, late.late) == ("2026-Q1", True)
    assert portfolio.next_report({**project, "status": "completed"}, [], today) is None


def test_milestones_are_counted_as_on_time_late_overdue_or_not_yet_due() -> None:
    today = date(2026, 6, 1)
    rows = [
        {"status": "done", "due_on": date(2026, 5, 1), "completed_on": date(2026, 4, 20)},
        {"status": "done", "due_on": date(2026, 5, 1), "completed_on": date(2026, 5, 9)},
        {"status": "in_progress", "due_on": date(2026, 5, 31), "completed_on": None},
        {"status": "planned", "due_on": date(2026, 6, 1), "completed_on": None},
        {"status": "cancelled", "due_on": date(2026, 1, 1), "completed_on": None},
    ]
    tally = portfolio.tally(rows, today)
    assert (tally.on_time, tally.done_late, tally.overdue, tally.upcoming) == (1, 1, 1, 1)
    assert tally.total == 4


async def test_export_has_a_row_per_project_and_period_and_is_audit_logged(client) -> None:
    lab = await make_project(
        slug="pamir-lab",
        name=Translated.of("en", en="Pamir seed lab", ru="Памирская лаборатория").dump(),
    )
    await received_report(lab, "2025-Q4", {"papers": 3, "funding_received": 120.5})
    await received_report(lab, "2026-Q1", {"papers": 1}, status="submitted")
    await make_report(lab, "2026-Q2")  # a draft: not the bureau's to count
    other = await make_project(slug="other-lab", countries=["CN", "KZ"])
    await received_report(other, "2025", {"papers": 2})
    await signed_in_admin(client)

    response = await client.get(EXPORT)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == ("Project", "Short name", "Kind", "Field", "Countries", "Period")
    papers = header.index("Papers published (papers)")
    funding = header.index("Funding received (thousand yuan)")
    body = {(row[1], row[5]): row for row in rows[1:]}
    assert set(body) == {
        ("other-lab", "Year 2025"),
        ("pamir-lab", "Quarter 4 of 2025"),
        ("pamir-lab", "Quarter 1 of 2026"),
    }
    accepted = body[("pamir-lab", "Quarter 4 of 2025")]
    assert accepted[0] == "Pamir seed lab"
    assert (accepted[8], accepted[papers], accepted[funding]) == ("Accepted", 3, 120.5)
    assert body[("pamir-lab", "Quarter 1 of 2026")][8] == "Submitted for review"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}4"
    assert sheet["A1"].font.b

    russian = await client.get("/ru/manage/projects/export.xlsx")
    names = [
        row[0]
        for row in load_workbook(io.BytesIO(russian.content)).active.iter_rows(
            min_row=2, values_only=True
        )
    ]
    assert "Памирская лаборатория" in names

    entries = await audit("project.export")
    assert len(entries) == 2
    assert entries[0]["after"]["rows"] == 3 and entries[0]["after"]["format"] == "xlsx"


async def test_export_follows_the_portfolio_filters(client) -> None:
    kz = await make_project(slug="kz-base", countries=["CN", "KZ"])
    tj = await make_project(slug="tj-lab", countries=["CN", "TJ"])
    await received_report(kz, "2025-Q4", {"papers": 5})
    await received_report(tj, "2025-Q4", {"papers": 7})
    await signed_in_admin(client)
    response = await client.get(EXPORT, params={"country": "TJ"})
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [row[1] for row in rows[1:]] == ["tj-lab"]
    assert (await audit("project.export"))[0]["after"]["filters"] == {"country": "TJ"}


@pytest.mark.parametrize("role", ["fao", "coordinator", "reviewer", "member"])
async def test_only_organizers_see_the_portfolio_and_its_export(client, role: str) -> None:
    lab = await make_project(slug="secret-lab")
    await received_report(lab, "2025-Q4", {"papers": 5})
    person = await make_user(role)
    await sign_in(client, person)
    for url in (PORTFOLIO, EXPORT):
        response = await client.get(url)
        assert response.status_code == 403, url
        assert "secret-lab" not in response.text
    assert await audit("project.export") == []


async def test_anonymous_visitors_are_sent_to_sign_in(client) -> None:
    for url in (PORTFOLIO, EXPORT):
        response = await client.get(url, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/en/account/login")


async def test_reports_awaiting_review_do_not_move_the_accepted_figures() -> None:
    lab = await make_project(slug="tj-lab")
    await received_report(lab, "2026-Q1", {"papers": 2})
    await received_report(lab, "2026-Q2", {"papers": 9}, status="submitted")
    data = await portfolio.load(portfolio.Filters())
    assert [p.value for p in portfolio.over_time(portfolio.accepted(data), "papers")] == [2.0]
    counted = await ProgressReport.count()
    assert counted == 2


async def test_a_project_named_like_a_formula_is_exported_as_text(client) -> None:
    hostile = '=HYPERLINK("http://evil.example/","Open")'
    lab = await make_project(slug="formula-lab", name=Translated.of("en", en=hostile).dump())
    await received_report(lab, "2025-Q4", {"papers": 3})
    await signed_in_admin(client)

    response = await client.get(EXPORT)
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(2, 1)
    assert cell.data_type == "s" and cell.value == "'" + hostile
