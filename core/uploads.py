"""Uploaded files: checked by content, not by name, and kept outside the web root."""

from __future__ import annotations

import io
import secrets
import zipfile
from pathlib import Path

from core.datafiles import private_dir, write_private
from core.i18n import format_size, gettext
from core.settings import get_settings

# Magic numbers of the image formats we accept. SVG is refused: it can carry scripts.
_IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "png",
    b"\xff\xd8\xff": "jpg",
}
MAX_LOGO_BYTES = 1024 * 1024
# What a request may carry unless its route allows more (larger bodies are refused unread).
MAX_FORM_BYTES = 10 * 1024 * 1024

# The part that makes an Office Open XML package a document, a workbook or a presentation.
OOXML_MAIN_PARTS = {
    "word/document.xml": "docx",
    "xl/workbook.xml": "xlsx",
    "ppt/presentation.xml": "pptx",
}


class UploadRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def image_kind(content: bytes) -> str | None:
    for signature, kind in _IMAGE_SIGNATURES.items():
        if content.startswith(signature):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "webp"
    return None


def limit_attributes(max_each: int, max_total: int) -> dict[str, str]:
    """Attributes of a file input that let static/uploads.js refuse, before anything is
    sent, a file or a set of files the server would refuse: the form stays as it is."""
    return {
        "data-max-bytes": str(max_each),
        "data-max-total-bytes": str(max_total),
        "data-too-large": gettext(
            "A file you chose is larger than %(size)s. Choose a smaller one; nothing was sent.",
            size=format_size(max_each),
        ),
        "data-too-large-total": gettext(
            "The files you chose come to more than %(size)s in all. Attach fewer at a time; "
            "nothing was sent.",
            size=format_size(max_total),
        ),
    }


def office_package_kind(content: bytes) -> str | None:
    """docx/xlsx/pptx when the zip is an Office package without macros; None otherwise.
    Only the directory is read, nothing is decompressed."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return None  # macro-enabled: refused
    for part, kind in OOXML_MAIN_PARTS.items():
        if part in names:
            return kind
    return None


def folder(name: str) -> Path:
    private_dir(get_settings().data_dir / "uploads")
    return private_dir(get_settings().data_dir / "uploads" / name)


def check_image(content: bytes, max_bytes: int = MAX_LOGO_BYTES) -> str:
    """The image's kind ("png", "jpg", "webp"); UploadRefused says why it is not accepted."""
    if len(content) > max_bytes:
        raise UploadRefused(
            gettext("The file is too large (at most %(size)s).", size=f"{max_bytes // 1024} KB")
        )
    kind = image_kind(content)
    if kind is None:
        raise UploadRefused(gettext("Upload a PNG, JPEG or WebP image."))
    return kind


def store_image(
    content: bytes, folder_name: str, prefix: str, max_bytes: int = MAX_LOGO_BYTES
) -> str:
    """Save an image under a fresh random name and return that name."""
    kind = check_image(content, max_bytes)
    name = f"{prefix}-{secrets.token_hex(8)}.{kind}"
    write_private(folder(folder_name) / name, content)
    return name


def remove(folder_name: str, name: str) -> None:
    path = stored_path(folder_name, name)
    if path is not None:
        path.unlink(missing_ok=True)


def stored_path(folder_name: str, name: str) -> Path | None:
    """The file for a name from a URL, or None: names never leave their folder."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = folder(folder_name) / name
    return path if path.is_file() else None
