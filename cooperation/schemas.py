"""JSON shapes of the board's read API (msgspec Structs) and how rows become them. Contact
details are not part of any shape: they reach nobody through the API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import Meta, Struct

from core.schemas import Language as Language  # re-exported: routes annotate with it
from core.schemas import TranslatedText, text
from core.settings import get_settings


class ProfileSummary(Struct, kw_only=True):
    """A published technology demand or offer as listed."""

    id: int
    kind: Annotated[Literal["demand", "offer"], Meta(description="A demand or an offer.")]
    title: TranslatedText
    organization: Annotated[TranslatedText, Meta(description="The posting organization.")]
    field: Annotated[str, Meta(description="Technology field (a key of the shared taxonomy).")]
    country: Annotated[str, Meta(description="ISO 3166-1 alpha-2 code.")]
    city: Annotated[str, Meta(description="City key, e.g. `almaty`.")]
    trl: Annotated[int | None, Meta(description="Technology readiness level 1–9 (offers).")]
    licensing: Annotated[
        list[Literal["sale", "licence", "use_first_pay_later", "joint_development"]],
        Meta(description="How an offer may be licensed."),
    ]
    deadline: Annotated[date | None, Meta(description="Until when a demand is open.")]
    published_at: Annotated[datetime | None, Meta(description="When it was published (UTC).")]
    url: Annotated[str, Meta(description="Its page, in the requested language.")]


class ProfileDetail(ProfileSummary, kw_only=True):
    """A published demand or offer in full (contact details are never included: they are
    shared only between two organizations that both consented)."""

    description: TranslatedText
    partner_wanted: TranslatedText
    budget_min: int | None
    budget_max: int | None
    currency: Annotated[str, Meta(description="ISO 4217 code of the budget; may be empty.")]
    ip_rights: Annotated[str, Meta(description="Patents and applications (offers).")]


class ProfileList(Struct, kw_only=True):
    items: list[ProfileSummary]
    page: int
    per_page: int
    total: int
    pages: int


class GuideSummary(Struct, kw_only=True):
    """A city's cooperation guide for one year, in its current version."""

    city: str
    year: int
    version: Annotated[int, Meta(description="The current version's number, from 1.")]
    title: TranslatedText
    priorities: TranslatedText
    pdf_url: Annotated[str | None, Meta(description="The guide as a PDF, when there is one.")]
    url: str


class ApiError(Struct, kw_only=True):
    status_code: int
    detail: str


def _summary_fields(row: dict[str, Any], lang: str) -> dict[str, Any]:
    organization = row.get("organization_row") or {}
    return {
        "id": row["id"],
        "kind": row["kind"],
        "title": text(row["title"], lang),
        "organization": text(organization.get("name"), lang),
        "field": row["field"],
        "country": row["country"],
        "city": row["city"],
        "trl": row["trl"],
        "licensing": list(row["licensing"] or []),
        "deadline": row["deadline"],
        "published_at": row["published_at"],
        "url": f"{get_settings().base_url}/{lang}/cooperation/{row['id']}/",
    }


def summary(row: dict[str, Any], lang: str) -> ProfileSummary:
    return ProfileSummary(**_summary_fields(row, lang))


def detail(row: dict[str, Any], lang: str) -> ProfileDetail:
    return ProfileDetail(
        **_summary_fields(row, lang),
        description=text(row["description"], lang),
        partner_wanted=text(row["partner_wanted"], lang),
        budget_min=row["budget_min"],
        budget_max=row["budget_max"],
        currency=row["currency"],
        ip_rights=row["ip_rights"],
    )


def guide(row: dict[str, Any], lang: str) -> GuideSummary:
    base = get_settings().base_url
    version = row["version"] or {}
    return GuideSummary(
        city=row["city"],
        year=row["year"],
        version=row["current_version"],
        title=text(version.get("title"), lang),
        priorities=text(version.get("priorities"), lang),
        pdf_url=f"{base}/media/cooperation/{version['pdf']}" if version.get("pdf") else None,
        url=f"{base}/{lang}/cooperation/guides/{row['city']}/{row['year']}/",
    )


# --- examples for the OpenAPI document -------------------------------------------------------

_BASE = "https://hongshan.example.org"


def _t(value: str, lang: str = "en", fallback: bool = False) -> dict[str, Any]:
    return {"text": value, "lang": lang, "fallback": fallback}


EXAMPLE_SUMMARY: dict[str, Any] = {
    "id": 42,
    "kind": "offer",
    "title": _t("Drip irrigation under plastic mulch for cotton fields"),
    "organization": _t("Xinjiang Agricultural University"),
    "field": "water",
    "country": "CN",
    "city": "urumqi",
    "trl": 8,
    "licensing": ["licence", "use_first_pay_later"],
    "deadline": None,
    "published_at": "2026-11-10T04:00:00Z",
    "url": f"{_BASE}/en/cooperation/42/",
}
EXAMPLE_LIST: dict[str, Any] = {
    "items": [EXAMPLE_SUMMARY],
    "page": 1,
    "per_page": 20,
    "total": 1,
    "pages": 1,
}
EXAMPLE_DETAIL: dict[str, Any] = {
    **EXAMPLE_SUMMARY,
    "description": _t("膜下滴灌系统，节水40%以上，适用于干旱地区。", lang="zh", fallback=True),
    "partner_wanted": _t("Farms and water utilities in Central Asia."),
    "budget_min": None,
    "budget_max": None,
    "currency": "",
    "ip_rights": "CN 2019 1 0123456.7",
}
EXAMPLE_GUIDES: list[dict[str, Any]] = [
    {
        "city": "almaty",
        "year": 2026,
        "version": 2,
        "title": _t("Almaty cooperation guide 2026"),
        "priorities": _t("Water saving, animal health, solar energy."),
        "pdf_url": f"{_BASE}/media/cooperation/guide-almaty-2026-5f1c2a9e0b7d4c3a.pdf",
        "url": f"{_BASE}/en/cooperation/guides/almaty/2026/",
    }
]
EXAMPLE_NOT_FOUND: dict[str, Any] = {"status_code": 404, "detail": "Not Found"}


def check_examples() -> None:
    """The examples really have the documented shape (tests call this)."""
    msgspec.convert(EXAMPLE_LIST, ProfileList)
    msgspec.convert(EXAMPLE_DETAIL, ProfileDetail)
    msgspec.convert(EXAMPLE_GUIDES, list[GuideSummary])
    msgspec.convert(EXAMPLE_NOT_FOUND, ApiError)
