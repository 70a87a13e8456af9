"""Cooperation guides: each city's guide for a year — priority areas, contacts, a PDF — with
every version kept. The bureau publishes guides for any city, a partner city's coordinator
for their own city; readers see the current version and can open the earlier ones."""

from __future__ import annotations

from typing import Any

from litestar.exceptions import NotFoundException, PermissionDeniedException

from cooperation.services import files
from cooperation.services.interest import city_of_organizations
from cooperation.services.profiles import now
from cooperation.services.vocabulary import CITIES
from cooperation.tables import Guide, GuideVersion
from core.access import Viewer
from core.audit import record
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from core.tables import Role
from core.translated_forms import (
    check_length,
    require_source_text,
    row_form_values,
    source_language,
    translated,
)
from core.uploads import UploadRefused

YEARS = range(2020, 2100)


async def cities_for(viewer: Viewer) -> list[str]:
    """The cities whose guides `viewer` may publish."""
    if viewer.is_admin:
        return list(CITIES)
    if viewer.has_role(Role.coordinator):
        mine = await city_of_organizations(viewer.organization_ids)
        return [city for city in CITIES if city in mine]
    return []


async def publish_version(
    viewer: Viewer, data: dict[str, str], pdf: bytes | None, client: str = ""
) -> tuple[str, int]:
    """A new version of the guide of (city, year) — its first one creates the guide.
    Returns (city, year)."""
    allowed = await cities_for(viewer)
    if not allowed:
        raise PermissionDeniedException()
    errors: dict[str, str] = {}
    city = data.get("city", "")
    if city not in CITIES:
        errors["city"] = gettext("Choose a city.")
    elif city not in allowed:
        raise PermissionDeniedException()  # another city's guide: not offered on the form
    year = int(data["year"]) if data.get("year", "").isdigit() else 0
    if year not in YEARS:
        errors["year"] = gettext("Enter a year such as 2026.")
    source = source_language(data, errors)
    texts = {}
    for column, limit in (("title", 200), ("priorities", 8000), ("contacts", 2000)):
        content = translated(data, column, source)
        check_length(content, column, limit, errors)
        if column != "contacts":
            require_source_text(content, column, errors)
        texts[column] = content.dump()
    stored = ""
    if pdf is not None and not errors:
        try:
            stored = files.store_pdf(pdf, f"guide-{city}-{year}")
        except UploadRefused as refused:
            errors["pdf"] = refused.message
    if errors:
        raise ValidationFailed(errors)
    key = f"{city}:{year}"
    async with write_transaction():
        guide = await Guide.select().where(Guide.city_year == key).first()
        moment = now()
        if guide is None:
            inserted = await Guide.insert(
                Guide(city=city, year=year, city_year=key, published_at=moment)
            ).returning(Guide.id, Guide.current_version, Guide.published_at)
            guide = {**inserted[0], "pdf": ""}
        previous = (
            await GuideVersion.select(GuideVersion.pdf)
            .where(GuideVersion.guide == guide["id"])
            .order_by(GuideVersion.number, ascending=False)
            .first()
        )
        number = guide["current_version"] + 1
        await GuideVersion.insert(
            GuideVersion(
                guide=guide["id"],
                number=number,
                pdf=stored or (previous["pdf"] if previous else ""),
                note=data.get("note", "")[:500],
                created_by=viewer.id,
                created_at=moment,
                guide_number=f"{guide['id']}:{number}",
                **texts,
            )
        )
        await Guide.update(
            {
                Guide.current_version: number,
                Guide.is_published: True,
                Guide.updated_at: moment,
                Guide.published_at: guide["published_at"] or moment,
            }
        ).where(Guide.id == guide["id"])
    await record(viewer, "cooperation.guide", "cooperation_guide", key, client=client)
    return city, year


async def published_guides() -> list[dict[str, Any]]:
    """Published guides with their current version's title, by city then the newest year."""
    rows = (
        await Guide.select().where(Guide.is_published == True).order_by(Guide.year, ascending=False)
    )
    versions = await _current_versions([row["id"] for row in rows])
    order = list(CITIES)
    for row in rows:
        row["version"] = versions.get(row["id"])
    return sorted(
        rows, key=lambda r: (order.index(r["city"]) if r["city"] in order else 99, -r["year"])
    )


async def _current_versions(ids: list[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await GuideVersion.select().where(GuideVersion.guide.is_in(ids))
    latest: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["number"] > latest.get(row["guide"], {"number": 0})["number"]:
            latest[row["guide"]] = row
    return latest


async def guide(city: str, year: int, number: int | None = None) -> dict[str, Any]:
    """A published guide with the version asked for (the current one by default) and the
    list of all its versions; 404 when there is none."""
    row = (
        await Guide.select()
        .where((Guide.city_year == f"{city}:{year}") & (Guide.is_published == True))
        .first()
    )
    if row is None:
        raise NotFoundException()
    versions = (
        await GuideVersion.select()
        .where(GuideVersion.guide == row["id"])
        .order_by(GuideVersion.number, ascending=False)
    )
    wanted = number or row["current_version"]
    shown = next((v for v in versions if v["number"] == wanted), None)
    if shown is None:
        raise NotFoundException()
    return {"guide": row, "version": shown, "versions": versions}


async def newest_versions(since: Any, until: Any) -> list[dict[str, Any]]:
    """Guide versions published in [since, until), for digests."""
    return (
        await GuideVersion.select(
            GuideVersion.id,
            GuideVersion.title,
            GuideVersion.number,
            GuideVersion.created_at,
            GuideVersion.guide.city.as_alias("city"),
            GuideVersion.guide.year.as_alias("year"),
        )
        .where((GuideVersion.created_at >= since) & (GuideVersion.created_at < until))
        .order_by(GuideVersion.created_at)
    )


async def stored_pdf_visible(name: str) -> bool:
    """Is this PDF part of a published guide?"""
    return await GuideVersion.exists().where(
        (GuideVersion.pdf == name) & (GuideVersion.guide.is_published == True)
    )


async def form_values(city: str, year: int) -> dict[str, str]:
    """The current version of a guide as the form's inputs, to start its next version."""
    try:
        found = await guide(city, year)
    except NotFoundException:
        return {"city": city, "year": str(year)}
    values = row_form_values(found["version"], ("title", "priorities", "contacts"))
    return {**values, "city": city, "year": str(year)}
