"""Reading the mail the site wrote to its file spool, as a recipient would."""

from __future__ import annotations

import email
import re
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path


def mails(mail_dir: Path) -> list[EmailMessage]:
    found = []
    for path in sorted(mail_dir.glob("*.eml")):
        found.append(email.message_from_bytes(path.read_bytes(), policy=default_policy))
    return found


def mails_to(mail_dir: Path, recipient: str) -> list[EmailMessage]:
    return [m for m in mails(mail_dir) if m["To"] == recipient]


def mail_to(mail_dir: Path, recipient: str) -> EmailMessage:
    matching = mails_to(mail_dir, recipient)
    assert len(matching) == 1, [m["To"] for m in mails(mail_dir)]
    return matching[0]


def link_path(message: EmailMessage, kind: str) -> str:
    """The site path of the accept/reset link in the plain-text part."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(rf"http://testserver\.local(/\w\w/account/{kind}/[\w-]+)", text)
    assert found, text
    return found.group(1)
