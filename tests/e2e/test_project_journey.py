"""Journey: a joint lab reports its progress and the public sees it.

On the demo site (its own `serve --demo`): the lab's lead, in Russian, marks a milestone done
and submits this quarter's report with a PDF attached; the bureau, in Chinese, asks for a
change; the lead adds an English highlight and submits again; the bureau accepts; and the
public project page shows the highlight in all four languages, marked as a fallback where it
was not translated (Chinese and Kazakh show the Russian text).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.support.live_server import PageFactory, Shot, start_server

DEMO_PASSWORD = "hongshan-demo"
LAB = "cn-tj-bio-lab"
# Every domain's demo content is loaded before the server answers.
MILESTONE_RU = "Обучение 20 таджикских специалистов работе с генобанком в Урумчи"
HIGHLIGHT_RU = "Двадцать таджикских специалистов прошли в Урумчи обучение работе с генобанком."
HIGHLIGHT_EN = "Twenty Tajik technicians completed seed-bank training in Urumqi."
ATTACHMENT = "отчёт-о-стажировке.pdf"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("project-journey")
    with start_server(data_dir, "project-journey-server.log", "--demo") as url:
        yield url


def this_quarter() -> str:
    """The reporting period the lab is in now (the bureau's dates are Urumqi's)."""
    today = datetime.now(ZoneInfo("Asia/Urumqi")).date()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


def sign_in(page: Page, base: str, lang: str, email: str) -> None:
    page.goto(f"{base}/{lang}/account/login")
    page.fill("#f-email", email)
    page.fill("#f-password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/{lang}/manage/")


def review(page: Page, base: str, period: str, action: str, message: str = "") -> None:
    page.goto(f"{base}/zh/manage/projects/{LAB}/reports/{period}/")
    page.locator(f'input[name="action"][value="{action}"]').check()
    if message:
        page.fill("#f-body", message)
    page.locator('main form[action$="/review"] button[type=submit]').click()
    expect(page).to_have_url(f"{base}/zh/manage/projects/{LAB}/reports/{period}/?reviewed=1")


def test_a_lab_reports_progress_and_the_public_sees_the_highlight(
    demo_site: str, new_page: PageFactory, artifacts: Shot
) -> None:
    base = demo_site
    period = this_quarter()
    team_base = f"{base}/ru/account/projects/{LAB}/"
    report_url = f"{team_base}reports/{period}/"

    # --- the lead, in Russian, marks the overdue training milestone done -----------------------
    lead = new_page(locale="ru-RU")
    sign_in(lead, base, "ru", "lead@example.org")
    lead.goto(team_base)
    row = lead.locator("table.project-milestones tr", has_text=MILESTONE_RU)
    expect(row).to_have_class("overdue")
    artifacts(lead, "01-lead-project-home-ru")
    row.get_by_role("link", name=MILESTONE_RU).click()
    lead.select_option("#f-status", "done")
    artifacts(lead, "02-lead-milestone-done-ru")
    lead.locator("main form button[type=submit]").click()
    expect(lead).to_have_url(f"{team_base}?saved=1#milestones")
    expect(lead.locator("table.project-milestones tr", has_text=MILESTONE_RU)).not_to_have_class(
        "overdue"
    )

    # --- … and writes this quarter's report in Russian, with a PDF, and submits it -----------
    lead.goto(f"{report_url}edit")
    lead.select_option("#f-source_language", "ru")
    lead.fill(
        "#f-narrative_ru",
        "В Урумчи прошла стажировка 20 таджикских специалистов.\nГенобанк пополнился "
        "45 образцами семян с Западного Памира.",
    )
    lead.fill("#f-highlight_ru", HIGHLIGHT_RU)
    lead.fill("#f-ind_people_trained", "20")
    lead.fill("#f-ind_samples_exchanged", "45")
    lead.set_input_files(
        "#f-files", files=[{"name": ATTACHMENT, "mimeType": "application/pdf", "buffer": PDF}]
    )
    artifacts(lead, "03-lead-report-form-ru")
    lead.locator("main form button[type=submit]").click()
    expect(lead).to_have_url(f"{report_url}?saved=1")
    expect(lead.locator("main")).to_contain_text(ATTACHMENT)
    expect(lead.locator("main")).to_contain_text(HIGHLIGHT_RU)
    lead.locator(f'main a[href="/ru/account/projects/{LAB}/reports/{period}/submit"]').click()
    artifacts(lead, "04-lead-submit-confirm-ru")
    lead.locator("main form button[type=submit]").click()
    expect(lead).to_have_url(f"{report_url}?submitted=1")

    # Not accepted yet: the public page does not show it.
    visitor = new_page(locale="en-US")
    visitor.goto(f"{base}/ru/projects/{LAB}/")
    expect(visitor.locator("main")).not_to_contain_text(HIGHLIGHT_RU)

    # --- the bureau, in Chinese, sees it in the portfolio and asks for an English highlight ---
    bureau = new_page(locale="zh-CN")
    sign_in(bureau, base, "zh", "admin@example.org")
    bureau.goto(f"{base}/zh/manage/projects/")
    expect(bureau.locator("svg.chart")).to_have_count(3)
    artifacts(bureau, "05-bureau-portfolio-zh")
    bureau.goto(f"{base}/zh/manage/projects/{LAB}/reports/{period}/")
    expect(bureau.locator("main")).to_contain_text(HIGHLIGHT_RU)
    expect(bureau.locator("main")).to_contain_text(ATTACHMENT)
    review(
        bureau, base, period, "request_changes", "请补充重点成果的英文表述，以便在公开页面发布。"
    )
    artifacts(bureau, "06-bureau-asked-for-changes-zh")

    # --- the lead reads the request, adds the English highlight and submits again --------------
    lead.goto(report_url)
    expect(lead.locator("main")).to_contain_text("请补充重点成果的英文表述")
    artifacts(lead, "07-lead-sees-request-ru")
    lead.goto(f"{report_url}edit")
    expect(lead.locator("#f-highlight_ru")).to_have_value(HIGHLIGHT_RU)
    lead.fill("#f-highlight_en", HIGHLIGHT_EN)
    lead.locator("main form button[type=submit]").click()
    expect(lead).to_have_url(f"{report_url}?saved=2")
    expect(lead.locator("main")).to_contain_text(ATTACHMENT)  # the file stays with version 2
    lead.goto(f"{report_url}submit")
    lead.locator("main form button[type=submit]").click()
    expect(lead).to_have_url(f"{report_url}?submitted=1")

    # --- the bureau accepts --------------------------------------------------------------------
    review(bureau, base, period, "accept")
    artifacts(bureau, "08-bureau-accepted-zh")

    # --- the public page shows the highlight in every language, the fallback marked ------------
    for lang, text, fallback in (
        ("ru", HIGHLIGHT_RU, False),
        ("en", HIGHLIGHT_EN, False),
        ("zh", HIGHLIGHT_RU, True),
        ("kk", HIGHLIGHT_RU, True),
    ):
        visitor.goto(f"{base}/{lang}/projects/{LAB}/")
        expect(visitor.locator("html")).to_have_attribute("lang", lang)
        moment = visitor.locator("ol.project-timeline li.report").first
        expect(moment.locator(".project-highlight")).to_have_text(text)
        marked = moment.locator('.project-highlight span.fallback[lang="ru"]')
        expect(marked).to_have_count(1 if fallback else 0)
        reached = visitor.locator("ol.project-timeline li.milestone").first
        expect(reached).to_be_visible()
        artifacts(visitor, f"09-public-page-{lang}")
    visitor.goto(f"{base}/ru/projects/")
    expect(visitor.locator("main")).to_contain_text("Китайско-таджикская совместная лаборатория")
    artifacts(visitor, "10-public-list-ru")
