"""The back office of the core: organizations and the people acting for them."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, FromQuery, QueryParameter
from litestar.response import Redirect, Template

from core import accounts, organizations
from core import dashboard as desk
from core.access import require
from core.errors import ValidationFailed
from core.i18n import LANGUAGES
from core.organizations import PARTNER_COUNTRIES
from core.pages import (
    NO_STORE,
    client_address,
    form_data,
    form_page,
    found_or_404,
    lang_path,
    role_required,
    signed_in,
    uploaded_file,
    viewer_of,
)
from core.paging import parse_page
from core.routes.account import COMMON_ZONES
from core.tables import Membership, Role, User
from core.uploads import MAX_FORM_BYTES, MAX_LOGO_BYTES

ORGANIZATION_FORM = "core/manage/organization_form.html"


async def _organization_or_404(slug: str) -> dict[str, Any]:
    return found_or_404(await organizations.get(slug))


def _form_context() -> dict[str, Any]:
    return {
        "zones": COMMON_ZONES,
        "countries": PARTNER_COUNTRIES,
        "kinds": organizations.kind_labels(),
        "content_languages": LANGUAGES,
        "max_logo_bytes": MAX_LOGO_BYTES,
        "max_request_bytes": MAX_FORM_BYTES,
    }


@get("/manage/", guards=[signed_in], cache_control=NO_STORE)
async def dashboard(request: Request) -> Template:
    """Everybody's desk after signing in: what waits for them, then the back office's areas."""
    viewer = viewer_of(request)
    own = None
    if viewer.has_role(Role.coordinator) and len(viewer.organization_ids) == 1:
        own = await _own_organization(viewer)
    return Template(
        "core/manage/dashboard.html",
        context={"own": own, "panels": await desk.panels_for(viewer)},
    )


async def _own_organization(viewer: Any) -> dict[str, Any] | None:
    from core.tables import Organization

    return (
        await Organization.select(Organization.slug, Organization.name)
        .where(Organization.id.is_in(list(viewer.organization_ids) or [0]))
        .first()
    )


@get("/manage/organizations/", guards=[role_required(Role.fao)])
async def organization_list(
    country: FromQuery[str] = "",
    kind: FromQuery[str] = "",
    sort: FromQuery[str] = "name",
    page: Annotated[str | None, QueryParameter(name="page")] = None,
) -> Template:
    listing, applied = await organizations.list_page(
        country=country, kind=kind, sort=sort, page=parse_page(page)
    )
    filters = {"country": country, "kind": kind}
    return Template(
        "core/manage/organizations.html",
        context={
            "page": listing,
            "sort": applied,
            "filters": filters,
            **_form_context(),
            "filter_query": "".join(f"{k}={v}&" for k, v in filters.items() if v),
        },
    )


@get("/manage/organizations/new", guards=[role_required()])
async def organization_new() -> Template:
    return form_page(
        ORGANIZATION_FORM,
        values={
            "source_language": "zh",
            "timezone": accounts.BUREAU_ZONE,
            "kind": "partner_city",
            "is_public": "on",
        },
        **_form_context(),
    )


@post("/manage/organizations/new", guards=[role_required()])
async def organization_create(request: Request) -> Template | Redirect:
    data = await form_data(request)
    try:
        slug = await organizations.create(
            viewer_of(request), data, await uploaded_file(request, "logo"), client_address(request)
        )
    except ValidationFailed as error:
        return form_page(ORGANIZATION_FORM, error=error, values=data, **_form_context())
    return Redirect(lang_path(f"manage/organizations/{slug}/?saved=1"), status_code=303)


@get("/manage/organizations/{slug:str}/", guards=[signed_in])
async def organization_detail(request: Request, slug: FromPath[str]) -> Template:
    organization = await _organization_or_404(slug)
    require(viewer_of(request), "organization.view_private", organization)
    people = (
        await User.select(
            User.id,
            User.email,
            User.name,
            User.role,
            User.language,
            User.password_hash,
            User.last_login_at,
        )
        .where(
            User.id.is_in(
                Membership.select(Membership.user).where(
                    Membership.organization == organization["id"]
                )
            )
        )
        .order_by(User.email)
    )
    for person in people:
        person["pending"] = not person.pop("password_hash")
    return Template(
        "core/manage/organization.html",
        context={
            "organization": organization,
            "people": people,
            "kinds": organizations.kind_labels(),
        },
    )


@get("/manage/organizations/{slug:str}/edit", guards=[signed_in])
async def organization_edit(request: Request, slug: FromPath[str]) -> Template:
    organization = await _organization_or_404(slug)
    require(viewer_of(request), "organization.edit", organization)
    return form_page(
        ORGANIZATION_FORM,
        values=organizations.form_values(organization),
        organization=organization,
        **_form_context(),
    )


@post("/manage/organizations/{slug:str}/edit", guards=[signed_in])
async def organization_update(request: Request, slug: FromPath[str]) -> Template | Redirect:
    organization = await _organization_or_404(slug)
    viewer = viewer_of(request)
    require(viewer, "organization.edit", organization)
    data = await form_data(request)
    try:
        new_slug = await organizations.update(
            viewer,
            organization,
            data,
            await uploaded_file(request, "logo"),
            client_address(request),
        )
    except ValidationFailed as error:
        return form_page(
            ORGANIZATION_FORM,
            error=error,
            values=data,
            organization=organization,
            **_form_context(),
        )
    return Redirect(lang_path(f"manage/organizations/{new_slug}/?saved=1"), status_code=303)


@get("/manage/people/invite", guards=[role_required()])
async def invite_form(organization: FromQuery[str] = "") -> Template:
    return form_page(
        "core/manage/invite.html",
        values={"organization": organization, "role": "coordinator", "language": "ru"},
        **await _invite_context(),
    )


async def _invite_context() -> dict[str, Any]:
    from core.tables import Organization

    orgs = await Organization.select(
        Organization.id, Organization.slug, Organization.name
    ).order_by(Organization.slug)
    return {"organizations": orgs}


@post("/manage/people/invite", guards=[role_required()])
async def invite(request: Request) -> Template | Redirect:
    data = await form_data(request)
    context = await _invite_context()
    by_slug = {org["slug"]: org["id"] for org in context["organizations"]}
    try:
        await accounts.invite(
            viewer_of(request),
            email=data.get("email", ""),
            name=data.get("name", ""),
            role=data.get("role", ""),
            language=data.get("language", ""),
            organization_id=by_slug.get(data.get("organization", "")),
            client=client_address(request),
        )
    except ValidationFailed as error:
        return form_page("core/manage/invite.html", error=error, values=data, **context)
    target = (
        f"manage/organizations/{data['organization']}/"
        if data.get("organization") in by_slug
        else "manage/"
    )
    return Redirect(lang_path(f"{target}?invited=1"), status_code=303)


pages = [
    dashboard,
    organization_list,
    organization_new,
    organization_create,
    organization_detail,
    organization_edit,
    organization_update,
    invite_form,
    invite,
]
