"""Journeys through events: an organizer builds and publishes a bilingual event, a partner
coordinator registers a group, a cancellation moves the waiting list, and a code is checked in
at the door.

One `hongshan serve --demo` for the module (the demo events, their registrations and the demo
accounts); every journey runs in a fresh browser context. Selectors lean on element ids, form
actions, hidden field values and status classes rather than on translated text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support.live_server import PageFactory, Shot, start_server

ADMIN_EMAIL = "admin@example.org"
COORDINATOR_EMAIL = "coordinator@example.org"
DEMO_PASSWORD = "hongshan-demo"
CONFERENCE = "annual-conference"
ROADSHOW = "almaty-roadshow"
NEW_SLUG = "silk-road-innovation-week"
TITLE_EN = "Silk Road Innovation Week"
TITLE_ZH = "丝绸之路创新周"
SESSIONS = (
    ("09:00", "10:30", "Opening plenary", "开幕全体会议"),
    ("11:00", "12:30", "Technology transfer workshop", "技术转移研讨会"),
)
GROUP = (
    ("Айгерим Нурланова", "aigerim.nurlanova@almaty.example.kz"),
    ("Ерлан Сейткали", "erlan.seitkali@almaty.example.kz"),
    ("Мадина Абенова", "madina.abenova@almaty.example.kz"),
)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`hongshan serve --demo` on a free port with a fresh data directory: (base URL, data dir)."""
    data_dir = tmp_path_factory.mktemp("events-demo-server")
    with start_server(data_dir, "events-demo-server.log", "--demo") as base_url:
        yield base_url, data_dir


def sign_in(page: Page, base: str, lang: str, email: str) -> None:
    page.goto(f"{base}/{lang}/account/login")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    page.fill("#f-email", email)
    page.fill("#f-password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/{lang}/manage/")


def change_status(page: Page, target: str) -> None:
    """Press the overview's button that moves the event to `target` (a hidden field's value)."""
    page.locator(f'form:has(input[name="to"][value="{target}"]) button[type=submit]').click()
    expect(page).to_have_url(re.compile(r"\?saved=1$"))


def board_rows(page: Page) -> Locator:
    return page.locator("table.registrations tbody tr")


# --- a. the organizer builds, publishes and opens a bilingual event ---------------------------


def test_organizer_publishes_a_bilingual_event_with_an_agenda(
    demo_server: tuple[str, Path], new_page: PageFactory, artifacts: Shot
) -> None:
    base, _data_dir = demo_server
    day = (date.today() + timedelta(days=60)).isoformat()

    admin = new_page()
    sign_in(admin, base, "en", ADMIN_EMAIL)

    # In English: the event itself, written first in English, with a Chinese title.
    admin.goto(f"{base}/en/manage/events/new")
    admin.select_option("#f-kind", "forum")
    admin.fill("#f-slug", NEW_SLUG)
    admin.select_option("#f-source_language", "en")
    admin.fill("#f-title_en", TITLE_EN)
    admin.fill("#f-title_zh", TITLE_ZH)
    admin.fill("#f-summary_en", "A week of pitches, workshops and partner meetings.")
    admin.fill("#f-city_en", "Urumqi")
    admin.fill("#f-city_zh", "乌鲁木齐")
    admin.select_option("#f-timezone", "Asia/Urumqi")
    admin.fill("#f-starts_at", f"{day}T09:00")
    admin.fill("#f-ends_at", f"{day}T18:00")
    admin.fill("#f-capacity", "120")
    admin.locator("#f-capacity").blur()
    artifacts(admin, "01-new-event-form-en")
    admin.locator("main form button[type=submit]").click()
    expect(admin).to_have_url(f"{base}/en/manage/events/{NEW_SLUG}/?saved=1")
    expect(admin.locator("h1")).to_have_text(TITLE_EN)
    expect(admin.locator(".event-status")).to_have_count(1)

    # In Russian: two agenda sessions.
    for starts, ends, title_en, title_zh in SESSIONS:
        admin.goto(f"{base}/ru/manage/events/{NEW_SLUG}/agenda/sessions/new")
        expect(admin.locator("html")).to_have_attribute("lang", "ru")
        admin.select_option("#f-source_language", "en")
        admin.fill("#f-starts_at", f"{day}T{starts}")
        admin.fill("#f-ends_at", f"{day}T{ends}")
        admin.fill("#f-room", "Hall A")
        admin.fill("#f-title_en", title_en)
        admin.fill("#f-title_zh", title_zh)
        if starts == SESSIONS[1][0]:
            artifacts(admin, "02-new-session-form-ru")
        admin.locator("main form button[type=submit]").click()
        expect(admin).to_have_url(re.compile(rf"/ru/manage/events/{NEW_SLUG}/agenda"))
    agenda = admin.locator("table.agenda")
    for _starts, _ends, title_en, _title_zh in SESSIONS:
        expect(agenda).to_contain_text(title_en)
    expect(admin.locator("#clashes")).to_have_count(0)
    artifacts(admin, "03-agenda-ru")

    # Back in English: publish, then open registration.
    admin.goto(f"{base}/en/manage/events/{NEW_SLUG}/")
    change_status(admin, "published")
    expect(admin.locator(f'main a[href="/en/events/{NEW_SLUG}/"]')).to_be_visible()
    change_status(admin, "registration_open")
    expect(admin.locator('form:has(input[name="to"][value="registration_closed"])')).to_have_count(
        1
    )
    artifacts(admin, "04-published-and-open-en")

    # A visitor reading Chinese sees the Chinese title and the agenda.
    visitor = new_page(locale="zh-CN")
    response = visitor.goto(f"{base}/zh/events/{NEW_SLUG}/")
    assert response is not None and response.status == 200
    expect(visitor.locator("html")).to_have_attribute("lang", "zh")
    expect(visitor.locator("#event-title")).to_have_text(TITLE_ZH)
    public_agenda = visitor.locator("ol.agenda")
    for _starts, _ends, _title_en, title_zh in SESSIONS:
        expect(public_agenda).to_contain_text(title_zh)
    expect(public_agenda).not_to_contain_text(SESSIONS[0][2])
    artifacts(visitor, "05-public-page-zh")


# --- b. a coordinator registers a group ------------------------------------------------------


def fill_question_cells(page: Page, row: int) -> None:
    """Answer the organizer's questions in one row of the group form: the first choice of
    every list and of every set of check boxes, and a word in every text field."""
    cells = page.locator(f"table.group-form tbody tr:nth-child({row + 1})")
    for select in cells.locator(f'select[id^="f-{row}-q"]').all():
        select.select_option(index=1)
    for box in cells.locator(f'input[type=checkbox][name^="{row}.q"]').all()[:1]:
        box.check()
    for text in cells.locator(f'input[type=text][id^="f-{row}-q"]').all():
        text.fill("Specialist")


def test_coordinator_registers_three_people_and_sees_them(
    demo_server: tuple[str, Path], new_page: PageFactory, artifacts: Shot
) -> None:
    base, _data_dir = demo_server
    coordinator = new_page(locale="zh-CN")
    sign_in(coordinator, base, "zh", COORDINATOR_EMAIL)

    coordinator.goto(f"{base}/zh/events/{CONFERENCE}/register/group")
    expect(coordinator.locator("form.group-registration")).to_be_visible()
    for row, (name, email) in enumerate(GROUP):
        coordinator.fill(f"#f-{row}-name", name)
        coordinator.fill(f"#f-{row}-email", email)
        coordinator.select_option(f'select[name="{row}.language"]', "ru")
        fill_question_cells(coordinator, row)
    artifacts(coordinator, "01-group-form-zh")
    coordinator.locator('button[name="action"][value="register"]').click()

    expect(coordinator).to_have_url(
        f"{base}/zh/account/registrations/?event={CONFERENCE}&added={len(GROUP)}"
    )
    expect(coordinator.locator(".alert.success")).to_be_visible()
    table = coordinator.locator("table.my-registrations")
    for name, _email in GROUP:
        expect(table.locator("tbody tr", has_text=name)).to_have_count(1)
    artifacts(coordinator, "02-my-registrations-zh")

    # The same list without the filter still holds them.
    coordinator.goto(f"{base}/zh/account/registrations/")
    for name, _email in GROUP:
        expect(table.locator("tbody tr", has_text=name)).to_have_count(1)


# --- c. a cancellation offers the seat to the first on the waiting list ----------------------


def test_a_cancellation_offers_the_seat_to_the_first_in_line(
    demo_server: tuple[str, Path], new_page: PageFactory, artifacts: Shot
) -> None:
    base, _data_dir = demo_server
    board = f"{base}/en/manage/events/{ROADSHOW}/registrations/"
    admin = new_page()
    sign_in(admin, base, "en", ADMIN_EMAIL)

    # The first in line is the waitlisted row that cannot be moved to the top.
    admin.goto(f"{board}?status=waitlisted")
    waiting = board_rows(admin).filter(has=admin.locator('form[action$="/offer"]'))
    expect(waiting.first).to_be_visible()
    first_in_line = waiting.filter(has_not=admin.locator('form[action$="/move-to-top"]'))
    expect(first_in_line).to_have_count(1)
    next_email = first_in_line.locator("td.email").inner_text().strip()
    artifacts(admin, "01-waiting-list-en")

    admin.goto(f"{board}?status=offered")
    offered_before = board_rows(admin).locator("td.email").all_inner_texts()
    assert next_email not in offered_before

    admin.goto(f"{board}?status=confirmed")
    # A demo guest holding a general seat (the roadshow's investors hold their organizations'
    # reserved seats, which go to their own organization's people first).
    confirmed = board_rows(admin).filter(has_text="roadshow.guest").first
    leaving = confirmed.locator("td.email").inner_text().strip()
    confirmed.locator('a[href*="/cancel?"]').click()
    expect(admin.locator("#cancel-heading")).to_be_visible()
    artifacts(admin, "02-cancel-confirm-en")
    admin.locator('form[action$="/cancel"] button[type=submit]').click()
    expect(admin).to_have_url(re.compile(r"done=cancelled"))
    expect(admin.locator(".alert.success")).to_be_visible()

    admin.goto(f"{board}?status=offered")
    offered = board_rows(admin).filter(has_text=next_email)
    expect(offered).to_have_count(1)
    expect(offered.locator(".badge.reg-offered")).to_have_count(1)
    artifacts(admin, "03-offered-en")

    admin.goto(f"{board}?status=cancelled")
    expect(board_rows(admin).filter(has_text=leaving)).to_have_count(1)


# --- d. check-in at the door -------------------------------------------------------------------


def test_checking_in_a_confirmed_code_twice(
    demo_server: tuple[str, Path], new_page: PageFactory, artifacts: Shot
) -> None:
    base, _data_dir = demo_server
    manage = f"{base}/en/manage/events/{CONFERENCE}"
    admin = new_page()
    sign_in(admin, base, "en", ADMIN_EMAIL)

    # A confirmed registration that has not arrived yet, and its code from its detail page.
    admin.goto(f"{manage}/registrations/?status=confirmed")
    row = board_rows(admin).filter(has=admin.locator("td.when span.muted")).first
    name = row.locator("td").first.inner_text().strip()
    row.locator("td a").first.click()
    expect(admin.locator(".badge.reg-confirmed")).to_be_visible()
    code = admin.locator("dl.facts code").inner_text().strip()
    assert code
    artifacts(admin, "01-registration-detail-en")

    admin.goto(f"{manage}/checkin")
    arrived = int(re.sub(r"\D", "", admin.locator('[data-stat="checked_in"]').inner_text()))
    admin.fill("#f-code", code)
    admin.locator("form.checkin-form button[type=submit]").click()
    outcome = admin.locator("#checkin-result .checkin-outcome")
    expect(outcome).to_have_class(re.compile(r"\boutcome-checked_in\b"))
    expect(outcome.locator(".outcome-name")).to_have_text(name)
    expect(admin.locator('[data-stat="checked_in"]')).to_have_text(str(arrived + 1))
    artifacts(admin, "02-checked-in-en")

    admin.fill("#f-code", code)
    admin.locator("form.checkin-form button[type=submit]").click()
    expect(outcome).to_have_class(re.compile(r"\boutcome-already\b"))
    expect(outcome.locator(".outcome-name")).to_have_text(name)
    artifacts(admin, "03-already-checked-in-en")
