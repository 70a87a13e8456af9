"""Demo content of the cooperation board: institutions of the glossary and companies of the
partner cities, 20 offers and 15 demands in their posters' languages, guides for Urumqi,
Almaty and Tashkent (Urumqi's in two versions), and a few expressions of interest — one
accepted, so both sides' contacts show. Loaded once; nothing happens the second time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from cooperation.demo_data import GUIDES, ORGANIZATIONS, PROFILES, USERS
from cooperation.services import guides, matching
from cooperation.services.vocabulary import city_country
from cooperation.tables import InterestRequest, InterestStatus, Profile, ProfileStatus
from core.access import Viewer
from core.accounts import create_user
from core.content import Translated
from core.demo import DEMO_PASSWORD
from core.tables import Organization, User

# Published over the last weeks, so the board, the feed and a first digest have content.
START = datetime(2026, 11, 2, 4, tzinfo=UTC)


def _translated(values: tuple[str, str, str, str]) -> dict[str, Any]:
    zh, ru, kk, en = values
    return Translated.of("zh", zh=zh, ru=ru, kk=kk, en=en).dump()


async def _organizations() -> dict[str, int]:
    for slug, kind, country, zone, names, cities in ORGANIZATIONS:
        if not await Organization.exists().where(Organization.slug == slug):
            await Organization(
                slug=slug,
                kind=kind,
                country=country,
                timezone=zone,
                name=_translated(names),
                city=_translated(cities),
            ).save()
    rows = await Organization.select(Organization.id, Organization.slug)
    return {row["slug"]: row["id"] for row in rows}


async def _users(ids: dict[str, int]) -> None:
    for email, role, slug, name, language in USERS:
        if not await User.exists().where(User.email == email):
            await create_user(
                email,
                role=role,
                name=name,
                language=language,
                password=DEMO_PASSWORD,
                organization_id=ids[slug],
            )


def _contact(slug: str, number: int) -> dict[str, str]:
    return {
        "contact_name": f"Demo contact {number}",
        "contact_email": f"cooperation.{slug}@example.org",
        "contact_phone": f"+86 991 000 {number:04d}",
    }


async def _profiles(ids: dict[str, int]) -> list[int]:
    made = []
    for number, (kind, slug, field, city, source, titles, texts, extra) in enumerate(PROFILES):
        values: dict[str, Any] = {
            "kind": kind,
            "organization": ids[slug],
            "title": Translated(source=source, text=titles).dump(),
            "description": Translated(source=source, text=texts).dump(),
            "partner_wanted": Translated(source=source).dump(),
            "field": field,
            "city": city,
            "country": city_country(city),
            "partner_kinds": [],
            "licensing": extra.get("licensing", []),
            "licensing_keys": "|" + "|".join(extra["licensing"]) + "|"
            if "licensing" in extra
            else "",
            "images": [],
            "status": ProfileStatus.published.value,
            "published_at": START + timedelta(hours=17 * number),
            "updated_at": START + timedelta(hours=17 * number),
            **_contact(slug, number + 1),
            **{k: v for k, v in extra.items() if k != "licensing"},
        }
        values["terms"] = matching.features(values)
        inserted = await Profile.insert(Profile(**values)).returning(Profile.id)
        made.append(int(inserted[0]["id"]))
    return made


async def _requests(ids: dict[str, int], profile_ids: list[int]) -> None:
    """Tashkent Pharm asks Xinjiang Medical University about its extraction process
    (accepted: both see the contacts), Ala-Too Energy asks about the cleaning robot
    (waiting for an answer)."""
    by_title = {}
    for profile_id in profile_ids:
        row = (
            await Profile.select(Profile.id, Profile.title, Profile.organization)
            .output(load_json=True)
            .where(Profile.id == profile_id)
            .first()
        )
        assert row is not None
        by_title[Translated.load(row["title"]).show("zh").text] = row
    plans = [
        (
            "维吾尔医药用植物标准化提取工艺",
            "tashkent-pharm",
            "ru",
            InterestStatus.accepted,
            "Нас интересует лицензия на технологию для производства в Ташкенте.",
        ),
        (
            "荒漠光伏电站组件无水清洁机器人",
            "ala-too-energy",
            "ru",
            InterestStatus.pending,
            "Готовы испытать робота на нашей станции у Иссык-Куля.",
        ),
    ]
    for title, slug, language, status, message in plans:
        profile = by_title[title]
        moment = START + timedelta(days=20)
        await InterestRequest(
            profile=profile["id"],
            organization=ids[slug],
            message=message,
            language=language,
            contact_name="Demo contact",
            contact_email=f"interest.{slug}@example.org",
            contact_phone="+998 71 000 0000",
            status=status.value,
            requester_consented_at=moment,
            owner_consented_at=moment + timedelta(days=1)
            if status == InterestStatus.accepted
            else None,
            decided_at=moment + timedelta(days=1) if status == InterestStatus.accepted else None,
            created_at=moment,
            profile_organization=f"{profile['id']}:{ids[slug]}",
        ).save()


async def _guides(admin: Viewer) -> None:
    for city, year, versions in GUIDES:
        for titles, priorities, contacts, note in versions:
            source = next(iter(titles))
            data = {"city": city, "year": str(year), "source_language": source, "note": note}
            for column, texts in (
                ("title", titles),
                ("priorities", priorities),
                ("contacts", contacts),
            ):
                data.update({f"{column}_{lang}": text for lang, text in texts.items()})
            await guides.publish_version(admin, data, None)


async def load_cooperation_demo() -> None:
    admin_row = await User.select(User.id).where(User.email == "admin@example.org").first()
    if admin_row is None or await Profile.exists():
        return
    ids = await _organizations()
    await _users(ids)
    profile_ids = await _profiles(ids)
    await _requests(ids, profile_ids)
    await _guides(Viewer(id=admin_row["id"], role="admin", language="zh"))
    print("Demo cooperation board: 20 offers, 15 demands, guides (/en/cooperation/);")
    print("  company@example.org (a Kazakh company), institute@example.org (a Chinese institute).")
