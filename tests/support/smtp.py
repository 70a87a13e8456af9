"""A real SMTP server (aiosmtpd on 127.0.0.1) for tests, and the app's mail pointed at it."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, TypeVar

import pytest
from aiosmtpd.controller import Controller

from core import mail
from tests.support.ports import free_port

Handler = TypeVar("Handler")


@dataclass
class Received:
    recipients: list[str]
    message: EmailMessage
    login: str | None
    tls: bool


class Mailbox:
    """An aiosmtpd handler: keeps what it accepts, refuses recipients when told to.

    A message counts as received only when the server answers "250" to its data, as a real
    mail server commits it; a client that hangs up before that has sent nothing.
    """

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.refusals: dict[str, str] = {}
        self.delay = 0.0
        self.data_started = threading.Event()

    def refuse(self, reply: str, recipient: str = "*") -> None:
        self.refusals[recipient] = reply

    def accept_all(self) -> None:
        self.refusals.clear()

    def to(self, recipient: str) -> list[EmailMessage]:
        return [r.message for r in self.received if recipient in r.recipients]

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options) -> str:
        reply = self.refusals.get(address, self.refusals.get("*"))
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope) -> str:
        self.data_started.set()
        await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        login = session.auth_data.login.decode() if session.auth_data else None
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.received.append(Received(list(envelope.rcpt_tos), message, login, tls))
        return "250 Message accepted for delivery"


class SmtpServers:
    """Starts SMTP servers on free ports and points the app's mail (as HONGSHAN_MAIL_URL
    would) at the one started last; `stop()` ends them all."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self._controllers: list[Controller] = []

    def start(
        self, handler: Handler, *, url_userinfo: str = "", url_query: str = "", **options: Any
    ) -> Handler:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, **options)
        controller.start()
        self._controllers.append(controller)
        scheme = "smtps" if options.get("ssl_context") else "smtp"
        url = f"{scheme}://{url_userinfo}127.0.0.1:{port}{url_query}"
        self._monkeypatch.setattr(mail, "configured_transport", lambda: mail.transport_for(url))
        return handler

    def stop(self) -> None:
        for controller in self._controllers:
            controller.stop()
        self._controllers.clear()
