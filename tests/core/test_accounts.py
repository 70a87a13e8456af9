"""Signing in and out, sessions, rate limits, CSRF and security headers."""

import os
import subprocess
import sys
from urllib.parse import quote

from core import passwords
from core.tables import User
from tests.support.factories import (
    PASSWORD,
    csrf_token,
    make_organization,
    make_user,
    post_form,
    sign_in,
)


async def test_sign_in_lands_on_the_desk_with_a_fresh_session(client) -> None:
    user = await make_user("member")
    client.cookies.set(
        domain="testserver.local", name="hongshan_session", value="planted-by-an-attacker"
    )
    response = await sign_in(client, user)
    assert response.url.path == "/en/manage/"
    assert "<h1>Your desk</h1>" in response.text
    assert client.cookies["hongshan_session"] != "planted-by-an-attacker"


async def test_wrong_password_is_refused_in_the_page_language(client) -> None:
    user = await make_user()
    english = await post_form(
        client, "/en/account/login", {"email": user["email"], "password": "nope"}
    )
    russian = await post_form(
        client, "/ru/account/login", {"email": user["email"], "password": "nope"}
    )
    assert english.status_code == russian.status_code == 400
    assert "The e-mail address or password is not correct." in english.text
    assert "The e-mail address or password is not correct." not in russian.text
    assert "hongshan_session" not in client.cookies


async def test_repeated_failures_for_one_account_are_answered_with_429(client) -> None:
    user = await make_user()
    for _ in range(5):
        await post_form(
            client, "/en/account/login", {"email": user["email"], "password": "wrong-password"}
        )
    response = await post_form(
        client, "/en/account/login", {"email": user["email"], "password": PASSWORD}
    )
    assert response.status_code == 429
    assert int(response.headers["retry-after"]) > 0
    assert "Too many attempts" in response.text


async def test_sign_out_ends_the_session(client) -> None:
    await sign_in(client, await make_user())
    cookie = client.cookies["hongshan_session"]
    await post_form(client, "/en/account/logout")
    client.cookies.set(domain="testserver.local", name="hongshan_session", value=cookie)
    response = await client.get("/en/account/", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/en/account/login?next=")


async def test_a_form_without_the_csrf_token_changes_nothing(client) -> None:
    user = await make_user()
    response = await client.post(
        "/en/account/login", data={"email": user["email"], "password": PASSWORD}
    )
    assert response.status_code == 403
    assert "hongshan_session" not in client.cookies


async def test_pages_carry_security_headers(client) -> None:
    for path in ("/en/", "/en/no-such-page", "/healthz"):
        headers = (await client.get(path)).headers
        assert "unsafe-inline" not in headers["content-security-policy"]
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "strict-origin-when-cross-origin"


async def test_session_cookie_is_http_only_and_same_site(client) -> None:
    user = await make_user()
    response = await post_form(
        client,
        "/en/account/login",
        {"email": user["email"], "password": PASSWORD},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


async def test_changing_the_password_signs_out_other_devices(client, app) -> None:
    user = await make_user()
    await sign_in(client, user)
    other_device = client.cookies["hongshan_session"]
    response = await post_form(
        client,
        "/en/account/password",
        {"current_password": PASSWORD, "new_password": "a-brand-new-passphrase"},
    )
    assert "Your password was changed." in response.text
    assert client.cookies["hongshan_session"] != other_device
    client.cookies.set(domain="testserver.local", name="hongshan_session", value=other_device)
    assert (await client.get("/en/account/", follow_redirects=False)).status_code == 303


def test_passwords_are_hashed_with_owasp_argon2id_unless_configured_otherwise(tmp_path) -> None:
    """The suite itself hashes with the cheapest parameters; a process started without
    HONGSHAN_PASSWORD_HASHING (empty: a developer's .env cannot fill it in) uses OWASP's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HONGSHAN_")}
    env.update(HONGSHAN_DATA_DIR=str(tmp_path), HONGSHAN_PASSWORD_HASHING="")
    script = (
        "from core import passwords\n"
        "hashed = passwords.hash_password('a-long-enough-secret')\n"
        "print(hashed, passwords.verify_password(hashed, 'a-long-enough-secret'))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    hashed, verified = result.stdout.split()
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert verified == "True"


def test_common_passwords_are_refused() -> None:
    assert passwords.password_problem("password123") is not None
    assert passwords.password_problem("short") is not None
    assert passwords.password_problem("jane.doe-2026-secret", "jane.doe@example.org") is not None
    assert passwords.password_problem("violet-steppe-apricot") is None


async def test_an_account_name_keeps_no_bidi_controls() -> None:
    user = await make_user(name="Timur \u202etxt.exe\u2069")
    row = await User.select(User.name).where(User.id == user["id"]).first()
    assert row["name"] == "Timur txt.exe"


async def test_a_form_sent_while_signed_out_returns_to_its_page_after_signing_in(client) -> None:
    organization = await make_organization("almaty")
    admin = await make_user("admin")
    form_page = f"/en/manage/organizations/{organization['slug']}/edit"
    await csrf_token(client)

    refused = await post_form(
        client,
        "/en/manage/feeds/7/check",  # answers POST only
        headers={"referer": f"http://testserver.local{form_page}?tab=1"},
        follow_redirects=False,
    )
    assert refused.status_code == 303
    assert refused.headers["location"] == f"/en/account/login?next={quote(form_page + '?tab=1')}"

    login = await client.get(refused.headers["location"])
    assert f'value="{form_page}?tab=1"' in login.text
    signed_in = await post_form(
        client,
        "/en/account/login",
        {"email": admin["email"], "password": admin["password"], "next": f"{form_page}?tab=1"},
    )
    assert signed_in.status_code == 200
    assert signed_in.url.path == form_page


async def test_a_form_sent_while_signed_out_from_elsewhere_goes_to_plain_sign_in(client) -> None:
    await csrf_token(client)
    for referer in ("https://evil.example/phish", ""):
        refused = await post_form(
            client,
            "/en/manage/feeds/7/check",
            headers={"referer": referer} if referer else {},
            follow_redirects=False,
        )
        assert refused.headers["location"] == "/en/account/login"
