"""Journey: an organizer invites a partner coordinator, who joins and edits only their own office.

Runs its own server with `--demo` (the shared `live_server` starts without demo content):
the organizer works in Chinese, the invitation is mailed in Russian, the coordinator sets a
password in Kazakh, edits the profile in Russian and reads the public page in English.
"""

from __future__ import annotations

import email
import re
import time
from collections.abc import Iterator
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.live_server import PageFactory, Shot, start_server

ADMIN_EMAIL = "admin@example.org"
DEMO_PASSWORD = "hongshan-demo"
NEW_EMAIL = "dana.kasymova@almaty.example.kz"
NEW_PASSWORD = "steppe-apricot-lantern-7"
NEW_WEBSITE = "https://almaty.example.kz/partnership"
MAIL_WAIT_S = 15
# Longer than the shared live_server's limit: every domain's demo content is loaded first.
TASHKENT_NAMES = ("塔什干市政府", "Хокимият города Ташкента", "Tashkent City Khokimiyat")


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """`hongshan serve --demo` on a free port with a fresh data directory: (base URL, data dir)."""
    data_dir = tmp_path_factory.mktemp("demo-server")
    with start_server(data_dir, "demo-server.log", "--demo") as base_url:
        yield base_url, data_dir


def wait_for_mail(mail_dir: Path, recipient: str) -> EmailMessage:
    """The worker sends in the background: poll the mail folder for the recipient's message."""
    deadline = time.monotonic() + MAIL_WAIT_S
    while time.monotonic() < deadline:
        for path in mail_dir.glob("*.eml"):
            message = email.message_from_bytes(path.read_bytes(), policy=default_policy)
            if message["To"] == recipient:
                return message  # type: ignore[return-value]
        time.sleep(0.2)
    found = sorted(p.name for p in mail_dir.glob("*")) if mail_dir.exists() else "no folder"
    pytest.fail(f"no mail to {recipient} within {MAIL_WAIT_S} s; mail folder: {found}")


def switch_language(page: Page, lang: str, name: str) -> None:
    page.locator("header .lang-switcher").get_by_role("link", name=name, exact=True).click()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def test_invited_coordinator_joins_and_edits_only_their_own_organization(
    demo_server: tuple[str, Path], new_page: PageFactory, artifacts: Shot
) -> None:
    base, data_dir = demo_server

    # --- the organizer, in Chinese, invites a coordinator for the Almaty office ---------------
    admin = new_page(locale="zh-CN")
    admin.goto(f"{base}/zh/account/login")
    expect(admin.locator("html")).to_have_attribute("lang", "zh")
    admin.fill("#f-email", ADMIN_EMAIL)
    admin.fill("#f-password", DEMO_PASSWORD)
    artifacts(admin, "01-admin-sign-in-zh")
    admin.locator("main form button[type=submit]").click()
    expect(admin).to_have_url(f"{base}/zh/manage/")

    admin.goto(f"{base}/zh/manage/organizations/almaty/")
    expect(admin.locator("h1")).to_have_text("阿拉木图市政府")
    admin.locator('main a[href="/zh/manage/people/invite?organization=almaty"]').click()
    expect(admin.locator("#f-organization")).to_have_value("almaty")
    admin.fill("#f-email", NEW_EMAIL)
    admin.fill("#f-name", "Дана Касымова")
    admin.select_option("#f-role", "coordinator")
    admin.select_option("#f-language", "ru")
    artifacts(admin, "02-admin-invite-form-zh")
    admin.locator("main form button[type=submit]").click()
    expect(admin).to_have_url(f"{base}/zh/manage/organizations/almaty/?invited=1")
    invited_row = admin.locator("table.data tr", has_text=NEW_EMAIL)
    expect(invited_row.locator(".badge.queued")).to_have_count(1)  # not yet accepted
    artifacts(admin, "03-admin-invitation-sent-zh")

    # --- the worker mails the invitation, in Russian -----------------------------------------
    message = wait_for_mail(data_dir / "mail", NEW_EMAIL)
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    link = re.search(rf"{re.escape(base)}/ru/account/accept/[\w-]+", text)
    assert link is not None, text
    assert link.group(0) in html
    assert '<html lang="ru">' in html
    assert message["Subject"]

    # --- the coordinator opens the link in a Kazakh browser and sets a password in Kazakh ------
    coordinator = new_page(locale="kk-KZ")
    coordinator.goto(link.group(0))
    expect(coordinator.locator("html")).to_have_attribute("lang", "ru")
    expect(coordinator.locator("main")).to_contain_text(NEW_EMAIL)
    artifacts(coordinator, "04-coordinator-link-ru")
    switch_language(coordinator, "kk", "Қазақша")
    expect(coordinator).to_have_url(re.compile(r"/kk/account/accept/[\w-]+$"))
    coordinator.fill("#f-password", NEW_PASSWORD)
    coordinator.fill("#f-password_again", NEW_PASSWORD)
    artifacts(coordinator, "05-coordinator-set-password-kk")
    coordinator.locator("main form button[type=submit]").click()
    expect(coordinator).to_have_url(f"{base}/kk/account/?welcome=1")
    expect(coordinator.locator("dl.facts")).to_contain_text(NEW_EMAIL)
    expect(coordinator.locator("dl.facts")).to_contain_text("Алматы қаласының әкімдігі")
    artifacts(coordinator, "06-coordinator-signed-in-kk")

    # --- back in Russian, the coordinator edits the office's profile ---------------------------
    switch_language(coordinator, "ru", "Русский")
    coordinator.locator('header a[href="/ru/manage/"]').click()
    coordinator.locator('main a[href="/ru/manage/organizations/almaty/"]').click()
    expect(coordinator.locator("h1")).to_have_text("Акимат города Алматы")
    coordinator.locator('main a[href="/ru/manage/organizations/almaty/edit"]').click()
    expect(coordinator.locator("#f-slug")).to_have_count(0)  # organizers' fields are not offered
    expect(coordinator.locator("#f-country")).to_have_count(0)
    coordinator.fill("#f-website", NEW_WEBSITE)
    artifacts(coordinator, "07-coordinator-edit-profile-ru")
    coordinator.locator("main form button[type=submit]").click()
    expect(coordinator).to_have_url(f"{base}/ru/manage/organizations/almaty/?saved=1")
    expect(coordinator.locator(f'dl.facts a[href="{NEW_WEBSITE}"]')).to_be_visible()
    artifacts(coordinator, "08-coordinator-profile-saved-ru")

    # --- another city's back office does not exist for this coordinator ------------------------
    for step, path in (
        ("09-other-organization-edit-404-ru", "/ru/manage/organizations/tashkent/edit"),
        ("10-other-organization-404-ru", "/ru/manage/organizations/tashkent/"),
    ):
        response = coordinator.goto(f"{base}{path}")
        assert response is not None and response.status == 404, path
        expect(coordinator.locator("html")).to_have_attribute("lang", "ru")
        expect(coordinator.locator(".error-code")).to_have_text("404")
        content = coordinator.content()
        assert not any(name in content for name in TASHKENT_NAMES), path
        artifacts(coordinator, step)

    # --- the public page, in English, shows the new website ------------------------------------
    coordinator.goto(f"{base}/en/partners/almaty/")
    expect(coordinator.locator("html")).to_have_attribute("lang", "en")
    expect(coordinator.locator("h1")).to_have_text("Akimat of Almaty")
    expect(coordinator.locator(f'dl.facts a[href="{NEW_WEBSITE}"]')).to_be_visible()
    artifacts(coordinator, "11-public-partner-page-en")

    # --- and the organizer sees the invitation accepted ----------------------------------------
    admin.goto(f"{base}/zh/manage/organizations/almaty/")
    expect(invited_row.locator(".badge.queued")).to_have_count(0)
    expect(admin.locator(f'dl.facts a[href="{NEW_WEBSITE}"]')).to_be_visible()
    artifacts(admin, "12-admin-sees-accepted-zh")
