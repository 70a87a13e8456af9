"""What invitees receive: a real SMTP server (aiosmtpd on 127.0.0.1) that keeps what it
accepts, and the mails the file transport wrote, read back with their personal links."""

from __future__ import annotations

import re
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller

from core import i18n

LINK = re.compile(
    r"http://testserver\.local(/(zh|ru|kk|en)/invitations/([A-Za-z0-9_-]+)/(accept|decline)?)"
)
START_ATTEMPTS = 10


class Mailbox:
    """An aiosmtpd handler: keeps each message it accepts (as a mail server commits it, on its
    "250" to the data) and refuses recipients when told to."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], EmailMessage]] = []
        self.refusals: dict[str, str] = {}
        self.lock = threading.Lock()

    def refuse(self, reply: str, recipient: str = "*") -> None:
        self.refusals[recipient] = reply

    def accept_all(self) -> None:
        self.refusals.clear()

    def to(self, recipient: str) -> list[EmailMessage]:
        with self.lock:
            return [message for rcpts, message in self.received if recipient in rcpts]

    def subjects(self) -> dict[str, list[str]]:
        """The subject of every message accepted, by recipient."""
        found: dict[str, list[str]] = {}
        with self.lock:
            for recipients, message in self.received:
                for recipient in recipients:
                    found.setdefault(recipient, []).append(str(message["Subject"]))
        return found

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        reply = self.refusals.get(address, self.refusals.get("*"))
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(mailbox: Mailbox) -> Controller:
    """The mailbox behind a started SMTP server. A port found free can be taken by another
    process before the server binds it (tests run in parallel): then another port is tried."""
    for _attempt in range(START_ATTEMPTS):
        controller = Controller(mailbox, hostname="127.0.0.1", port=_free_port())
        try:
            controller.start()
        except OSError:
            continue
        return controller
    raise RuntimeError(f"no free port for an SMTP server in {START_ATTEMPTS} attempts")


def mails(mail_dir: Path, prefix: str = "invitation_") -> dict[str, list[EmailMessage]]:
    """The mails the file transport wrote so far, by recipient."""
    found: dict[str, list[EmailMessage]] = {}
    for path in sorted(mail_dir.glob(f"{prefix}*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert isinstance(message, EmailMessage)
        found.setdefault(str(message["To"]), []).append(message)
    return found


def plain(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    return part.get_content()


def links(message: EmailMessage) -> dict[str, str]:
    """The personal links of a mail: {"page", "accept", "decline"} → path."""
    found = {}
    for match in LINK.finditer(plain(message)):
        found[match.group(4) or "page"] = match.group(1)
    if "accept" in found:
        found["page"] = found["accept"].removesuffix("accept")
    return found


def in_language(lang: str, msgid: str, **variables: object) -> str:
    with i18n.language(lang):
        return i18n.gettext(msgid, **variables)
