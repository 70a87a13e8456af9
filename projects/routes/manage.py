"""The bureau's side of projects, under /<lang>/manage/projects/: creating and editing
projects (partners, logo, images), putting a team together, reviewing progress reports, and
the indicators reports count. Organizers only; the rules live in projects.services."""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from core.errors import ValidationFailed
from core.i18n import LANGUAGES
from core.pages import (
    client_address,
    form_data,
    form_page,
    found_or_404,
    lang_path,
    role_required,
    uploaded_file,
    viewer_of,
)
from core.paging import parse_page
from projects.routes.loading import project_scope, report_or_404, str_list
from projects.routes.team import Roster, project_context, version_context
from projects.services import files, indicators, milestones, projects, reports, vocabulary
from projects.services.projects import PartnerChoice, ProjectScope

ADMINS = [role_required()]
PROJECT_FORM = "projects/manage/form.html"
TEAM = "projects/manage/team.html"
CONFIRM = "projects/manage/confirm.html"
REVIEW = "projects/manage/review.html"
INDICATOR_FORM = "projects/manage/indicator_form.html"
ROSTER = Roster(TEAM, CONFIRM, root="manage/projects", suggested_role="lead")

Query = Annotated[str | None, QueryParameter()]


def _q(value: str | None) -> str:
    return (value or "").strip()


def _path(current: ProjectScope | str, rest: str = "") -> str:
    slug = current if isinstance(current, str) else current.slug
    return lang_path(f"manage/projects/{slug}/{rest}")


def _labels() -> dict[str, Any]:
    return {"labels": vocabulary.all_labels(), "content_languages": LANGUAGES}


# --- the list (the portfolio page will take this address over) -----------------------------------


@get("/manage/projects/", guards=ADMINS)
async def project_list(
    status: Query = None, kind: Query = None, sort: Query = None, page: Query = None
) -> Template:
    filters = {"status": _q(status), "kind": _q(kind)}
    listing, applied = await projects.list_page(
        status=filters["status"], kind=filters["kind"], sort=_q(sort), page=parse_page(page)
    )
    overdue = await milestones.overdue_counts([row["id"] for row in listing.items])
    return Template(
        "projects/manage/list.html",
        context={
            "page": listing,
            "sort": applied,
            "filters": filters,
            "filter_query": "".join(f"{k}={v}&" for k, v in filters.items() if v),
            "overdue": overdue,
            **_labels(),
        },
    )


# --- the project form ----------------------------------------------------------------------------


async def _form_context(current: ProjectScope | None, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "current": current,
        "project": current.project if current else None,
        "organizations": await projects.organizations(),
        "country_options": projects.form_countries(values),
        **_labels(),
    }


async def _project_form_input(request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
    """The form's single fields, and the lists (countries, partners on each side)."""
    data = await form_data(request)
    lists = {
        "countries": await str_list(request, "countries"),
        "partners_china": await str_list(request, "partners_china"),
        "partners_partner": await str_list(request, "partners_partner"),
    }
    return data, lists


def _chosen(lists: dict[str, Any]) -> PartnerChoice:
    return PartnerChoice(tuple(lists["partners_china"]), tuple(lists["partners_partner"]))


@get("/manage/projects/new", guards=ADMINS)
async def project_new() -> Template:
    values = projects.new_form_values()
    return form_page(PROJECT_FORM, values=values, **await _form_context(None, values))


async def _save_project(
    request: Request, current: ProjectScope | None, save: Callable[..., Awaitable[str]]
) -> Template | Redirect:
    """`save(data, countries=…, chosen=…, logo=…, client=…)` creates or updates the project;
    on to its overview, or the form again with the reasons."""
    data, lists = await _project_form_input(request)
    try:
        slug = await save(
            data,
            countries=lists["countries"],
            chosen=_chosen(lists),
            logo=await uploaded_file(request, "logo"),
            client=client_address(request),
        )
    except ValidationFailed as error:
        values = {**data, **lists}
        return form_page(
            PROJECT_FORM, error=error, values=values, **await _form_context(current, values)
        )
    return Redirect(_path(slug, "?saved=1"), status_code=303)


@post("/manage/projects/new", guards=ADMINS)
async def project_create(request: Request) -> Template | Redirect:
    return await _save_project(
        request, None, functools.partial(projects.create, viewer_of(request))
    )


@get("/manage/projects/{slug:str}/edit", guards=ADMINS)
async def project_edit(request: Request, slug: FromPath[str]) -> Template:
    current = await project_scope(request, slug, "project.settings")
    values = projects.form_values(current.project, await projects.partners(current.id))
    return form_page(PROJECT_FORM, values=values, **await _form_context(current, values))


@post("/manage/projects/{slug:str}/edit", guards=ADMINS)
async def project_update(request: Request, slug: FromPath[str]) -> Template | Redirect:
    current = await project_scope(request, slug, "project.settings")
    update = functools.partial(projects.update, viewer_of(request), current)
    return await _save_project(request, current, update)


# --- the overview --------------------------------------------------------------------------------


async def _overview(
    current: ProjectScope, values: dict[str, str], error: ValidationFailed | None = None
) -> Template:
    rows = await milestones.list_for(current.id)
    return form_page(
        "projects/manage/overview.html",
        error=error,
        values=values,
        current=current,
        project=current.project,
        partners=await projects.partners(current.id),
        team=await projects.team(current.id),
        milestones=rows,
        summary=milestones.summary(rows),
        reports=await reports.list_for(current.id),
        images=await projects.images(current.id),
        **_labels(),
    )


@get("/manage/projects/{slug:str}/", guards=ADMINS)
async def project_overview(request: Request, slug: FromPath[str]) -> Template:
    current = await project_scope(request, slug, "project.settings")
    await reports.ensure_reports(current.project)
    return await _overview(current, {"source_language": viewer_of(request).language})


@post("/manage/projects/{slug:str}/images", guards=ADMINS)
async def image_add(request: Request, slug: FromPath[str]) -> Template | Redirect:
    current = await project_scope(request, slug, "project.settings")
    data = await form_data(request)
    try:
        await projects.add_image(
            viewer_of(request),
            current,
            await uploaded_file(request, "image"),
            data,
            client_address(request),
        )
    except ValidationFailed as error:
        return await _overview(current, data, error)
    return Redirect(_path(current, "?saved=1#images"), status_code=303)


async def _image_or_404(current: ProjectScope, image_id: int) -> dict[str, Any]:
    images = await projects.images(current.id)
    return found_or_404(next((i for i in images if i["id"] == image_id), None))


@get("/manage/projects/{slug:str}/images/{image_id:int}/remove", guards=ADMINS)
async def image_remove_confirm(
    request: Request, slug: FromPath[str], image_id: FromPath[int]
) -> Template:
    current = await project_scope(request, slug, "project.settings")
    image = await _image_or_404(current, image_id)
    return Template(
        CONFIRM,
        context={
            "current": current,
            "project": current.project,
            "kind": "remove_image",
            "image": image,
            "back": _path(current, "#images"),
            "errors": {},
        },
    )


@post("/manage/projects/{slug:str}/images/{image_id:int}/remove", guards=ADMINS)
async def image_remove(request: Request, slug: FromPath[str], image_id: FromPath[int]) -> Redirect:
    current = await project_scope(request, slug, "project.settings")
    await _image_or_404(current, image_id)
    await projects.remove_image(viewer_of(request), current, image_id, client_address(request))
    return Redirect(_path(current, "?saved=1#images"), status_code=303)


# --- the team (the same pages as the team's own, see projects.routes.team.Roster) ----------------


@get("/manage/projects/{slug:str}/team", guards=ADMINS)
async def team_page(request: Request, slug: FromPath[str]) -> Template:
    current = await project_scope(request, slug, "project.manage_team")
    return await ROSTER.page(current, {"role": ROSTER.suggested_role, "language": "ru"})


@post("/manage/projects/{slug:str}/team", guards=ADMINS)
async def team_add(request: Request, slug: FromPath[str]) -> Template | Redirect:
    current = await project_scope(request, slug, "project.manage_team")
    return await ROSTER.add(request, current)


@post("/manage/projects/{slug:str}/team/{member_id:int}/role", guards=ADMINS)
async def team_role(
    request: Request, slug: FromPath[str], member_id: FromPath[int]
) -> Template | Redirect:
    current = await project_scope(request, slug, "project.manage_team")
    return await ROSTER.change_role(request, current, member_id)


@get("/manage/projects/{slug:str}/team/{member_id:int}/remove", guards=ADMINS)
async def team_remove_confirm(
    request: Request, slug: FromPath[str], member_id: FromPath[int]
) -> Template:
    current = await project_scope(request, slug, "project.manage_team")
    return await ROSTER.remove_confirm(current, member_id)


@post("/manage/projects/{slug:str}/team/{member_id:int}/remove", guards=ADMINS)
async def team_remove(
    request: Request, slug: FromPath[str], member_id: FromPath[int]
) -> Template | Redirect:
    current = await project_scope(request, slug, "project.manage_team")
    return await ROSTER.remove(request, current, member_id)


# --- reviewing a report --------------------------------------------------------------------------


async def _review_context(current: ProjectScope, report: dict[str, Any]) -> dict[str, Any]:
    entries = await indicators.catalog(include_inactive=True)
    shown = await reports.latest_version(report)
    report_files = await files.for_report(report["id"])
    history = await reports.versions(report["id"])
    # What changed since the version the bureau last saw submitted (if any).
    earlier = next(
        (v for v in history if v["submitted"] and shown and v["number"] < shown["number"]), None
    )
    return project_context(
        current,
        report=report,
        **version_context(shown, entries, report_files),
        comments=await reports.comments(report["id"]),
        since=reports.diff(earlier, shown, report_files, entries) if earlier and shown else None,
    )


@get("/manage/projects/{slug:str}/reports/{period:str}/", guards=ADMINS)
async def report_review_page(
    request: Request, slug: FromPath[str], period: FromPath[str]
) -> Template:
    current = await project_scope(request, slug, "project.review")
    report = await report_or_404(current, period)
    return form_page(
        REVIEW,
        values={"action": "comment", "version": str(report["current_version"])},
        **await _review_context(current, report),
    )


@post("/manage/projects/{slug:str}/reports/{period:str}/review", guards=ADMINS)
async def report_review(
    request: Request, slug: FromPath[str], period: FromPath[str]
) -> Template | Redirect:
    current = await project_scope(request, slug, "project.review")
    report = await report_or_404(current, period)
    data = await form_data(request)
    try:
        await reports.review(
            viewer_of(request),
            current,
            report,
            action=data.get("action", ""),
            body=data.get("body", ""),
            expected_version=data.get("version"),
            client=client_address(request),
        )
    except ValidationFailed as error:
        return form_page(REVIEW, error=error, values=data, **await _review_context(current, report))
    return Redirect(_path(current, f"reports/{report['period']}/?reviewed=1"), status_code=303)


# --- indicators ----------------------------------------------------------------------------------


@get("/manage/projects/indicators/", guards=ADMINS)
async def indicator_list() -> Template:
    return Template("projects/manage/indicators.html", context={"rows": await indicators.rows()})


@get("/manage/projects/indicators/new", guards=ADMINS)
async def indicator_new() -> Template:
    return form_page(
        INDICATOR_FORM,
        values={"source_language": "zh", "active": "on", "position": "0"},
        indicator=None,
        **_labels(),
    )


@post("/manage/projects/indicators/new", guards=ADMINS)
async def indicator_create(request: Request) -> Template | Redirect:
    data = await form_data(request)
    try:
        await indicators.create(viewer_of(request), data, client_address(request))
    except ValidationFailed as error:
        return form_page(INDICATOR_FORM, error=error, values=data, indicator=None, **_labels())
    return Redirect(lang_path("manage/projects/indicators/?saved=1"), status_code=303)


async def _indicator_or_404(key: str) -> dict[str, Any]:
    return found_or_404(await indicators.get(key))


async def _catalog_entry(key: str) -> indicators.Entry | None:
    entries = await indicators.catalog(include_inactive=True)
    return next((e for e in entries if e.key == key), None)


@get("/manage/projects/indicators/{key:str}/edit", guards=ADMINS)
async def indicator_edit(key: FromPath[str]) -> Template:
    row = await _indicator_or_404(key)
    entry = await _catalog_entry(key)
    return form_page(
        INDICATOR_FORM,
        values=indicators.form_values(row),
        indicator=row,
        entry=entry,
        **_labels(),
    )


@post("/manage/projects/indicators/{key:str}/edit", guards=ADMINS)
async def indicator_update(request: Request, key: FromPath[str]) -> Template | Redirect:
    row = await _indicator_or_404(key)
    data = await form_data(request)
    try:
        await indicators.update(viewer_of(request), row, data, client_address(request))
    except ValidationFailed as error:
        entry = await _catalog_entry(key)
        return form_page(
            INDICATOR_FORM, error=error, values=data, indicator=row, entry=entry, **_labels()
        )
    return Redirect(lang_path("manage/projects/indicators/?saved=1"), status_code=303)


pages = [
    project_new,
    project_create,
    project_edit,
    project_update,
    project_overview,
    image_add,
    image_remove_confirm,
    image_remove,
    team_page,
    team_add,
    team_role,
    team_remove_confirm,
    team_remove,
    report_review_page,
    report_review,
    indicator_list,
    indicator_new,
    indicator_create,
    indicator_edit,
    indicator_update,
]
