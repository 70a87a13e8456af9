"""Forms at their edges, in Chromium: sending the event editor while a number field still has
the focus (it is sent: what once looked like a lost click came from a full-page screenshot
taken with the field focused), and choosing a file larger than a form accepts.

One `hongshan serve --demo` for the module (its accounts and projects).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.support.live_server import PageFactory, Shot, start_server

DEMO_PASSWORD = "hongshan-demo"
DEMO_START_S = 90


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data_dir = tmp_path_factory.mktemp("form-edges-server")
    with start_server(data_dir, "form-edges-server.log", "--demo", wait_s=DEMO_START_S) as base:
        yield base


def sign_in(page: Page, base: str, lang: str, email: str) -> None:
    page.goto(f"{base}/{lang}/account/login")
    page.fill("#f-email", email)
    page.fill("#f-password", DEMO_PASSWORD)
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/{lang}/manage/")


def test_create_as_draft_sends_the_form_while_a_number_field_has_the_focus(
    demo_server: str, new_page: PageFactory, artifacts: Shot
) -> None:
    base = demo_server
    day = (date.today() + timedelta(days=90)).isoformat()
    admin = new_page()
    sign_in(admin, base, "en", "admin@example.org")
    admin.goto(f"{base}/en/manage/events/new")
    admin.select_option("#f-kind", "forum")
    admin.fill("#f-slug", "focus-check-forum")
    admin.select_option("#f-source_language", "en")
    admin.fill("#f-title_en", "Focus check forum")
    admin.fill("#f-city_en", "Urumqi")
    admin.fill("#f-starts_at", f"{day}T09:00")
    admin.fill("#f-ends_at", f"{day}T18:00")
    # Typed as a person types, and left with the focus (and the caret) in the field. No
    # screenshot here: a full-page screenshot taken while the field has the focus makes
    # Chromium drop the next click (seen in the event journey, which blurs the field before
    # its screenshot); that is the test tool resizing the page, not something a person does.
    admin.locator("#f-capacity").click()
    admin.keyboard.type("120")
    expect(admin.locator("#f-capacity")).to_be_focused()

    admin.get_by_role("button", name="Create as draft").click()

    expect(admin).to_have_url(f"{base}/en/manage/events/focus-check-forum/?saved=1")
    expect(admin.locator("h1")).to_have_text("Focus check forum")
    artifacts(admin, "01-created")


def test_a_file_over_the_limit_is_refused_before_sending_and_the_form_is_kept(
    demo_server: str, new_page: PageFactory, artifacts: Shot
) -> None:
    base = demo_server
    lead = new_page()
    sign_in(lead, base, "en", "lead@example.org")
    lead.goto(f"{base}/en/account/projects/")
    lead.locator("main .project-cards h2 a").first.click()
    lead.locator('main a[href$="/milestones/new"]').click()
    lead.fill("#f-title_en", "Seed bank inventory")
    lead.fill("#f-due_on", (date.today() + timedelta(days=30)).isoformat())
    lead.locator("#f-files").set_input_files(
        {"name": "scan.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-" + b"0" * (21 << 20)}
    )
    form_url = lead.url

    message = lead.locator("#f-files-size-error")
    expect(message).to_contain_text("larger than 20 MB")
    lead.locator("main form button[type=submit]").first.click()

    expect(message).to_be_visible()
    assert lead.url == form_url  # nothing was sent
    expect(lead.locator("#f-title_en")).to_have_value("Seed bank inventory")
    artifacts(lead, "01-file-too-large")
