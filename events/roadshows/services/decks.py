"""Pitch decks: a PDF or a PowerPoint presentation (PPTX, without macros), at most 20 MB,
judged by its content, kept under <data>/uploads/roadshows with a random name, and handed
out under the submission's code only, so a file name never tells a blind reviewer whose it is."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from core.i18n import gettext
from core.uploads import UploadRefused, folder, office_package_kind, stored_path

FOLDER = "roadshows"
MAX_BYTES = 20 * 1024 * 1024
MAX_REQUEST_BYTES = MAX_BYTES + 1024 * 1024
ACCEPT = ".pdf,.pptx"
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def kind_of(content: bytes) -> str:
    """ "pdf" or "pptx", or a refusal in the reader's language."""
    if not content:
        raise UploadRefused(gettext("The file is empty."))
    if len(content) > MAX_BYTES:
        raise UploadRefused(gettext("The file is too large (at most %(size)s).", size="20 MB"))
    if content.startswith(b"%PDF-"):
        return "pdf"
    if office_package_kind(content) == "pptx":
        return "pptx"
    raise UploadRefused(
        gettext("Upload the deck as a PDF or a PowerPoint file (PPTX) without macros.")
    )


def store(content: bytes, kind: str) -> str:
    name = f"{secrets.token_hex(16)}.{kind}"
    (folder(FOLDER) / name).write_bytes(content)
    return name


def remove(name: str) -> None:
    path = stored_path(FOLDER, name)
    if path is not None:
        path.unlink(missing_ok=True)


@dataclass(frozen=True)
class Deck:
    path: Path
    filename: str  # "<code>-deck.pdf": never the applicant's own file name
    content_type: str


def deck_of(submission: dict[str, object]) -> Deck | None:
    path = stored_path(FOLDER, str(submission["deck_file"]))
    if path is None:
        return None
    kind = str(submission["deck_kind"])
    return Deck(path, f"{submission['code']}-deck.{kind}", CONTENT_TYPES[kind])
