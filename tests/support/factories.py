"""Small factories for test data, and helpers that act as a browser would (CSRF, sign-in)."""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx

from core.accounts import create_user
from core.content import Translated
from core.tables import AuditEntry, Organization

PASSWORD = "correct-horse-battery-staple"
_numbers = itertools.count(1)


async def audit(action: str) -> list[dict[str, Any]]:
    """The audit log's entries for `action`, oldest first, with what changed as dicts."""
    rows = await AuditEntry.select().where(AuditEntry.action == action).order_by(AuditEntry.id)
    for row in rows:
        for key in ("before", "after"):
            row[key] = json.loads(row[key]) if isinstance(row[key], str) else row[key]
    return rows


async def make_organization(slug: str | None = None, **fields: Any) -> dict[str, Any]:
    number = next(_numbers)
    slug = slug or f"org-{number}"
    values: dict[str, Any] = {
        "slug": slug,
        "name": Translated.of("en", en=f"Organization {number}", ru=f"Организация {number}").dump(),
        "kind": "partner_city",
        "country": "KZ",
        "city": Translated.of("en", en="Almaty", ru="Алматы").dump(),
        "timezone": "Asia/Almaty",
    }
    values.update(fields)
    organization = Organization(**values)
    await organization.save()
    return {"id": organization.id, **values}


async def make_user(
    role: str = "member",
    *,
    email: str | None = None,
    organization_id: int | None = None,
    language: str = "en",
    name: str = "",
) -> dict[str, Any]:
    email = email or f"user{next(_numbers)}@example.org"
    user_id = await create_user(
        email,
        role=role,
        name=name or email.split("@")[0],
        language=language,
        password=PASSWORD,
        organization_id=organization_id,
    )
    return {"id": user_id, "email": email, "password": PASSWORD}


async def csrf_token(client: httpx.AsyncClient) -> str:
    if "hongshan_csrf" not in client.cookies:
        await client.get("/en/account/login")
    return client.cookies["hongshan_csrf"]


async def post_form(
    client: httpx.AsyncClient, url: str, data: dict[str, Any] | None = None, **kwargs: Any
) -> httpx.Response:
    """POST a form the way the site's own pages do, with the CSRF token."""
    token = await csrf_token(client)
    return await client.post(url, data={**(data or {}), "_csrf_token": token}, **kwargs)


async def sign_in(client: httpx.AsyncClient, user: dict[str, Any]) -> httpx.Response:
    response = await post_form(
        client, "/en/account/login", {"email": user["email"], "password": user["password"]}
    )
    assert response.status_code == 200, response.text[:500]
    return response
