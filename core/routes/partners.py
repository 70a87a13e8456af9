"""The public face of partner organizations, and their logos."""

from __future__ import annotations

from litestar import get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import File, Template

from core import organizations
from core.domains import load_domains
from core.feeds import queries as feed_queries
from core.pagecache import PUBLIC_CACHE
from core.pages import PUBLIC_IMAGE_HEADERS, stored_image


@get("/partners/", opt=PUBLIC_CACHE)
async def partner_list() -> Template:
    return Template(
        "core/partners/list.html",
        context={
            "groups": await organizations.public_by_country(),
            "kinds": organizations.kind_labels(),
        },
    )


@get("/partners/{slug:str}/", opt=PUBLIC_CACHE)
async def partner_detail(slug: FromPath[str]) -> Template:
    organization = await organizations.get(slug)
    if organization is None or not organization["is_public"]:
        raise NotFoundException()
    extra: dict = {}
    for domain in load_domains():  # e.g. the projects it takes part in
        if domain.organization_context is not None:
            extra.update(await domain.organization_context(organization))
    return Template(
        "core/partners/detail.html",
        context={
            "organization": organization,
            "kinds": organizations.kind_labels(),
            "feed_items": await feed_queries.latest_for_organization(organization["id"]),
            **extra,
        },
    )


@get("/media/logos/{name:str}", include_in_schema=False)
async def logo(name: FromPath[str]) -> File:
    return stored_image("logos", name, PUBLIC_IMAGE_HEADERS)


pages = [partner_list, partner_detail]
routes = [logo]
