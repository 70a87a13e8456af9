"""Partner organizations over HTTP: the back office, logos, public pages, invitations and resets."""

from __future__ import annotations

import json
import re
import struct
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from core import jobqueue
from core.settings import get_settings
from core.tables import AccountToken, AuditEntry, Membership, Organization, OutboxMessage, User
from tests.support.factories import PASSWORD, make_organization, make_user, post_form, sign_in
from tests.support.mailbox import link_path, mail_to, mails

NEW_PASSWORD = "saxaul-tulip-caravan-42"


@pytest.fixture(autouse=True)
def empty_mail_dir(mail_dir: Path) -> None:
    """The mail folder is shared by the whole session; each test here reads only its own."""
    for path in mail_dir.glob("*.eml"):
        path.unlink()


def tiny_png() -> bytes:
    """A valid 1×1 red PNG, built by hand so the test needs no image library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1×1, 8-bit RGB
    pixels = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one RGB pixel
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def organization_form(**overrides: str) -> dict[str, str]:
    form = {
        "source_language": "ru",
        "name_zh": "比什凯克创新中心",
        "name_ru": "Бишкекский инновационный центр",
        "name_kk": "",
        "name_en": "Bishkek Innovation Centre",
        "city_ru": "Бишкек",
        "city_en": "Bishkek",
        "country": "KG",
        "timezone": "Asia/Bishkek",
        "slug": "bishkek-innovation",
        "kind": "institute",
        "is_public": "on",
        "website": "https://innovation.example.kg",
        "contact_email": "office@innovation.example.kg",
        "contact_phone": "+996 312 000 000",
    }
    form.update(overrides)
    return form


def json_value(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


async def sign_in_as_admin(client: httpx.AsyncClient) -> dict[str, Any]:
    admin = await make_user("admin", email="admin@example.org")
    await sign_in(client, admin)
    return admin


# --- creating organizations -----------------------------------------------------------------


async def test_admin_creates_an_organization_with_names_in_several_languages(client) -> None:
    await sign_in_as_admin(client)
    form = (await client.get("/en/manage/organizations/new")).text
    assert 'name="name_kk"' in form and 'name="slug"' in form

    response = await post_form(client, "/en/manage/organizations/new", organization_form())

    assert response.url.path == "/en/manage/organizations/bishkek-innovation/"
    assert "Saved." in response.text
    assert "Bishkek Innovation Centre" in response.text
    assert "https://innovation.example.kg" in response.text
    row = await Organization.select().where(Organization.slug == "bishkek-innovation").first()
    name = json_value(row["name"])
    assert name["source"] == "ru"
    assert name["text"]["zh"] == "比什凯克创新中心"
    assert "kk" not in name["text"]
    # The missing Kazakh name is pointed out to the editor.
    assert "The name still lacks a translation into: Қазақша." in response.text
    russian = await client.get("/ru/manage/organizations/bishkek-innovation/")
    assert "Бишкекский инновационный центр" in russian.text


async def test_bad_input_is_shown_next_to_the_fields_and_nothing_is_saved(client) -> None:
    await sign_in_as_admin(client)
    cases = {
        "slug": (organization_form(slug="Bishkek Office!"), "Use lower-case Latin letters"),
        "website": (organization_form(website="innovation.example.kg"), "starting with http://"),
        "name_ru": (organization_form(name_ru=""), "Enter the name in its source language."),
    }
    for field, (data, message) in cases.items():
        response = await post_form(client, "/en/manage/organizations/new", data)
        assert response.status_code == 400, field
        assert message in response.text, field
        assert f'id="f-{field}-error"' in response.text, field
        assert 'aria-invalid="true"' in response.text
        # What the reader typed is kept.
        assert "Bishkek Innovation Centre" in response.text, field
    assert await Organization.count() == 0
    assert await AuditEntry.count() == 0


async def test_a_short_name_already_taken_is_refused(client) -> None:
    await sign_in_as_admin(client)
    await make_organization("bishkek-innovation")
    response = await post_form(client, "/en/manage/organizations/new", organization_form())
    assert response.status_code == 400
    assert "This short name is already taken." in response.text
    assert await Organization.count() == 1
    assert await AuditEntry.count() == 0


async def test_an_overlong_website_is_refused_rather_than_failing_on_save(client) -> None:
    await sign_in_as_admin(client)
    website = "https://innovation.example.kg/" + "a" * 300
    response = await post_form(
        client, "/en/manage/organizations/new", organization_form(website=website)
    )
    assert response.status_code == 400
    assert 'id="f-website-error"' in response.text
    assert "Use at most 300 characters." in response.text
    assert await Organization.count() == 0


async def test_back_office_menu_marks_the_page_being_shown(client) -> None:
    await sign_in_as_admin(client)
    for path in ("/en/manage/", "/en/manage/organizations/", "/en/manage/people/invite"):
        page = (await client.get(path)).text
        assert f'<a href="{path}" aria-current="page">' in page, path


# --- logos ----------------------------------------------------------------------------------


async def test_a_real_png_logo_is_accepted_and_served(client) -> None:
    await sign_in_as_admin(client)
    png = tiny_png()
    response = await post_form(
        client,
        "/en/manage/organizations/new",
        organization_form(),
        files={"logo": ("logo.png", png, "image/png")},
    )
    assert response.url.path == "/en/manage/organizations/bishkek-innovation/"
    row = await Organization.select(Organization.logo).first()
    assert re.fullmatch(r"bishkek-innovation-[0-9a-f]{16}\.png", row["logo"])
    assert f'src="/media/logos/{row["logo"]}"' in response.text

    served = await client.get(f"/media/logos/{row['logo']}")
    assert served.status_code == 200
    assert served.content == png
    assert served.headers["content-type"] == "image/png"
    assert served.headers["content-security-policy"] == "default-src 'none'"
    public = await client.get("/en/partners/bishkek-innovation/")
    assert f'src="/media/logos/{row["logo"]}"' in public.text


async def test_a_logo_that_is_not_really_an_image_is_refused(client) -> None:
    await sign_in_as_admin(client)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    uploads = {
        "text renamed .png": ("logo.png", b"just some text, honestly", "image/png"),
        "svg": ("logo.svg", svg, "image/svg+xml"),
    }
    for label, upload in uploads.items():
        response = await post_form(
            client, "/en/manage/organizations/new", organization_form(), files={"logo": upload}
        )
        assert response.status_code == 400, label
        assert "Upload a PNG, JPEG or WebP image." in response.text, label
    assert await Organization.count() == 0


async def test_logo_names_cannot_reach_outside_the_logo_folder(client) -> None:
    # A file next to the logo folder that a path-traversal name would reach.
    planted = get_settings().data_dir / "uploads" / "planted.png"
    planted.parent.mkdir(parents=True, exist_ok=True)
    planted.write_bytes(tiny_png())
    for name in (
        "missing.png",
        "..%2Fplanted.png",
        "%2E%2E%2Fplanted.png",
        "..%5Cplanted.png",
        "..%2F..%2Fuploads%2Fplanted.png",
        ".hidden.png",
    ):
        response = await client.get(f"/media/logos/{name}")
        assert response.status_code == 404, name
        assert response.content != planted.read_bytes()
    assert (await client.get("/media/../uploads/planted.png")).status_code == 404


# --- coordinators edit their own organization -------------------------------------------------


async def test_coordinator_changes_contacts_but_not_the_fields_reserved_for_organizers(
    client,
) -> None:
    almaty = await make_organization("almaty", is_public=True)
    coordinator = await make_user("coordinator", organization_id=almaty["id"])
    await sign_in(client, coordinator)

    form = (await client.get("/en/manage/organizations/almaty/edit")).text
    assert 'name="website"' in form
    assert 'name="slug"' not in form and 'name="country"' not in form

    data = {
        "source_language": "en",
        "name_en": "Organization of Almaty",
        "name_ru": "Организация Алматы",
        "city_en": "Almaty",
        "timezone": "Asia/Almaty",
        "website": "https://almaty.example.kz",
        "contact_email": "Office@Almaty.example.kz",
        "contact_phone": "+7 727 000 00 00",
        # Fields a coordinator has no inputs for, sent anyway:
        "slug": "hijacked",
        "kind": "company",
        "country": "CN",
        "is_public": "",
    }
    response = await post_form(client, "/en/manage/organizations/almaty/edit", data)

    assert response.url.path == "/en/manage/organizations/almaty/"
    assert "https://almaty.example.kz" in response.text
    assert "office@almaty.example.kz" in response.text
    row = await Organization.select().where(Organization.id == almaty["id"]).first()
    assert row["slug"] == "almaty"
    assert row["kind"] == "partner_city"
    assert row["country"] == "KZ"
    assert row["is_public"] is True
    assert row["website"] == "https://almaty.example.kz"


async def test_an_edit_is_audit_logged_with_what_changed(client) -> None:
    almaty = await make_organization("almaty", website="https://old.example.kz")
    coordinator = await make_user("coordinator", organization_id=almaty["id"])
    await sign_in(client, coordinator)
    data = {
        "source_language": "en",
        "name_en": "Organization of Almaty",
        "city_en": "Almaty",
        "city_ru": "Алматы",
        "timezone": "Asia/Almaty",
        "website": "https://new.example.kz",
    }
    await post_form(client, "/en/manage/organizations/almaty/edit", data)

    entries = await AuditEntry.select().where(AuditEntry.action == "organization.update")
    assert len(entries) == 1
    entry = entries[0]
    assert entry["actor"] == coordinator["id"]
    assert entry["object_id"] == str(almaty["id"])
    assert entry["client"] == "203.0.113.7"
    before, after = json_value(entry["before"]), json_value(entry["after"])
    assert before["website"] == "https://old.example.kz"
    assert after["website"] == "https://new.example.kz"
    assert json_value(after["name"])["text"]["en"] == "Organization of Almaty"
    # Only what changed is recorded.
    assert "slug" not in after and "timezone" not in after


# --- public partner pages ---------------------------------------------------------------------


async def test_partners_page_groups_public_organizations_by_country(client) -> None:
    await make_organization(
        "xju",
        country="CN",
        kind="university",
        name={"source": "en", "text": {"en": "Xinjiang University"}},
    )
    await make_organization(
        "almaty", country="KZ", name={"source": "en", "text": {"en": "Akimat of Almaty"}}
    )
    await make_organization(
        "tashkent", country="UZ", name={"source": "en", "text": {"en": "Tashkent Khokimiyat"}}
    )
    await make_organization(
        "secret-lab",
        country="KZ",
        is_public=False,
        name={"source": "en", "text": {"en": "Unannounced Laboratory"}},
    )

    page = (await client.get("/en/partners/")).text

    sections = re.findall(r'<section aria-labelledby="country-(\w\w)">(.*?)</section>', page, re.S)
    assert [country for country, _ in sections] == ["CN", "KZ", "UZ"]
    by_country = dict(sections)
    assert "Xinjiang University" in by_country["CN"]
    assert "Akimat of Almaty" in by_country["KZ"]
    assert "Tashkent Khokimiyat" in by_country["UZ"]
    assert "Unannounced Laboratory" not in page
    assert "secret-lab" not in page


async def test_a_partner_that_is_not_public_has_no_page(client) -> None:
    await make_organization(
        "secret-lab",
        is_public=False,
        name={"source": "en", "text": {"en": "Unannounced Laboratory"}},
    )
    await make_organization("almaty")
    hidden = await client.get("/en/partners/secret-lab/")
    assert hidden.status_code == 404
    assert "Unannounced Laboratory" not in hidden.text
    assert (await client.get("/en/partners/no-such-partner/")).status_code == 404
    assert (await client.get("/en/partners/almaty/")).status_code == 200


async def test_names_show_in_the_page_language_and_mark_fallbacks(client) -> None:
    await make_organization(
        "almaty",
        name={"source": "ru", "text": {"ru": "Акимат города Алматы", "en": "Akimat of Almaty"}},
    )
    english = (await client.get("/en/partners/almaty/")).text
    russian = (await client.get("/ru/partners/almaty/")).text
    kazakh = (await client.get("/kk/partners/almaty/")).text

    assert "<h1>Akimat of Almaty</h1>" in english
    assert "<h1>Акимат города Алматы</h1>" in russian
    assert "Akimat of Almaty" not in russian
    # No Kazakh name: the source language (Russian) is shown and marked as a fallback.
    fallback = re.search(r'<h1><span lang="(\w+)" class="fallback"[^>]*>(.*?)</span></h1>', kazakh)
    assert fallback is not None, kazakh
    assert fallback.groups() == ("ru", "Акимат города Алматы")
    assert 'class="fallback"' not in english.split("<main", 1)[1]


# --- invitations ------------------------------------------------------------------------------


async def invite_coordinator(client: httpx.AsyncClient, **overrides: str) -> httpx.Response:
    data = {
        "email": "Aigul@Almaty.example.kz",
        "name": "Айгуль",
        "role": "coordinator",
        "organization": "almaty",
        "language": "ru",
    }
    data.update(overrides)
    return await post_form(client, "/en/manage/people/invite", data)


async def test_invited_coordinator_sets_a_password_from_the_mailed_link(
    client, run_jobs, mail_dir
) -> None:
    almaty = await make_organization("almaty")
    await sign_in_as_admin(client)
    response = await invite_coordinator(client)
    assert response.url.path == "/en/manage/organizations/almaty/"
    assert "The invitation is on its way." in response.text
    assert "aigul@almaty.example.kz" in response.text
    assert "Invitation not yet accepted" in response.text

    invited = await User.select().where(User.email == "aigul@almaty.example.kz").first()
    assert invited["role"] == "coordinator" and invited["language"] == "ru"
    assert invited["password_hash"] == ""
    assert await Membership.exists().where(
        (Membership.user == invited["id"]) & (Membership.organization == almaty["id"])
    )
    queued = await OutboxMessage.select().where(
        OutboxMessage.recipient == "aigul@almaty.example.kz"
    )
    assert [(row["template"], row["language"], row["status"]) for row in queued] == [
        ("account_invite", "ru", "queued")
    ]
    assert await jobqueue.redis().exists(f"arq:job:outbox:{queued[0]['id']}")  # the mail job

    await run_jobs()
    message = mail_to(mail_dir, "aigul@almaty.example.kz")
    path = link_path(message, "accept")
    assert path.startswith("/ru/account/accept/")
    assert await OutboxMessage.select(OutboxMessage.status).first() == {"status": "sent"}

    # Signed out: the link is for someone who has no password yet.
    await post_form(client, "/en/account/logout")
    form = await client.get(path)
    assert form.status_code == 200
    assert 'name="password_again"' in form.text
    assert "aigul@almaty.example.kz" in form.text

    en_path = path.replace("/ru/", "/en/", 1)
    mismatch = await post_form(
        client, en_path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD + "x"}
    )
    assert mismatch.status_code == 400
    assert "The two passwords do not match." in mismatch.text
    weak = await post_form(
        client, en_path, {"password": "password1", "password_again": "password1"}
    )
    assert weak.status_code == 400
    assert "Use at least 10 characters." in weak.text
    common = await post_form(
        client, en_path, {"password": "qwertyuiop", "password_again": "qwertyuiop"}
    )
    assert "This password is too common" in common.text
    assert "hongshan_session" not in client.cookies

    done = await post_form(client, path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.status_code == 200
    assert done.url.path == "/ru/account/"
    assert "aigul@almaty.example.kz" in done.text
    assert "hongshan_session" in client.cookies
    assert (await client.get("/en/manage/organizations/almaty/edit")).status_code == 200
    people = (await client.get("/en/manage/organizations/almaty/")).text
    assert "Invitation not yet accepted" not in people
    assert "Last signed in" in people

    # The link is spent.
    await post_form(client, "/en/account/logout")
    again = await client.get(path)
    assert again.status_code == 410
    assert "This link has expired or was already used." in (await client.get(en_path)).text
    reuse = await post_form(
        client,
        en_path,
        {"password": "another-fine-passphrase", "password_again": "another-fine-passphrase"},
    )
    assert reuse.status_code == 400
    assert "hongshan_session" not in client.cookies
    await sign_in(client, {"email": "aigul@almaty.example.kz", "password": NEW_PASSWORD})


async def test_inviting_an_address_that_already_has_an_account_is_refused(client) -> None:
    await make_organization("almaty")
    await make_user("member", email="aigul@almaty.example.kz")
    await sign_in_as_admin(client)
    response = await invite_coordinator(client)
    assert response.status_code == 400
    assert "An account with this e-mail address already exists." in response.text
    assert await OutboxMessage.count() == 0
    assert await User.count() == 2


async def test_a_coordinator_invitation_needs_an_organization(client) -> None:
    await sign_in_as_admin(client)
    response = await invite_coordinator(client, organization="")
    assert response.status_code == 400
    assert "A coordinator acts for an organization; choose one." in response.text
    assert await User.count() == 1


async def test_an_overlong_name_in_an_invitation_is_refused_rather_than_failing_on_save(
    client,
) -> None:
    await make_organization("almaty")
    await sign_in_as_admin(client)
    response = await invite_coordinator(client, name="Айгуль " * 40)
    assert response.status_code == 400
    assert 'id="f-name-error"' in response.text
    assert "Use at most 200 characters." in response.text
    assert await User.count() == 1
    assert await OutboxMessage.count() == 0


# --- password resets --------------------------------------------------------------------------


async def request_reset(client: httpx.AsyncClient, address: str) -> httpx.Response:
    return await post_form(client, "/en/account/forgot", {"email": address})


async def test_forgotten_password_is_replaced_through_the_mailed_link(
    client, run_jobs, mail_dir
) -> None:
    user = await make_user("member", email="nurlan@example.org", language="kk")
    response = await request_reset(client, "Nurlan@Example.org")
    assert "If an account exists for this address" in response.text

    await run_jobs()
    path = link_path(mail_to(mail_dir, "nurlan@example.org"), "reset")
    assert path.startswith("/kk/account/reset/")
    form = await client.get(path)
    assert form.status_code == 200 and 'name="password"' in form.text

    done = await post_form(client, path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})
    assert done.url.path == "/kk/account/"
    await post_form(client, "/en/account/logout")

    old = await post_form(
        client, "/en/account/login", {"email": user["email"], "password": PASSWORD}
    )
    assert old.status_code == 400
    assert "The e-mail address or password is not correct." in old.text
    await sign_in(client, {"email": user["email"], "password": NEW_PASSWORD})
    assert (await client.get(path)).status_code == 410


async def test_a_reset_for_an_unknown_address_looks_the_same_as_for_a_known_one(
    client, run_jobs, mail_dir
) -> None:
    await make_user("member", email="known@example.org")
    known = await request_reset(client, "known@example.org")
    unknown = await request_reset(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    await run_jobs()
    assert [m["To"] for m in mails(mail_dir)] == ["known@example.org"]
    assert await OutboxMessage.count() == 1


async def test_an_expired_reset_link_is_refused(client, run_jobs, mail_dir) -> None:
    user = await make_user("member", email="expired@example.org")
    await request_reset(client, user["email"])
    await run_jobs()
    path = link_path(mail_to(mail_dir, user["email"]), "reset")
    await AccountToken.update(
        {AccountToken.expires_at: datetime.now(UTC) - timedelta(minutes=1)}
    ).where(AccountToken.user == user["id"])

    en_path = re.sub(r"^/\w\w/", "/en/", path)
    page = await client.get(en_path)
    assert page.status_code == 410
    assert "This link has expired or was already used." in page.text
    assert 'name="password"' not in page.text
    refused = await post_form(
        client, en_path, {"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert refused.status_code == 400
    assert "hongshan_session" not in client.cookies
    await sign_in(client, user)  # the old password still works


# --- names that display differently from what they hold --------------------------------------


async def test_bidi_controls_are_dropped_from_organization_and_people_names(client) -> None:
    admin = await sign_in_as_admin(client)
    spoofed = "Bishkek \u202eertneC\u202c Innovation\u2066\u200f"
    await post_form(client, "/en/manage/organizations/new", organization_form(name_en=spoofed))
    row = await Organization.select().where(Organization.slug == "bishkek-innovation").first()
    assert json_value(row["name"])["text"]["en"] == "Bishkek ertneC Innovation"

    await post_form(
        client,
        "/en/account/preferences",
        {"name": "Nurlan \u202eevil\u202c", "language": "en", "timezone": "Asia/Almaty"},
    )
    user = await User.select(User.name).where(User.id == admin["id"]).first()
    assert user["name"] == "Nurlan evil"


async def test_invited_people_start_in_their_organizations_time_zone_or_beijing_time(
    client,
) -> None:
    await make_organization("almaty", timezone="Asia/Almaty")
    await sign_in_as_admin(client)
    await invite_coordinator(client)
    await invite_coordinator(
        client, email="reviewer@bureau.example.cn", role="reviewer", organization=""
    )

    zones = {row["email"]: row["timezone"] for row in await User.select(User.email, User.timezone)}
    assert zones["aigul@almaty.example.kz"] == "Asia/Almaty"
    assert zones["reviewer@bureau.example.cn"] == "Asia/Shanghai"


async def test_a_refused_organization_form_leaves_no_logo_file_behind(client) -> None:
    await sign_in_as_admin(client)
    await make_organization("taken-slug")
    logos = get_settings().data_dir / "uploads" / "logos"
    before = set(logos.glob("*")) if logos.exists() else set()
    attempts = {
        "bad website": organization_form(website="not a web address"),
        "short name taken": organization_form(slug="taken-slug"),
    }
    for label, form in attempts.items():
        response = await post_form(
            client,
            "/en/manage/organizations/new",
            form,
            files={"logo": ("logo.png", tiny_png(), "image/png")},
        )
        assert response.status_code == 400, label
    current = "/en/manage/organizations/taken-slug/edit"
    response = await post_form(
        client,
        current,
        organization_form(slug="taken-slug", website="nope"),
        files={"logo": ("logo.png", tiny_png(), "image/png")},
    )
    assert response.status_code == 400

    assert (set(logos.glob("*")) if logos.exists() else set()) == before
    assert await Organization.count() == 1
