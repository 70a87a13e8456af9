"""Files a team attaches to milestones and reports: checked by their content (not their name),
capped in size, kept under <data>/uploads/projects with random names, and handed out only
to those allowed to see the project — as downloads, never run or rendered as pages.

A save checks every file before it writes anything: `check` refuses, `stage` writes the
checked files to disk, and the caller inserts their rows in its own transaction (`insert`),
calling `discard` if that transaction fails, so a refused or failed save leaves nothing.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from core.access import Viewer, require
from core.audit import record
from core.datafiles import write_private
from core.errors import ValidationFailed
from core.i18n import gettext
from core.uploads import UploadRefused, folder, image_kind, office_package_kind, stored_path
from projects.services.forms import Upload
from projects.services.projects import ProjectScope
from projects.tables import Attachment

FOLDER = "projects"
MAX_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_SAVE = 10
# A request carries the form as well as the files; anything larger is refused by the server
# before it is read (413) — still nothing is written.
MAX_REQUEST_BYTES = MAX_BYTES + 4 * 1024 * 1024
LIMITS = {"max_file_bytes": MAX_BYTES, "max_request_bytes": MAX_REQUEST_BYTES}  # for forms
NAME_MAX = 200

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}
IMAGE_EXTENSIONS = frozenset({"png", "jpg", "webp"})
# Other spellings of an extension that name the same kind of file.
SAME_KIND = {"jpeg": "jpg", "jpe": "jpg"}
ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.doc,.xls,.ppt"


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the name it is offered for download under, its extension fixed to its kind
    content: bytes
    extension: str

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.extension]


@dataclass(frozen=True)
class StagedFile:
    checked: CheckedFile
    stored_name: str


def _extension_of(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower().lstrip(".")
    return SAME_KIND.get(suffix, suffix)


def sniff(content: bytes, name: str = "") -> str | None:
    """The extension of an allowed kind of file, judged by its bytes; None when refused."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if kind := image_kind(content):
        return kind
    if content.startswith(ZIP_SIGNATURE):
        return office_package_kind(content)
    if content.startswith(OLE_SIGNATURE):
        # A legacy Office file says what it is only deep inside; its name decides among the
        # three kinds we accept (anything else in an OLE container is refused).
        extension = _extension_of(name)
        return extension if extension in {"doc", "xls", "ppt"} else None
    return None


def clean_name(name: str, extension: str) -> str:
    """The person's file name without folders or control characters, ending in the
    extension of what the file really is."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip(" .")
    stem = base
    if "." in base and _extension_of(base) in (set(CONTENT_TYPES) | set(SAME_KIND)):
        stem = base.rsplit(".", 1)[0]
    stem = stem.strip(" .")[: NAME_MAX - len(extension) - 1] or "file"
    return f"{stem}.{extension}"


def check(upload: Upload) -> CheckedFile:
    """Accept the file or refuse it with a message for the person who sent it."""
    if len(upload.content) > MAX_BYTES:
        raise UploadRefused(
            gettext("“%(name)s” is too large (at most %(size)s).", name=upload.name, size="20 MB")
        )
    if not upload.content:
        raise UploadRefused(gettext("“%(name)s” is empty.", name=upload.name))
    extension = sniff(upload.content, upload.name)
    if extension is None:
        raise UploadRefused(
            gettext(
                "“%(name)s” is not a file we accept. Upload a PDF, an image (PNG, JPEG, WebP) "
                "or an office document (Word, Excel, PowerPoint) without macros.",
                name=upload.name,
            )
        )
    return CheckedFile(clean_name(upload.name, extension), upload.content, extension)


def check_all(uploads: list[Upload], field: str, errors: dict[str, str]) -> list[CheckedFile]:
    """Check every file; the first refusal goes into `errors[field]`."""
    uploads = [upload for upload in uploads if upload.name or upload.content]
    if len(uploads) > MAX_FILES_PER_SAVE:
        errors[field] = gettext("Attach at most %(num)d files at a time.", num=MAX_FILES_PER_SAVE)
        return []
    checked = []
    for upload in uploads:
        try:
            checked.append(check(upload))
        except UploadRefused as refusal:
            errors[field] = refusal.message
            return []
    return checked


def stage(checked: list[CheckedFile]) -> list[StagedFile]:
    """Write checked files under fresh random names (nothing in the database yet)."""
    target = folder(FOLDER)
    staged: list[StagedFile] = []
    try:
        for item in checked:
            stored = f"{secrets.token_hex(16)}.{item.extension}"
            write_private(target / stored, item.content)
            staged.append(StagedFile(item, stored))
    except OSError:
        discard(staged)
        raise
    return staged


def discard(staged: list[StagedFile]) -> None:
    for item in staged:
        path = stored_path(FOLDER, item.stored_name)
        if path is not None:
            path.unlink(missing_ok=True)


async def insert(
    staged: list[StagedFile],
    *,
    project_id: int,
    uploaded_by: int | None,
    milestone_id: int | None = None,
    report_id: int | None = None,
    report_version: int | None = None,
) -> list[int]:
    ids = []
    for item in staged:
        row = Attachment(
            project=project_id,
            milestone=milestone_id,
            report=report_id,
            report_version=report_version,
            original_name=item.checked.name,
            stored_name=item.stored_name,
            content_type=item.checked.content_type,
            size=len(item.checked.content),
            uploaded_by=uploaded_by,
        )
        await row.save()
        ids.append(int(row.id))
    return ids


# --- reading and handing out ---------------------------------------------------------------------

_COLUMNS = (
    Attachment.id,
    Attachment.milestone,
    Attachment.report,
    Attachment.report_version,
    Attachment.removed_in_version,
    Attachment.original_name,
    Attachment.content_type,
    Attachment.size,
    Attachment.uploaded_at,
    Attachment.uploaded_by.name.as_alias("uploaded_by_name"),
)


def _with_kind(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["is_image"] = row["content_type"].startswith("image/")
    return rows


async def for_milestones(milestone_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    if not milestone_ids:
        return {}
    rows = _with_kind(
        await Attachment.select(*_COLUMNS)
        .where(Attachment.milestone.is_in(milestone_ids))
        .order_by(Attachment.id)
    )
    grouped: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["milestone"], []).append(row)
    return grouped


async def for_report(report_id: int) -> list[dict[str, Any]]:
    """Every file ever attached to a report, with the versions it belongs to."""
    return _with_kind(
        await Attachment.select(*_COLUMNS)
        .where(Attachment.report == report_id)
        .order_by(Attachment.id)
    )


def in_version(rows: list[dict[str, Any]], number: int) -> list[dict[str, Any]]:
    """The files that were part of report version `number`."""
    return [
        row
        for row in rows
        if (row["report_version"] or 0) <= number
        and (row["removed_in_version"] is None or row["removed_in_version"] > number)
    ]


async def get(current: ProjectScope, attachment_id: int) -> dict[str, Any] | None:
    return (
        await Attachment.select()
        .where((Attachment.id == attachment_id) & (Attachment.project == current.id))
        .first()
    )


@dataclass(frozen=True)
class Download:
    path: Path
    name: str
    content_type: str
    inline: bool  # images may show in the page; everything else is only downloaded


async def download(viewer: Viewer, current: ProjectScope, attachment_id: int) -> Download | None:
    """The file to hand out, if this viewer may see the project's working side."""
    require(viewer, "project.view", current)
    row = await get(current, attachment_id)
    if row is None:
        return None
    path = stored_path(FOLDER, row["stored_name"])
    if path is None:
        return None
    extension = path.suffix.lstrip(".")
    content_type = CONTENT_TYPES.get(extension, "application/octet-stream")
    return Download(
        path=path,
        name=row["original_name"],
        content_type=content_type,
        inline=extension in IMAGE_EXTENSIONS,
    )


async def remove_milestone_file(
    actor: Viewer, current: ProjectScope, attachment_id: int, client: str = ""
) -> dict[str, Any]:
    """Delete a milestone's evidence file (milestones keep no versions, so the file goes)."""
    require(actor, "project.edit", current)
    row = await get(current, attachment_id)
    if row is None or row["milestone"] is None:
        raise ValidationFailed({"": gettext("This file was already removed.")})
    await Attachment.delete().where(Attachment.id == attachment_id)
    path = stored_path(FOLDER, row["stored_name"])
    if path is not None:
        path.unlink(missing_ok=True)
    await record(
        actor,
        "milestone.file_remove",
        "milestone",
        row["milestone"],
        client=client,
        before={"attachment": attachment_id, "name": row["original_name"]},
    )
    return row
