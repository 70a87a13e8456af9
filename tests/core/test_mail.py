"""Building a mail: templates rendered in the recipient's language, the message, transports."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest
from babel.support import NullTranslations
from markupsafe import escape

from core import i18n, mail
from core.i18n import LANGUAGES

INVITE = {
    "name": "Aigerim",
    "inviter": "Li & <Wei>",
    "link": "/ru/account/accept/tok123",
    "valid_days": 7,
}
RESET = {"name": "", "link": "/en/account/reset/tok456", "valid_minutes": 60}
KINDS = [("account_invite", INVITE), ("password_reset", RESET)]


def in_language(language: str, msgid: str, **variables: object) -> str:
    with i18n.language(language):
        return i18n.gettext(msgid, **variables)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("kind", "context"), KINDS)
def test_each_mail_kind_renders_in_the_recipients_language(language, kind, context) -> None:
    rendered = mail.render(kind, language, context)

    assert f'<html lang="{language}">' in rendered.html
    assert in_language(language, "Hongshan") in rendered.html
    assert rendered.subject and "\n" not in rendered.subject
    assert f"<title>{escape(rendered.subject)}</title>" in rendered.html
    assert rendered.text.strip()


def test_links_in_mails_are_absolute_on_the_public_site() -> None:
    invite = mail.render("account_invite", "ru", INVITE)
    reset = mail.render("password_reset", "en", RESET)

    assert "http://testserver.local/ru/account/accept/tok123" in invite.text
    assert 'href="http://testserver.local/ru/account/accept/tok123"' in invite.html
    assert "http://testserver.local/en/account/reset/tok456" in reset.text
    assert 'href="http://testserver.local/en/account/reset/tok456"' in reset.html


def test_names_are_escaped_in_the_html_part_only() -> None:
    rendered = mail.render("account_invite", "en", INVITE)

    assert rendered.subject == "Li & <Wei> invited you to Hongshan"
    assert "Li & <Wei> invited you" in rendered.text
    assert "Li &amp; &lt;Wei&gt; invited you" in rendered.html
    assert "<Wei>" not in rendered.html


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("days", [1, 3, 5, 21])
def test_the_invitations_validity_uses_the_plural_form_of_the_language(language, days) -> None:
    rendered = mail.render("account_invite", language, {**INVITE, "valid_days": days})

    expected = i18n.translations(language).ungettext(
        "The link works for %(count)s day.", "The link works for %(count)s days.", days
    ) % {"count": days}
    assert expected in rendered.text
    assert expected in rendered.html


class Marking(NullTranslations):
    """A pseudo-language that brackets every translated string."""

    def ugettext(self, message: str) -> str:
        return f"⟦{message}⟧"

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        return f"⟦{singular if n == 1 else plural}⟧"


@pytest.mark.parametrize(("kind", "context"), KINDS)
def test_every_sentence_a_reader_sees_goes_through_the_catalog(monkeypatch, kind, context) -> None:
    monkeypatch.setattr(i18n, "translations", lambda _language: Marking())

    rendered = mail.render(kind, "en", {**context, "name": "NAME", "inviter": "INVITER"})

    visible_html = re.sub(r"<[^>]+>", " ", rendered.html)
    for part in (rendered.subject, rendered.text, visible_html):
        leftover = re.sub(r"⟦[^⟧]*⟧", " ", part)
        leftover = re.sub(r"http://testserver\.local\S*", " ", leftover)
        assert re.fullmatch(r"[\s\-]*", leftover), f"not translatable: {leftover.strip()!r}"


def test_a_message_has_text_and_html_parts_and_a_stable_message_id() -> None:
    rendered = mail.render("account_invite", "kk", INVITE)
    sender = "Hongshan <noreply@hongshan.example>"

    message = mail.build_message(sender, "ana@example.org", "account-invite:7:abc", rendered)
    again = mail.build_message(sender, "ana@example.org", "account-invite:7:abc", rendered)
    other = mail.build_message(sender, "ana@example.org", "account-invite:8:abc", rendered)

    parsed = message_from_bytes(bytes(message), policy=policy.default)
    assert parsed.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in parsed.iter_parts()] == [
        "text/plain",
        "text/html",
    ]
    assert parsed["Subject"] == rendered.subject
    assert parsed["Message-ID"] == again["Message-ID"] != other["Message-ID"]
    assert parsed["Message-ID"].endswith("@hongshan.example>")


def test_the_mail_url_configures_the_smtp_transport() -> None:
    transport = mail.SmtpTransport("smtp://user%40org:p%3Ass@mail.example:2525?starttls=true")
    assert (transport.hostname, transport.port) == ("mail.example", 2525)
    assert (transport.username, transport.password) == ("user@org", "p:ss")
    assert transport.starttls and not transport.implicit_tls and transport.verify

    implicit = mail.SmtpTransport("smtps://relay.example?verify=false")
    assert (implicit.port, implicit.implicit_tls, implicit.verify) == (465, True, False)
    assert implicit.username is None

    assert mail.SmtpTransport("smtp://relay.example").port == 587
    with pytest.raises(ValueError, match="starttls"):
        mail.SmtpTransport("smtps://relay.example?starttls=true")
    with pytest.raises(ValueError, match="scheme"):
        mail.transport_for("http://relay.example")


async def test_the_file_transport_writes_one_eml_per_key_and_a_repeat_overwrites(
    tmp_path,
) -> None:
    transport = mail.transport_for(f"file://{tmp_path / 'out'}")
    rendered = mail.render("password_reset", "zh", RESET)
    first = mail.build_message("noreply@example.org", "a@example.org", "reset:1", rendered)
    second = mail.build_message("noreply@example.org", "b@example.org", "reset:2", rendered)

    await transport.send(first, "reset:1")
    await transport.send(second, "reset:2")
    await transport.send(first, "reset:1")

    files = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert files == ["reset_1.eml", "reset_2.eml"]
    stored = message_from_bytes(
        (tmp_path / "out" / "reset_1.eml").read_bytes(), policy=policy.default
    )
    assert stored["To"] == "a@example.org"
    assert stored["Subject"] == in_language("zh", "Reset your Hongshan password")
