"""Journey: a project goes from a call for projects to an investor's calendar.

On the demo site (its own `serve --demo`, with the demo roadshow in Almaty): a joint lab's
lead, in Russian, submits a project with a PDF deck; the organizer assigns reviewers; a
reviewer, in Chinese, scores it without seeing who applied (the call is blind); the organizer
accepts it; an investor, in Kazakh, asks its team for a meeting and downloads their meeting
schedule as an .ics file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.support.live_server import PageFactory, Shot, start_server

DEMO_PASSWORD = "hongshan-demo"
DEMO_START_S = 120
ROADSHOW = "almaty-roadshow"
TITLE_RU = "Биопрепарат против засоления почв"
LAB_NAMES = ("中塔生物资源", "Таджик", "cn-tj-bio-lab", "Фарход Рахимов")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("roadshow-journey")
    with start_server(
        data_dir, "roadshow-journey-server.log", "--demo", wait_s=DEMO_START_S
    ) as url:
        yield url


def sign_in(page: Page, base: str, lang: str, email: str) -> None:
    page.goto(f"{base}/{lang}/account/login")
    page.fill("#f-email", email)
    page.fill("#f-password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/{lang}/manage/")


def test_a_project_goes_from_the_call_to_an_investors_calendar(
    demo_site: str, new_page: PageFactory, artifacts: Shot, tmp_path
) -> None:
    base = demo_site
    manage = f"{base}/zh/manage/events/{ROADSHOW}/roadshow/"

    applicant = new_page()
    sign_in(applicant, base, "ru", "lead@example.org")
    applicant.goto(f"{base}/ru/account/roadshows/{ROADSHOW}/apply")
    applicant.select_option("#f-source_language", "ru")
    applicant.fill("#f-title_ru", TITLE_RU)
    applicant.fill("#f-summary_ru", "Штамм бактерий снижает засоление почвы за один сезон.")
    applicant.select_option("#f-field", "agriculture")
    applicant.select_option("#f-trl", "5")
    applicant.select_option("#f-stage", "pilot")
    applicant.select_option("#f-ip_status", "none")
    applicant.check('input[name="sought"][value="partner"]')
    applicant.fill("#f-team", "Фарход Рахимов, руководитель")
    deck = tmp_path / "презентация.pdf"
    deck.write_bytes(PDF)
    applicant.set_input_files("#f-deck", str(deck))
    artifacts(applicant, "01-applicant-form-ru")
    applicant.locator('button[name="action"][value="submit"]').click()
    expect(applicant).to_have_url(re.compile(r"/ru/account/roadshows/submissions/\d+\?saved=1$"))
    expect(applicant.locator("h1")).to_have_text(TITLE_RU)
    submission_id = re.search(r"submissions/(\d+)", applicant.url).group(1)  # type: ignore[union-attr]
    artifacts(applicant, "02-applicant-submitted-ru")

    organizer = new_page()
    sign_in(organizer, base, "zh", "admin@example.org")
    organizer.goto(manage)
    organizer.locator('form[action$="/roadshow/assign"] button').click()
    expect(organizer).to_have_url(re.compile(r"assigned=\d+"))

    reviewer = new_page()
    sign_in(reviewer, base, "zh", "reviewer@example.org")
    reviewer.goto(f"{base}/zh/account/reviews/")
    reviewer.locator("main tr", has_text=TITLE_RU).locator("a").click()
    expect(reviewer.locator("main")).to_contain_text(TITLE_RU)
    for name in LAB_NAMES:
        expect(reviewer.locator("body")).not_to_contain_text(name)
    for key, score in (("innovation", "9"), ("market", "8"), ("team", "8"), ("fit", "9")):
        reviewer.fill(f"#f-score_{key}", score)
    reviewer.fill("#f-comment", "技术成熟，适合南疆盐碱地试点。")
    artifacts(reviewer, "03-reviewer-blind-zh")
    reviewer.locator('button[name="action"][value="finish"]').click()
    expect(reviewer).to_have_url(re.compile(r"\?saved=1$"))

    organizer.goto(f"{manage}submissions/{submission_id}")
    organizer.select_option("#f-decision", "accepted")
    organizer.locator('form[action$="/decision"] button[type=submit]').click()
    expect(organizer).to_have_url(re.compile(rf"\?saved=1#s{submission_id}$"))
    organizer.goto(f"{manage}submissions/{submission_id}")
    expect(organizer.locator("#f-decision")).to_have_value("accepted")
    artifacts(organizer, "04-organizer-accepts-zh")

    investor = new_page(accept_downloads=True)
    sign_in(investor, base, "kk", "investor@example.org")
    investor.goto(f"{base}/kk/account/roadshows/{ROADSHOW}/matchmaking/")
    card = investor.locator("li.card", has_text=TITLE_RU)
    card.locator("textarea").fill("Қазақстанда сынақ алаңын ұсынамыз. Кездесейік пе?")
    card.locator('form[action$="/request"] button').click()
    expect(investor.locator(".alert.success")).to_contain_text("Сұрауыңыз командаға жіберілді.")
    expect(investor.locator("li.card", has_text=TITLE_RU)).to_contain_text("Кездесу сұралды")
    artifacts(investor, "05-investor-requested-kk")

    investor.goto(f"{base}/kk/account/roadshows/{ROADSHOW}/matchmaking/schedule")
    with investor.expect_download() as download_info:
        investor.locator('a[href$="schedule.ics"]').click()
    calendar = download_info.value.path().read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in calendar
    assert "TZID=Asia/Almaty" in calendar
    assert "Кездесу:" in calendar
    artifacts(investor, "06-investor-schedule-kk")
