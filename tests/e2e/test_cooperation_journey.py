"""Journey: a Kazakh company posts a demand in Kazakh, the bureau publishes it, a Chinese
institute's offer is suggested with the reason, the company expresses interest, the
institute accepts, and both see each other's contacts — in Kazakh, Chinese and Russian pages,
with the public board read in all four languages.

On the demo site (its own `serve --demo`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.support.live_server import PageFactory, Shot, start_server

DEMO_PASSWORD = "hongshan-demo"
DEMO_START_S = 120
TITLE_KK = "Мақта алқаптарына арналған тамшылатып суару жүйесі"
OFFER_ZH = "棉田膜下滴灌水肥一体化技术"
INSTITUTE_CONTACT = "cooperation.xieg@example.org"
COMPANY_CONTACT = "company@example.org"  # the account's address, offered on the interest form
DEMAND_CONTACT = "aigerim@steppe-agro.example.kz"


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("cooperation-journey")
    with start_server(
        data_dir, "cooperation-journey-server.log", "--demo", wait_s=DEMO_START_S
    ) as url:
        yield url


def sign_in(page: Page, base: str, lang: str, email: str) -> None:
    page.goto(f"{base}/{lang}/account/login")
    page.fill("#f-email", email)
    page.fill("#f-password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/{lang}/manage/")


def test_a_kazakh_demand_meets_a_chinese_offer_and_both_sides_share_contacts(
    demo_site: str, new_page: PageFactory, artifacts: Shot
) -> None:
    base = demo_site

    # --- the company posts its demand in Kazakh ------------------------------------------------
    company = new_page(locale="kk-KZ")
    sign_in(company, base, "kk", "company@example.org")
    company.goto(f"{base}/kk/account/cooperation/new?kind=demand")
    company.fill("#f-title_kk", TITLE_KK)
    company.fill(
        "#f-description_kk", "Құрғақшылық жағдайында мақтаны суаруға суды үнемдейтін жүйе керек."
    )
    company.select_option("#f-field", "water")
    company.select_option("#f-city", "almaty")
    company.fill("#f-contact_email", DEMAND_CONTACT)
    artifacts(company, "01-company-demand-form-kk")
    company.locator('button[name="action"][value="submit"]').click()
    expect(company).to_have_url(re.compile(r"/kk/account/cooperation/\?saved=\d+$"))
    demand_id = company.url.rsplit("=", 1)[1]
    expect(company.locator("main")).to_contain_text("Модерацияны күтуде")

    # --- the bureau publishes it ---------------------------------------------------------------
    bureau = new_page(locale="zh-CN")
    sign_in(bureau, base, "zh", "admin@example.org")
    bureau.goto(f"{base}/zh/manage/cooperation/")
    bureau.get_by_role("link", name=TITLE_KK).click()
    artifacts(bureau, "02-bureau-review-zh")
    bureau.locator('form[action$="/publish"] button').click()
    expect(bureau).to_have_url(f"{base}/zh/manage/cooperation/?published=1")

    # --- the Chinese offer is suggested, with the reason ------------------------------------------
    company.goto(f"{base}/kk/cooperation/{demand_id}/")
    suggestion = company.locator(".coop-suggestions li").first
    expect(suggestion).to_contain_text(OFFER_ZH)
    expect(suggestion).to_contain_text("Екеуі де мына тақырыпта")
    expect(suggestion).to_contain_text("тамшылатып суару")
    artifacts(company, "03-company-suggestions-kk")
    suggestion.get_by_role("link", name="Қызығушылық білдіру").click()
    company.fill("#f-message", "Алматы облысында бірлесіп сынап көруге дайынбыз.")
    company.check('input[name="consent"]')
    company.locator("main form button[type=submit]").click()
    expect(company.locator("main")).to_contain_text("Жауап күтуде")
    expect(company.locator("main")).not_to_contain_text(INSTITUTE_CONTACT)
    request_url = company.url.split("?")[0]

    # --- the institute accepts ---------------------------------------------------------------
    institute = new_page(locale="zh-CN")
    sign_in(institute, base, "zh", "institute@example.org")
    institute.goto(request_url.replace("/kk/", "/zh/"))
    expect(institute.locator("main")).to_contain_text("Алматы облысында")
    expect(institute.locator("main")).not_to_contain_text(COMPANY_CONTACT)
    artifacts(institute, "04-institute-request-zh")
    institute.get_by_role("button", name="接受并交换联系方式").click()
    expect(institute.locator("main")).to_contain_text(COMPANY_CONTACT)
    expect(institute.locator("main")).to_contain_text(INSTITUTE_CONTACT)
    artifacts(institute, "05-institute-contacts-zh")

    # --- the company now sees the institute's contacts too ---------------------------------------
    company.goto(request_url)
    expect(company.locator("main")).to_contain_text(INSTITUTE_CONTACT)
    artifacts(company, "06-company-contacts-kk")

    # --- the public board in every language ---------------------------------------------------
    reader = new_page()
    for lang, heading in (
        ("zh", "合作对接平台"),
        ("ru", "Доска сотрудничества"),
        ("kk", "Ынтымақтастық тақтасы"),
        ("en", "Cooperation board"),
    ):
        reader.goto(f"{base}/{lang}/cooperation/")
        expect(reader.locator("h1")).to_have_text(heading)
        expect(reader.locator("main")).not_to_contain_text(INSTITUTE_CONTACT)
    artifacts(reader, "07-public-board-en")
    reader.goto(f"{base}/ru/cooperation/guides/urumqi/2026/")
    expect(reader.locator("main")).to_contain_text("Руководство по сотрудничеству: Урумчи, 2026")
    artifacts(reader, "08-guide-ru")
