"""Images and PDF brochures of offers: checked by their content (never their name), capped in
size, kept under <data>/uploads/cooperation with random names and served only while the
profile they belong to may be seen."""

from __future__ import annotations

import secrets

from core.i18n import gettext
from core.uploads import UploadRefused, folder, store_image

FOLDER = "cooperation"
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_IMAGES = 4
PDF_SIGNATURE = b"%PDF-"


def store_pdf(content: bytes, prefix: str) -> str:
    """Save a PDF under a fresh random name; anything that is not a PDF is refused."""
    if len(content) > MAX_PDF_BYTES:
        raise UploadRefused(
            gettext(
                "The file is too large (at most %(size)s).", size=f"{MAX_PDF_BYTES // 2**20} MB"
            )
        )
    if not content.startswith(PDF_SIGNATURE):
        raise UploadRefused(gettext("Upload a PDF file."))
    name = f"{prefix}-{secrets.token_hex(8)}.pdf"
    (folder(FOLDER) / name).write_bytes(content)
    return name


def store_picture(content: bytes, prefix: str) -> str:
    return store_image(content, FOLDER, prefix, max_bytes=MAX_IMAGE_BYTES)


def remove(names: list[str]) -> None:
    """Files of a save that failed after they were written."""
    for name in names:
        path = folder(FOLDER) / name
        if name and path.is_file():
            path.unlink()
