"""The team's side of a project, under /<lang>/account/projects/: my projects, milestones,
progress reports (drafts, versions, differences, submitting), files, and — for leads — the
team itself. Only the project's team (and organizers) get past the 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from litestar import Request, get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import File, Redirect, Template

from core.errors import ValidationFailed
from core.i18n import LANGUAGES
from core.pages import (
    client_address,
    form_data,
    form_page,
    found_or_404,
    lang_path,
    signed_in,
    viewer_of,
)
from projects.routes.loading import int_list, project_scope, report_or_404, uploads
from projects.services import files, indicators, milestones, projects, reports, vocabulary
from projects.services.forms import EditConflict
from projects.services.projects import ProjectScope

SIGNED_IN = [signed_in]
MILESTONE_FORM = "projects/team/milestone_form.html"
REPORT_FORM = "projects/team/report_form.html"
CONFIRM = "projects/team/confirm.html"
TEAM = "projects/team/team.html"

Query = Annotated[str | None, QueryParameter()]


def _path(current: ProjectScope, rest: str = "") -> str:
    return lang_path(f"account/projects/{current.slug}/{rest}")


def project_context(current: ProjectScope, **extra: Any) -> dict[str, Any]:
    """What every page about one project shows: the project, its labels and languages."""
    return {
        "current": current,
        "project": current.project,
        "labels": vocabulary.all_labels(),
        "content_languages": LANGUAGES,
        **extra,
    }


def version_context(
    shown: dict[str, Any] | None, entries: list[Any], report_files: list[dict[str, Any]]
) -> dict[str, Any]:
    """One report version (or none yet) with its labelled indicators and its files."""
    return {
        "shown": shown,
        "shown_indicators": indicators.labelled(shown["indicators"], entries) if shown else [],
        "shown_files": files.in_version(report_files, shown["number"]) if shown else [],
    }


# --- my projects and a project's home ------------------------------------------------------------


@get("/account/projects/", guards=SIGNED_IN)
async def my_projects(request: Request) -> Template:
    mine = await projects.projects_of(viewer_of(request))
    overdue = await milestones.overdue_counts([row["id"] for row in mine])
    return Template(
        "projects/team/list.html",
        context={"projects": mine, "overdue": overdue, "labels": vocabulary.all_labels()},
    )


@get("/account/projects/{slug:str}/", guards=SIGNED_IN)
async def project_home(request: Request, slug: FromPath[str]) -> Template:
    current = await project_scope(request, slug, "project.view")
    await reports.ensure_reports(current.project)
    rows = await milestones.list_for(current.id)
    return Template(
        "projects/team/project.html",
        context=project_context(
            current,
            milestones=rows,
            summary=milestones.summary(rows),
            reports=await reports.list_for(current.id),
            team=await projects.team(current.id),
            partners=await projects.partners(current.id),
        ),
    )


# --- milestones ----------------------------------------------------------------------------------


async def _milestone_or_404(current: ProjectScope, milestone_id: int) -> dict[str, Any]:
    return found_or_404(await milestones.get(current, milestone_id))


def _milestone_form(
    current: ProjectScope,
    milestone: dict[str, Any] | None,
    values: dict[str, Any],
    error: ValidationFailed | None = None,
    status_code: int = 200,
    **extra: Any,
) -> Template:
    context = project_context(
        current, milestone=milestone, accept=files.ACCEPT, **files.LIMITS, **extra
    )
    return form_page(MILESTONE_FORM, error=error, values=values, status_code=status_code, **context)


@get("/account/projects/{slug:str}/milestones/new", guards=SIGNED_IN)
async def milestone_new(request: Request, slug: FromPath[str]) -> Template:
    current = await project_scope(request, slug, "project.edit")
    return _milestone_form(current, None, milestones.new_form_values(viewer_of(request)))


@post(
    "/account/projects/{slug:str}/milestones/new",
    guards=SIGNED_IN,
    request_max_body_size=files.MAX_REQUEST_BYTES,
)
async def milestone_create(request: Request, slug: FromPath[str]) -> Template | Redirect:
    current = await project_scope(request, slug, "project.edit")
    data = await form_data(request)
    try:
        await milestones.create(
            viewer_of(request),
            current,
            data,
            await uploads(request, "files"),
            client_address(request),
        )
    except ValidationFailed as error:
        return _milestone_form(current, None, data, error)
    return Redirect(_path(current, "?saved=1#milestones"), status_code=303)


@get("/account/projects/{slug:str}/milestones/{milestone_id:int}/edit", guards=SIGNED_IN)
async def milestone_edit(
    request: Request, slug: FromPath[str], milestone_id: FromPath[int]
) -> Template:
    current = await project_scope(request, slug, "project.edit")
    row = await _milestone_or_404(current, milestone_id)
    return _milestone_form(current, row, milestones.form_values(row))


@post(
    "/account/projects/{slug:str}/milestones/{milestone_id:int}/edit",
    guards=SIGNED_IN,
    request_max_body_size=files.MAX_REQUEST_BYTES,
)
async def milestone_update(
    request: Request, slug: FromPath[str], milestone_id: FromPath[int]
) -> Template | Redirect:
    current = await project_scope(request, slug, "project.edit")
    row = await _milestone_or_404(current, milestone_id)
    data = await form_data(request)
    try:
        await milestones.update(
            viewer_of(request),
            current,
            milestone_id,
            data,
            await uploads(request, "files"),
            client_address(request),
        )
    except EditConflict as conflict:
        values = {**data, "version": str(conflict.current_version)}
        their = conflict.current
        return _milestone_form(current, their, values, conflict, status_code=409, conflict=their)
    except ValidationFailed as error:
        return _milestone_form(current, row, data, error)
    return Redirect(_path(current, "?saved=1#milestones"), status_code=303)


async def _milestone_file(
    current: ProjectScope, milestone_id: int, file_id: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    row = await _milestone_or_404(current, milestone_id)
    return row, found_or_404(next((f for f in row["files"] if f["id"] == file_id), None))


@get(
    "/account/projects/{slug:str}/milestones/{milestone_id:int}/files/{file_id:int}/remove",
    guards=SIGNED_IN,
)
async def milestone_file_confirm(
    request: Request, slug: FromPath[str], milestone_id: FromPath[int], file_id: FromPath[int]
) -> Template:
    current = await project_scope(request, slug, "project.edit")
    row, found = await _milestone_file(current, milestone_id, file_id)
    return Template(
        CONFIRM,
        context=project_context(
            current,
            kind="remove_file",
            subject=found["original_name"],
            milestone=row,
            back=_path(current, f"milestones/{milestone_id}/edit"),
        ),
    )


@post(
    "/account/projects/{slug:str}/milestones/{milestone_id:int}/files/{file_id:int}/remove",
    guards=SIGNED_IN,
)
async def milestone_file_remove(
    request: Request, slug: FromPath[str], milestone_id: FromPath[int], file_id: FromPath[int]
) -> Redirect:
    current = await project_scope(request, slug, "project.edit")
    await _milestone_file(current, milestone_id, file_id)
    await files.remove_milestone_file(viewer_of(request), current, file_id, client_address(request))
    return Redirect(_path(current, f"milestones/{milestone_id}/edit?removed=1"), status_code=303)


# --- reports -------------------------------------------------------------------------------------


async def _report_context(current: ProjectScope, report: dict[str, Any]) -> dict[str, Any]:
    entries = await indicators.catalog(include_inactive=True)
    shown = await reports.latest_version(report)
    report_files = await files.for_report(report["id"])
    return project_context(
        current,
        report=report,
        **version_context(shown, entries, report_files),
        comments=await reports.comments(report["id"]),
        version_count=report["current_version"],
    )


@get("/account/projects/{slug:str}/reports/{period:str}/", guards=SIGNED_IN)
async def report_detail(request: Request, slug: FromPath[str], period: FromPath[str]) -> Template:
    current = await project_scope(request, slug, "project.view")
    report = await report_or_404(current, period)
    return Template("projects/team/report.html", context=await _report_context(current, report))


async def _report_form_context(
    current: ProjectScope, report: dict[str, Any], **extra: Any
) -> dict[str, Any]:
    report_files = await files.for_report(report["id"])
    return project_context(
        current,
        report=report,
        entries=await indicators.catalog(),
        current_files=files.in_version(report_files, report["current_version"]),
        accept=files.ACCEPT,
        **files.LIMITS,
        **extra,
    )


@get("/account/projects/{slug:str}/reports/{period:str}/edit", guards=SIGNED_IN)
async def report_edit(
    request: Request, slug: FromPath[str], period: FromPath[str]
) -> Template | Redirect:
    current = await project_scope(request, slug, "project.edit")
    report = await report_or_404(current, period)
    latest = await reports.latest_version(report)
    if not report["editable"]:
        return Redirect(_path(current, f"reports/{report['period']}/?locked=1"), status_code=303)
    return form_page(
        REPORT_FORM,
        values=reports.form_values(latest, report, viewer_of(request)),
        **await _report_form_context(current, report),
    )


@post(
    "/account/projects/{slug:str}/reports/{period:str}/edit",
    guards=SIGNED_IN,
    request_max_body_size=files.MAX_REQUEST_BYTES,
)
async def report_save(
    request: Request, slug: FromPath[str], period: FromPath[str]
) -> Template | Redirect:
    current = await project_scope(request, slug, "project.edit")
    report = await report_or_404(current, period)
    data = await form_data(request)
    try:
        number = await reports.save(
            viewer_of(request),
            current,
            report,
            data,
            uploads=await uploads(request, "files"),
            remove_files=await int_list(request, "remove_files"),
            client=client_address(request),
        )
    except EditConflict as conflict:
        entries = await indicators.catalog(include_inactive=True)
        their = conflict.current or None
        return form_page(
            REPORT_FORM,
            error=conflict,
            values={**data, "version": str(conflict.current_version)},
            status_code=409,
            conflict=their,
            conflict_indicators=indicators.labelled(their["indicators"], entries) if their else [],
            **await _report_form_context(
                current, {**report, "current_version": conflict.current_version}
            ),
        )
    except ValidationFailed as error:
        return form_page(
            REPORT_FORM,
            error=error,
            values=data,
            **await _report_form_context(current, report),
        )
    return Redirect(_path(current, f"reports/{report['period']}/?saved={number}"), status_code=303)


@get("/account/projects/{slug:str}/reports/{period:str}/submit", guards=SIGNED_IN)
async def report_submit_confirm(
    request: Request, slug: FromPath[str], period: FromPath[str]
) -> Template:
    current = await project_scope(request, slug, "project.edit")
    return _submit_confirm(current, await report_or_404(current, period))


def _submit_confirm(
    current: ProjectScope,
    report: dict[str, Any],
    error: ValidationFailed | None = None,
) -> Template:
    return Template(
        CONFIRM,
        status_code=(409 if isinstance(error, EditConflict) else 400) if error else 200,
        context=project_context(
            current,
            kind="submit",
            report=report,
            subject=report["label"],
            version=report["current_version"],
            back=_path(current, f"reports/{report['period']}/"),
            errors=error.errors if error else {},
        ),
    )


@post("/account/projects/{slug:str}/reports/{period:str}/submit", guards=SIGNED_IN)
async def report_submit(
    request: Request, slug: FromPath[str], period: FromPath[str]
) -> Template | Redirect:
    current = await project_scope(request, slug, "project.edit")
    report = await report_or_404(current, period)
    data = await form_data(request)
    try:
        await reports.submit(
            viewer_of(request), current, report, data.get("version"), client_address(request)
        )
    except ValidationFailed as error:
        return _submit_confirm(current, report, error)
    return Redirect(_path(current, f"reports/{report['period']}/?submitted=1"), status_code=303)


@get("/account/projects/{slug:str}/reports/{period:str}/versions/", guards=SIGNED_IN)
async def report_versions(request: Request, slug: FromPath[str], period: FromPath[str]) -> Template:
    current = await project_scope(request, slug, "project.view")
    report = await report_or_404(current, period)
    return Template(
        "projects/team/versions.html",
        context=project_context(
            current,
            report=report,
            versions=await reports.versions(report["id"]),
            version_choices=_choices(report),
        ),
    )


@get("/account/projects/{slug:str}/reports/{period:str}/versions/{number:int}", guards=SIGNED_IN)
async def report_version(
    request: Request, slug: FromPath[str], period: FromPath[str], number: FromPath[int]
) -> Template:
    current = await project_scope(request, slug, "project.view")
    report = await report_or_404(current, period)
    shown = found_or_404(await reports.version(report["id"], number))
    entries = await indicators.catalog(include_inactive=True)
    report_files = await files.for_report(report["id"])
    return Template(
        "projects/team/version.html",
        context=project_context(
            current, report=report, **version_context(shown, entries, report_files)
        ),
    )


def _choices(report: dict[str, Any]) -> list[tuple[int, str]]:
    return [(n, str(n)) for n in range(report["current_version"], 0, -1)]


def _version_number(raw: str | None, default: int) -> int:
    try:
        return int(raw or default)
    except ValueError:
        return default


@get("/account/projects/{slug:str}/reports/{period:str}/compare", guards=SIGNED_IN)
async def report_compare(
    request: Request,
    slug: FromPath[str],
    period: FromPath[str],
    older: Annotated[str | None, QueryParameter(name="from")] = None,
    newer: Annotated[str | None, QueryParameter(name="to")] = None,
) -> Template:
    current = await project_scope(request, slug, "project.view")
    report = await report_or_404(current, period)
    latest = report["current_version"]
    a = _version_number(older, max(1, latest - 1))
    b = _version_number(newer, latest)
    a, b = min(a, b), max(a, b)
    first = found_or_404(await reports.version(report["id"], a))
    second = found_or_404(await reports.version(report["id"], b))
    entries = await indicators.catalog(include_inactive=True)
    return Template(
        "projects/team/diff.html",
        context=project_context(
            current,
            report=report,
            changes=reports.diff(first, second, await files.for_report(report["id"]), entries),
            version_choices=_choices(report),
        ),
    )


# --- files ---------------------------------------------------------------------------------------


@get("/account/projects/{slug:str}/files/{file_id:int}", guards=SIGNED_IN)
async def download(request: Request, slug: FromPath[str], file_id: FromPath[int]) -> File:
    current = await project_scope(request, slug, "project.view")
    found = found_or_404(await files.download(viewer_of(request), current, file_id))
    return File(
        found.path,
        filename=found.name,
        media_type=found.content_type,
        content_disposition_type="inline" if found.inline else "attachment",
        headers={
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )


# --- the team ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    """The team list and its forms (add someone, change a role, take someone off) with the
    same steps for the team (under /account/) and the bureau (under /manage/); each side has
    its own templates, address and the role its form suggests."""

    template: str
    confirm: str
    root: str  # the address of a project's pages without its slug, e.g. "account/projects"
    suggested_role: str

    def path(self, current: ProjectScope, rest: str = "") -> str:
        return lang_path(f"{self.root}/{current.slug}/{rest}")

    async def page(
        self,
        current: ProjectScope,
        values: dict[str, str],
        error: ValidationFailed | None = None,
    ) -> Template:
        team = await projects.team(current.id)
        return form_page(
            self.template, error=error, values=values, **project_context(current, team=team)
        )

    async def add(self, request: Request, current: ProjectScope) -> Template | Redirect:
        data = await form_data(request)
        try:
            await projects.add_member(
                viewer_of(request),
                current,
                email=data.get("email", ""),
                role=data.get("role", ""),
                name=data.get("name", ""),
                language=data.get("language", ""),
                client=client_address(request),
            )
        except ValidationFailed as error:
            return await self.page(current, data, error)
        return Redirect(self.path(current, "team?added=1"), status_code=303)

    async def change_role(
        self, request: Request, current: ProjectScope, member_id: int
    ) -> Template | Redirect:
        data = await form_data(request)
        try:
            await projects.set_role(
                viewer_of(request),
                current,
                member_id,
                data.get("role", ""),
                client_address(request),
            )
        except ValidationFailed as error:
            return await self.page(current, {"role": self.suggested_role}, error)
        return Redirect(self.path(current, "team?saved=1"), status_code=303)

    def _confirm(
        self,
        current: ProjectScope,
        member: dict[str, Any],
        errors: dict[str, str],
        status_code: int = 200,
    ) -> Template:
        return Template(
            self.confirm,
            status_code=status_code,
            context=project_context(
                current,
                kind="remove_member",
                subject=member["name"] or member["email"],
                member=member,
                back=self.path(current, "team"),
                errors=errors,
            ),
        )

    async def remove_confirm(self, current: ProjectScope, member_id: int) -> Template:
        return self._confirm(current, await _member_or_404(current, member_id), {})

    async def remove(
        self, request: Request, current: ProjectScope, member_id: int
    ) -> Template | Redirect:
        found = await _member_or_404(current, member_id)
        viewer = viewer_of(request)
        try:
            await projects.remove_member(viewer, current, member_id, client_address(request))
        except ValidationFailed as error:
            return self._confirm(current, found, error.errors, status_code=409)
        if found["user_id"] == viewer.id and not viewer.is_admin:
            return Redirect(lang_path("account/projects/?left=1"), status_code=303)
        return Redirect(self.path(current, "team?removed=1"), status_code=303)


async def _member_or_404(current: ProjectScope, member_id: int) -> dict[str, Any]:
    return found_or_404(await projects.member(current, member_id))


ROSTER = Roster(TEAM, CONFIRM, root="account/projects", suggested_role="member")


@get("/account/projects/{slug:str}/team", guards=SIGNED_IN)
async def team_page(request: Request, slug: FromPath[str]) -> Template:
    current = await project_scope(request, slug, "project.view")
    values = {"role": ROSTER.suggested_role, "language": viewer_of(request).language}
    return await ROSTER.page(current, values)


@post("/account/projects/{slug:str}/team", guards=SIGNED_IN)
async def team_add(request: Request, slug: FromPath[str]) -> Template | Redirect:
    current = await project_scope(request, slug, "project.manage_team")
    return await ROSTER.add(request, current)


@post("/account/projects/{slug:str}/team/{member_id:int}/role", guards=SIGNED_IN)
async def team_role(
    request: Request, slug: FromPath[str], member_id: FromPath[int]
) -> Template | Redirect:
    current = await project_scope(request, slug, "project.manage_team")
    return await ROSTER.change_role(request, current, member_id)


@get("/account/projects/{slug:str}/team/{member_id:int}/remove", guards=SIGNED_IN)
async def team_remove_confirm(
    request: Request, slug: FromPath[str], member_id: FromPath[int]
) -> Template:
    current = await project_scope(request, slug, "project.manage_team")
    return await ROSTER.remove_confirm(current, member_id)


@post("/account/projects/{slug:str}/team/{member_id:int}/remove", guards=SIGNED_IN)
async def team_remove(
    request: Request, slug: FromPath[str], member_id: FromPath[int]
) -> Template | Redirect:
    current = await project_scope(request, slug, "project.manage_team")
    return await ROSTER.remove(request, current, member_id)


pages = [
    my_projects,
    project_home,
    milestone_new,
    milestone_create,
    milestone_edit,
    milestone_update,
    milestone_file_confirm,
    milestone_file_remove,
    report_detail,
    report_edit,
    report_save,
    report_submit_confirm,
    report_submit,
    report_versions,
    report_version,
    report_compare,
    download,
    team_page,
    team_add,
    team_role,
    team_remove_confirm,
    team_remove,
]
