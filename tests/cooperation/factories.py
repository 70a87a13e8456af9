"""Factories for the cooperation board: organizations with a poster each, demands and offers
in any language (published straight away unless told otherwise), and guides."""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, datetime
from typing import Any

from cooperation.services import matching
from cooperation.tables import Profile
from core import passwords
from core.access import Viewer
from core.content import Translated
from core.tables import Membership, User
from tests.support.factories import PASSWORD, make_organization

_numbers = itertools.count(1)


@functools.cache
def password_hash() -> str:
    return passwords.hash_password(PASSWORD)


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


async def make_poster(
    kind: str = "company", *, country: str = "KZ", city_en: str = "Almaty", language: str = "en"
) -> dict[str, Any]:
    """An organization and one account acting for it; returns the user (with `organization`)
    and a `viewer` for calling services directly."""
    number = next(_numbers)
    organization = await make_organization(
        f"coop-org-{number}",
        kind=kind,
        country=country,
        city=Translated.of("en", en=city_en).dump(),
        name=Translated.of("en", en=f"Organization {number}").dump(),
    )
    # Straight into the table with one cached hash: argon2 is slow on purpose, and the access
    # matrix makes four posters per case.
    account = User(
        email=f"poster{number}@example.org",
        name=f"Poster {number}",
        role="member",
        language=language,
        password_hash=password_hash(),
    )
    await account.save()
    await Membership(user=account.id, organization=organization["id"]).save()
    user: dict[str, Any] = {"id": account.id, "email": account.email, "password": PASSWORD}
    user["organization"] = organization
    user["viewer"] = Viewer(
        id=user["id"],
        email=user["email"],
        name=f"Poster {number}",
        role="member",
        language=language,
        organization_ids=frozenset({organization["id"]}),
    )
    return user


async def make_profile(
    poster: dict[str, Any],
    kind: str = "demand",
    *,
    title: dict[str, str] | None = None,
    description: dict[str, str] | None = None,
    source: str | None = None,
    status: str = "published",
    **fields: Any,
) -> dict[str, Any]:
    number = next(_numbers)
    title = title or {"en": f"Profile {number}"}
    source = source or next(iter(title))
    values: dict[str, Any] = {
        "kind": kind,
        "organization": poster["organization"]["id"],
        "posted_by": poster["id"],
        "title": Translated(source=source, text=title).dump(),
        "description": Translated(source=source, text=description or {}).dump(),
        "partner_wanted": Translated(source=source).dump(),
        "field": "water",
        "country": "KZ",
        "city": "almaty",
        "partner_kinds": [],
        "licensing": ["licence"] if kind == "offer" else [],
        "licensing_keys": "|licence|" if kind == "offer" else "",
        "trl": 6 if kind == "offer" else None,
        "images": [],
        "contact_name": f"Secret Contact {number}",
        "contact_email": f"secret{number}@contact.example.org",
        "contact_phone": f"+7 700 000 {number:04d}",
        "status": status,
        "published_at": datetime(2026, 11, 10, tzinfo=UTC) if status == "published" else None,
    }
    values.update(fields)
    values["terms"] = matching.features(values)
    profile = Profile(**values)
    await profile.save()
    return await Profile.select().where(Profile.id == profile.id).first()  # type: ignore[return-value]
