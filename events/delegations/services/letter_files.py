"""Visa letters as files: a letter's file name, the files a letters mail carries, one letter's
PDF and the letters of a delegation or of a whole event as one zip archive. Letters carry
passport data in clear: every download is audit-logged."""

from __future__ import annotations

import base64
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any

from core.access import Viewer
from core.audit import record
from core.spreadsheets import Download
from events.delegations.services import passports
from events.delegations.tables import LetterStatus, VisaLetter

PDF = "application/pdf"


def letter_filename(letter: dict[str, Any], name_latin: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9]+", "-", name_latin).strip("-")[:60] or "member"
    return f"{letter['reference']}-{safe}.pdf"


def _file(row: dict[str, Any]) -> bytes:
    return passports.open_bytes(row["content"], "visa_letter")


async def attachments(delegation_id: int, batch: int) -> list[dict[str, str]]:
    """The ready letters of one round, as a mail's attachments."""
    rows = (
        await VisaLetter.select(
            VisaLetter.reference,
            VisaLetter.content,
            VisaLetter.delegate.name_latin.as_alias("name_latin"),
        )
        .where(
            (VisaLetter.delegation == delegation_id)
            & (VisaLetter.batch == batch)
            & (VisaLetter.status == LetterStatus.ready)
        )
        .order_by(VisaLetter.sequence)
    )
    return [
        {
            "filename": _in_root(row),
            "content_type": PDF,
            "data_b64": base64.b64encode(_file(row)).decode("ascii"),
        }
        for row in rows
    ]


async def letter_download(viewer: Viewer, letter_id: int, client: str = "") -> Download | None:
    """One letter's PDF for the foreign-affairs office; None when there is no such file."""
    row = (
        await VisaLetter.select(
            VisaLetter.id,
            VisaLetter.reference,
            VisaLetter.content,
            VisaLetter.delegation,
            VisaLetter.status,
            VisaLetter.delegate.name_latin.as_alias("name_latin"),
        )
        .where(VisaLetter.id == letter_id)
        .first()
    )
    kept = (LetterStatus.ready, LetterStatus.superseded)
    if row is None or row["status"] not in kept or not row["content"]:
        return None
    content = _file(row)
    await record(
        viewer,
        "visa_letter.download",
        "visa_letter",
        letter_id,
        client=client,
        after={"delegation": row["delegation"], "reference": row["reference"]},
    )
    return Download(_in_root(row), PDF, content)


async def _ready(condition: Any) -> list[dict[str, Any]]:
    return (
        await VisaLetter.select(
            VisaLetter.reference,
            VisaLetter.content,
            VisaLetter.delegate.name_latin.as_alias("name_latin"),
            VisaLetter.delegation.organization.slug.as_alias("organization_slug"),
            VisaLetter.event.slug.as_alias("event_slug"),
        )
        .where(condition & (VisaLetter.status == LetterStatus.ready))
        .order_by(VisaLetter.sequence)
    )


Place = Callable[[dict[str, Any]], str]  # a letter's path inside the archive


def _in_root(row: dict[str, Any]) -> str:
    return letter_filename(row, row["name_latin"])


def _by_organization(row: dict[str, Any]) -> str:
    return f"{row['organization_slug']}/{_in_root(row)}"


async def _archive(
    viewer: Viewer, target: tuple[str, int], rows: list[dict[str, Any]], place: Place, client: str
) -> Download | None:
    if not rows:
        return None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row in rows:
            archive.writestr(place(row), _file(row))
    object_type, object_id = target
    await record(
        viewer,
        "visa_letter.archive",
        object_type,
        object_id,
        client=client,
        after={"letters": len(rows)},
    )
    scope = "all" if object_type == "event" else f"delegation-{object_id}"
    filename = f"visa-letters-{rows[0]['event_slug']}-{scope}.zip"
    return Download(filename, "application/zip", buffer.getvalue())


async def delegation_archive(
    viewer: Viewer, delegation_id: int, client: str = ""
) -> Download | None:
    """The delegation's current letters as one zip archive; None when it has none."""
    rows = await _ready(VisaLetter.delegation == delegation_id)
    return await _archive(viewer, ("delegation", delegation_id), rows, _in_root, client)


async def event_archive(viewer: Viewer, event_id: int, client: str = "") -> Download | None:
    """Every delegation's current letters to the event, a folder per organization."""
    rows = await _ready(VisaLetter.event == event_id)
    return await _archive(viewer, ("event", event_id), rows, _by_organization, client)
