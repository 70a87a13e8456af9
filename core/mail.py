"""Building and delivering one e-mail: rendering in the recipient's language, and transports.

Transports: `file://DIR` writes one `.eml` per message (the embedded default), and
`smtp://user:pass@host:port?starttls=true` (or `smtps://` for implicit TLS) uses aiosmtplib;
`verify=false` accepts a server certificate that does not verify (a self-signed relay).
"""

from __future__ import annotations

import base64
import hashlib
import os
import ssl
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from functools import cache
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

import aiosmtplib
from jinja2 import Environment

from core import i18n
from core.datafiles import private_dir, write_private
from core.settings import get_settings
from core.templating import create_environment

SMTP_TIMEOUT_S = 30

SMTP_POLICY = SMTP.clone(max_line_length=998)


class PermanentMailError(Exception):
    """The server refused for good (5xx): retrying cannot help."""


class TransientMailError(Exception):
    """Worth trying again later: 4xx replies, timeouts, refused connections."""


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str
    # Files to attach, as the context gave them: {"filename", "content_type", "data_b64"}.
    attachments: tuple[dict[str, str], ...] = ()
    # Bulk mail (digests): the one-click unsubscribe address (RFC 8058), else empty.
    list_unsubscribe: str = ""


@cache
def _environments() -> tuple[Environment, Environment]:
    html_env = create_environment()
    return html_env, html_env.overlay(autoescape=False)


def _render_block(env: Environment, template: str, block: str, context: dict[str, Any]) -> str:
    compiled = env.get_template(f"mail/{template}.html")
    return "".join(compiled.blocks[block](compiled.new_context(context))).strip()


def render(template: str, language: str, context: dict[str, Any]) -> RenderedMail:
    """Each message kind is one template, `templates/mail/<kind>.html`, extending the mail
    layout: its `subject` and `text` blocks are rendered without HTML escaping, the whole
    template (layout and `content` block) with it as the HTML part."""
    html_env, text_env = _environments()
    full = {**context, "base_url": get_settings().base_url, "lang": language}
    with i18n.language(language):
        subject = " ".join(_render_block(text_env, template, "subject", full).split())
        text = _render_block(text_env, template, "text", full)
        html = html_env.get_template(f"mail/{template}.html").render(full)
    attachments = tuple(context.get("attachments") or ())
    return RenderedMail(
        subject=subject,
        text=text + "\n",
        html=html,
        attachments=attachments,
        list_unsubscribe=str(context.get("list_unsubscribe") or ""),
    )


def message_id(key: str, sender: str) -> str:
    """The same for every copy of one message: if a send is repeated after the server took it
    but before we could record that, receivers that de-duplicate on Message-ID drop the copy."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "hongshan.localhost"
    readable = "".join(c if c.isalnum() or c in "-_" else "." for c in key)[:60]
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"<{readable}.{digest}@{domain}>"


def build_message(sender: str, recipient: str, key: str, mail: RenderedMail) -> EmailMessage:
    # The default policy folds long non-Latin subjects at 78 columns and can lose the space
    # between two encoded words there ("конференцияға шақыру" arrives joined); RFC 5322
    # allows 998.
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id(key, sender)
    if mail.list_unsubscribe:
        message["List-Unsubscribe"] = f"<{mail.list_unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        # "text/calendar; charset=utf-8; method=PUBLISH" → the type and its parameters
        kind, *extra = (part.strip() for part in attachment["content_type"].split(";"))
        maintype, _slash, subtype = kind.partition("/")
        message.add_attachment(
            base64.b64decode(attachment["data_b64"], validate=True),
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=attachment["filename"],
            params=dict(part.split("=", 1) for part in extra if "=" in part),
        )
    return message


class Transport(Protocol):
    async def send(self, message: EmailMessage, key: str) -> None: ...


class FileTransport:
    """Writes `<key>.eml`; the name comes from the idempotency key, so a repeat overwrites."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def send(self, message: EmailMessage, key: str) -> None:
        private_dir(self.folder)
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in key)
        target = self.folder / f"{safe}.eml"
        partial = target.with_suffix(".eml.part")
        write_private(partial, bytes(message))
        os.replace(partial, target)


class SmtpTransport:
    """One connection per message: a relay is expected to be close by, and a fresh session
    keeps one message's failure (a dropped connection, a 4xx) from touching the next."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        query = {k: v[-1].lower() for k, v in parse_qs(parts.query).items()}
        self.hostname = parts.hostname or "127.0.0.1"
        self.implicit_tls = parts.scheme == "smtps"
        self.port = parts.port or (465 if self.implicit_tls else 587)
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.starttls = query.get("starttls") in {"1", "true", "yes"}
        self.verify = query.get("verify", "true") not in {"0", "false", "no"}
        if self.implicit_tls and self.starttls:
            raise ValueError("smtps:// is TLS from the start; starttls=true is for smtp://")
        # Loading the system's CA store is slow: build the TLS context once, and only for TLS.
        self.tls_context = self._tls_context() if self.implicit_tls or self.starttls else None

    def _tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context()
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    async def send(self, message: EmailMessage, key: str) -> None:
        try:
            await aiosmtplib.send(
                message,
                hostname=self.hostname,
                port=self.port,
                username=self.username,
                password=self.password,
                use_tls=self.implicit_tls,
                start_tls=self.starttls,
                tls_context=self.tls_context,
                timeout=SMTP_TIMEOUT_S,
            )
        except aiosmtplib.SMTPResponseException as error:
            reason = f"{error.code} {error.message}"
            if 500 <= error.code < 600:
                raise PermanentMailError(reason) from error
            raise TransientMailError(reason) from error
        except aiosmtplib.SMTPRecipientsRefused as error:
            codes = [refusal.code for refusal in error.recipients]
            reason = "; ".join(f"{r.code} {r.message}" for r in error.recipients)
            if all(500 <= code < 600 for code in codes):
                raise PermanentMailError(reason) from error
            raise TransientMailError(reason) from error
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            raise TransientMailError(f"{type(error).__name__}: {error}") from error


@cache
def transport_for(url: str) -> Transport:
    """Transports hold only their configuration, so one per URL serves every send."""
    scheme = url.split(":", 1)[0]
    if scheme == "file":
        return FileTransport(Path(url.removeprefix("file://")))
    if scheme in {"smtp", "smtps"}:
        return SmtpTransport(url)
    raise ValueError(f"Unsupported mail URL scheme: {scheme}")


def configured_transport() -> Transport:
    """The transport `HONGSHAN_MAIL_URL` names: the one place the outbox gets it from."""
    return transport_for(get_settings().mail_url)
