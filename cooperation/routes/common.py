"""What the board's controllers share: the label tables every template gets, the files of a
multi-file field, and the no-store header of every personal page."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import CacheControlHeader, UploadFile

from cooperation.services.vocabulary import CURRENCIES, TRL_LEVELS, all_labels
from core.i18n import LANGUAGES
from core.organizations import PARTNER_COUNTRIES

NO_STORE = CacheControlHeader(no_store=True)


def labels() -> dict[str, Any]:
    return {
        "labels": all_labels(),
        "countries": PARTNER_COUNTRIES,
        "currencies": CURRENCIES,
        "trl_options": [(str(level), str(level)) for level in TRL_LEVELS],
        "currency_options": [(code, code) for code in CURRENCIES],
        "content_languages": LANGUAGES,
    }


async def uploaded_files(request: Request, name: str) -> tuple[bytes, ...]:
    """The contents of every file chosen in the multi-file field `name`."""
    form = await request.form()
    found = []
    for upload in form.getall(name, []):
        if isinstance(upload, UploadFile) and upload.filename:
            found.append(await upload.read())
    return tuple(found)
