"""Fixtures for invitation tests: an empty mail folder for each test, and a real SMTP server
(aiosmtpd on 127.0.0.1) with the app's mail pointed at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from core import mail
from tests.events.invitations.mailbox import Mailbox, serve


@pytest.fixture(autouse=True)
def empty_mail_folder(mail_dir: Path) -> None:
    """The file transport's folder is shared by the whole run: start each test without mail."""
    for path in mail_dir.glob("*.eml"):
        path.unlink()


@pytest.fixture
def start_smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], Mailbox]]:
    """Start a real SMTP server and send the app's mail to it; stopped after the test."""
    controllers: list[Controller] = []

    def start() -> Mailbox:
        mailbox = Mailbox()
        controller = serve(mailbox)
        controllers.append(controller)
        url = f"smtp://127.0.0.1:{controller.port}"
        monkeypatch.setattr(mail, "configured_transport", lambda: mail.transport_for(url))
        return mailbox

    yield start
    for controller in controllers:
        controller.stop()
