"""What the public reads of the board: published demands and offers with filters (kind,
field, country, city, readiness level, licensing mode) and paging, one profile's page with
the suggestions that fit it, and the newest items for the Atom feed."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from cooperation.services import matching
from cooperation.services.lexicon import concept_name
from cooperation.services.profiles import public_fields
from cooperation.services.vocabulary import CITIES, LICENSING_LABELS
from cooperation.tables import Profile, ProfileKind, ProfileStatus
from core.i18n import current_language
from core.organizations import PARTNER_COUNTRIES
from core.paging import Page, paginate
from core.tables import Organization

PER_PAGE = 20
FEED_SIZE = 50
LISTING_COLUMNS = (
    Profile.id,
    Profile.kind,
    Profile.title,
    Profile.field,
    Profile.country,
    Profile.city,
    Profile.trl,
    Profile.licensing,
    Profile.deadline,
    Profile.budget_min,
    Profile.budget_max,
    Profile.currency,
    Profile.published_at,
    Profile.updated_at,
    Profile.organization,
)


@dataclass(frozen=True)
class Filters:
    kind: str = ""
    field: str = ""
    country: str = ""
    city: str = ""
    trl: int | None = None  # at least this readiness level
    licensing: str = ""

    @classmethod
    def parse(cls, raw: dict[str, str], fields: dict[str, str]) -> Filters:
        """Unknown values are dropped rather than refused: a filter link never breaks."""
        trl = raw.get("trl", "")
        country = raw.get("country", "").upper()
        return cls(
            kind=raw.get("kind", "") if raw.get("kind") in ProfileKind.__members__ else "",
            field=raw.get("field", "") if raw.get("field") in fields else "",
            country=country if country in PARTNER_COUNTRIES else "",
            city=raw.get("city", "") if raw.get("city") in CITIES else "",
            trl=int(trl) if trl.isdigit() and 1 <= int(trl) <= 9 else None,
            licensing=raw.get("licensing", "") if raw.get("licensing") in LICENSING_LABELS else "",
        )

    def as_query(self) -> dict[str, str]:
        return {k: "" if v is None else str(v) for k, v in asdict(self).items()}


def _where(filters: Filters) -> Any:
    clause = Profile.status == ProfileStatus.published.value
    if filters.kind:
        clause &= Profile.kind == filters.kind
    if filters.field:
        clause &= Profile.field == filters.field
    if filters.country:
        clause &= Profile.country == filters.country
    if filters.city:
        clause &= Profile.city == filters.city
    if filters.trl is not None:
        clause &= Profile.trl >= filters.trl
    if filters.licensing:
        clause &= Profile.licensing_keys.like(f"%|{filters.licensing}|%")
    return clause


async def listing(filters: Filters, page: int = 1, per_page: int = PER_PAGE) -> Page:
    where = _where(filters)
    query = (
        Profile.select(*LISTING_COLUMNS)
        .output(load_json=True)
        .where(where)
        .order_by(Profile.published_at, ascending=False)
        .order_by(Profile.id, ascending=False)
    )
    found = await paginate(query, Profile.count().where(where), page, per_page)
    await attach_organizations(found.items)
    return found


async def attach_organizations(rows: list[dict[str, Any]]) -> None:
    """Each row's organization as `organization_row` (name, country, kind)."""
    ids = sorted({row["organization"] for row in rows})
    if not ids:
        return
    found = await Organization.select(
        Organization.id, Organization.name, Organization.kind, Organization.country
    ).where(Organization.id.is_in(ids))
    by_id = {row["id"]: row for row in found}
    for row in rows:
        row["organization_row"] = by_id.get(row["organization"])


async def published(profile_id: int) -> dict[str, Any] | None:
    row = (
        await Profile.select()
        .output(load_json=True)
        .where((Profile.id == profile_id) & (Profile.status == ProfileStatus.published.value))
        .first()
    )
    return public_fields(row) if row else None


@dataclass(frozen=True)
class Suggestion:
    profile: dict[str, Any]
    match: matching.Match
    words: list[str]  # the query's words that the shared n-grams come from
    subjects: list[str]  # the lexicon's concepts both name, in the reader's language


async def suggestions(profile: dict[str, Any], limit: int = 5) -> list[Suggestion]:
    """Published profiles of the other kind that fit, with the reasons, best first."""
    found = await matching.suggestions(profile, limit)
    if not found:
        return []
    rows = (
        await Profile.select(*LISTING_COLUMNS)
        .output(load_json=True)
        .where(Profile.id.is_in([m.profile_id for m in found]))
    )
    await attach_organizations(rows)
    by_id = {row["id"]: row for row in rows}
    texts = matching.profile_texts(profile)
    lang = current_language()
    return [
        Suggestion(
            by_id[m.profile_id],
            m,
            matching.shared_words(texts, m.terms),
            [concept_name(key, lang) for key in m.concepts[:5]],
        )
        for m in found
        if m.profile_id in by_id
    ]


async def newest(limit: int = FEED_SIZE) -> list[dict[str, Any]]:
    rows = (
        await Profile.select(*LISTING_COLUMNS, Profile.description)
        .output(load_json=True)
        .where(Profile.status == ProfileStatus.published.value)
        .order_by(Profile.published_at, ascending=False)
        .limit(limit)
    )
    await attach_organizations(rows)
    return rows
