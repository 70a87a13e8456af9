"""Projects as the bureau shapes them, and who works on each: creating and updating a
project, its partner institutions on both sides, its logo and images, and its team.

Project roles (lead, member) are per project, so they are not on the Viewer: `scope()` loads
the viewer's role in one project and the access rules read it from the ProjectScope.
Only organizers create projects and change their settings; the team edits the working side
(milestones, reports); leads manage the team; the bureau reviews reports.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from core import accounts, outbox, translated_forms
from core.access import Viewer, can, require, rule
from core.audit import record, record_changes
from core.content import Translated, plain_text
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import LANGUAGES, N_, gettext
from core.organizations import PARTNER_COUNTRIES
from core.paging import Page, order, paginate
from core.tables import Organization, Role, User
from core.uploads import UploadRefused, store_image, stored_path
from core.vocabulary import FIELDS
from projects import search as project_search
from projects.services import forms
from projects.tables import (
    PartnerSide,
    Project,
    ProjectImage,
    ProjectKind,
    ProjectPartner,
    ProjectStatus,
    ReportFrequency,
    TeamMember,
    TeamRole,
)

# Dates of milestones and reports are the bureau's dates (Urumqi).
BUREAU_ZONE = "Asia/Urumqi"
PARTNER_READER = "partner"  # in `projects_of`: a coordinator of a partner organization
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Path segments under /manage/projects/ that a project's short name must not take.
RESERVED_SLUGS = frozenset({"new", "indicators", "export", "charts", "media", "portfolio"})
CONTENT_LIMITS = {"name": 300, "summary": 1000, "description": 20000}
LOGO_FOLDER = "logos"  # served by core at /media/logos/<name>
IMAGE_FOLDER = "project-images"
MAX_IMAGE_BYTES = 5 * 1024 * 1024
CAPTION_MAX = 300
SORTS = {
    "name": Project.slug,
    "status": Project.status,
    "starts": Project.starts_on,
    "created": Project.created_at,
}


def today() -> date:
    return datetime.now(ZoneInfo(BUREAU_ZONE)).date()


# --- who may do what -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ProjectScope:
    """A project as one viewer meets it: the row and the viewer's role in its team (None when
    they are not on it), and whether they coordinate one of its partner organizations (who
    may read the team's pages, not change them). Access rules take this object."""

    project: dict[str, Any]
    role: str | None = None
    partner: bool = False

    @property
    def id(self) -> int:
        return int(self.project["id"])

    @property
    def slug(self) -> str:
        return str(self.project["slug"])

    @property
    def on_team(self) -> bool:
        return self.role is not None

    @property
    def is_lead(self) -> bool:
        return self.role == TeamRole.lead.value


def _role(obj: Any) -> str | None:
    return obj.role if isinstance(obj, ProjectScope) else None


def _partner_reader(viewer: Viewer, obj: Any) -> bool:
    return isinstance(obj, ProjectScope) and obj.partner and viewer.has_role(Role.coordinator)


@rule("project.create")
def _create_project(_viewer: Viewer, _obj: Any) -> bool:
    return False  # organizers only (admins pass every rule)


@rule("project.settings")
def _change_settings(_viewer: Viewer, _scope: Any) -> bool:
    return False  # name, partners, status, visibility: organizers only


@rule("project.view")
def _view_project(viewer: Viewer, scope: Any) -> bool:
    """The working side (drafts, milestones, files) is for the team, and to read for the
    coordinators of its partner organizations; the rest of the world sees only the public
    pages of public projects."""
    return _role(scope) is not None or _partner_reader(viewer, scope)


@rule("project.edit")
def _edit_project(_viewer: Viewer, scope: Any) -> bool:
    return _role(scope) in (TeamRole.lead.value, TeamRole.member.value)


@rule("project.manage_team")
def _manage_team(_viewer: Viewer, scope: Any) -> bool:
    return _role(scope) == TeamRole.lead.value


@rule("project.review")
def _review_reports(_viewer: Viewer, _scope: Any) -> bool:
    return False  # the bureau (organizers) reviews


async def role_of(project_id: int, user_id: int | None) -> str | None:
    if user_id is None:
        return None
    row = (
        await TeamMember.select(TeamMember.role)
        .where((TeamMember.project == project_id) & (TeamMember.user == user_id))
        .first()
    )
    return row["role"] if row else None


def loaded(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A project row with its JSON list of countries as a list (SQLite hands back text)."""
    if row is not None:
        row["countries"] = _json_list(row["countries"])
    return row


async def get(slug: str) -> dict[str, Any] | None:
    return loaded(await Project.select().where(Project.slug == slug).first())


async def get_by_id(project_id: int) -> dict[str, Any] | None:
    return loaded(await Project.select().where(Project.id == project_id).first())


async def scope(viewer: Viewer, slug: str) -> ProjectScope | None:
    """The project behind `slug` with the viewer's team role; None when there is none."""
    project = await get(slug)
    if project is None:
        return None
    partner = await _is_partner_coordinator(viewer, project["id"])
    return ProjectScope(project, await role_of(project["id"], viewer.id), partner)


async def _is_partner_coordinator(viewer: Viewer, project_id: int) -> bool:
    if not (viewer.has_role(Role.coordinator) and viewer.organization_ids):
        return False
    return await ProjectPartner.exists().where(
        (ProjectPartner.project == project_id)
        & ProjectPartner.organization.is_in(list(viewer.organization_ids))
    )


# --- reading -------------------------------------------------------------------------------------


async def list_page(
    *, status: str = "", kind: str = "", sort: str = "name", page: int = 1
) -> tuple[Page, str]:
    condition = Project.id > 0
    if status:
        condition &= Project.status == status
    if kind:
        condition &= Project.kind == kind
    query, applied = order(Project.select().where(condition), sort, SORTS, "name")
    listing = await paginate(query, Project.count().where(condition), page)
    for row in listing.items:
        loaded(row)
    return listing, applied


async def projects_of(viewer: Viewer) -> list[dict[str, Any]]:
    """The projects whose team the viewer is on, with their role, newest start first; for a
    coordinator also those their organization is a partner in (role "partner": read only)."""
    if viewer.id is None:
        return []
    memberships = await TeamMember.select(TeamMember.project, TeamMember.role).where(
        TeamMember.user == viewer.id
    )
    roles = {row["project"]: row["role"] for row in memberships}
    if viewer.has_role(Role.coordinator) and viewer.organization_ids:
        partnered = await ProjectPartner.select(ProjectPartner.project).where(
            ProjectPartner.organization.is_in(list(viewer.organization_ids))
        )
        for row in partnered:
            roles.setdefault(row["project"], PARTNER_READER)
    if not roles:
        return []
    rows = (
        await Project.select()
        .where(Project.id.is_in(list(roles)))
        .order_by(Project.starts_on, ascending=False)
    )
    return [{**loaded(row), "role": roles[row["id"]]} for row in rows]  # type: ignore[dict-item]


async def team(project_id: int) -> list[dict[str, Any]]:
    """The team: leads first, then members, each with their account's name and e-mail."""
    members = (
        await TeamMember.select(
            TeamMember.id,
            TeamMember.role,
            TeamMember.created_at,
            TeamMember.user.id.as_alias("user_id"),
            TeamMember.user.email.as_alias("email"),
            TeamMember.user.name.as_alias("name"),
            TeamMember.user.language.as_alias("language"),
            TeamMember.user.password_hash.as_alias("password_hash"),
        )
        .where(TeamMember.project == project_id)
        .order_by(TeamMember.id)
    )
    for member in members:
        member["pending"] = not member.pop("password_hash")
    return sorted(members, key=lambda m: (m["role"] != TeamRole.lead.value, m["id"]))


async def leads(project_id: int) -> list[dict[str, Any]]:
    return [m for m in await team(project_id) if m["role"] == TeamRole.lead.value]


async def partners(project_id: int) -> list[dict[str, Any]]:
    """Partner institutions, the Chinese side first, each with the organization's row."""
    rows = (
        await ProjectPartner.select(
            ProjectPartner.side,
            ProjectPartner.organization.id.as_alias("id"),
            ProjectPartner.organization.slug.as_alias("slug"),
            ProjectPartner.organization.name.as_alias("name"),
            ProjectPartner.organization.country.as_alias("country"),
            ProjectPartner.organization.is_public.as_alias("is_public"),
        )
        .where(ProjectPartner.project == project_id)
        .order_by(ProjectPartner.id)
    )
    return sorted(rows, key=lambda row: row["side"] != PartnerSide.china.value)


async def projects_of_organization(organization_id: int, *, public_only: bool = True) -> list:
    """Projects an organization takes part in (for partner pages)."""
    ids = ProjectPartner.select(ProjectPartner.project).where(
        ProjectPartner.organization == organization_id
    )
    condition = Project.id.is_in(ids)
    if public_only:
        condition &= Project.is_public == True
    rows = await Project.select().where(condition).order_by(Project.starts_on, ascending=False)
    return [loaded(row) for row in rows]


async def organizations() -> list[dict[str, Any]]:
    """Organizations that can be partners, for the project form."""
    return (
        await Organization.select(
            Organization.id, Organization.slug, Organization.name, Organization.country
        )
        .order_by(Organization.country)
        .order_by(Organization.slug)
    )


async def images(project_id: int) -> list[dict[str, Any]]:
    return (
        await ProjectImage.select()
        .where(ProjectImage.project == project_id)
        .order_by(ProjectImage.position)
        .order_by(ProjectImage.id)
    )


# --- creating and changing a project -------------------------------------------------------------


@dataclass(frozen=True)
class PartnerChoice:
    """Organization slugs chosen on each side in the project form."""

    china: tuple[str, ...] = ()
    partner: tuple[str, ...] = ()


def new_form_values() -> dict[str, Any]:
    return {
        "source_language": "zh",
        "kind": ProjectKind.joint_laboratory.value,
        "field": "biological_resources",
        "status": ProjectStatus.active.value,
        "report_frequency": ReportFrequency.quarterly.value,
        "is_public": "on",
        "starts_on": today().isoformat(),
        "countries": ["CN"],
        "partners_china": [],
        "partners_partner": [],
    }


def form_values(project: dict[str, Any], partner_rows: list[dict[str, Any]]) -> dict[str, Any]:
    """A project row (and its partners) as the project form's fields."""
    return {
        "slug": project["slug"],
        "kind": project["kind"],
        "field": project["field"],
        "status": project["status"],
        "report_frequency": project["report_frequency"],
        "is_public": "on" if project["is_public"] else "",
        "starts_on": project["starts_on"].isoformat() if project["starts_on"] else "",
        "ends_on": project["ends_on"].isoformat() if project["ends_on"] else "",
        "countries": list(_json_list(project["countries"])),
        "partners_china": [p["slug"] for p in partner_rows if p["side"] == "china"],
        "partners_partner": [p["slug"] for p in partner_rows if p["side"] == "partner"],
        **translated_forms.row_form_values(project, tuple(CONTENT_LIMITS)),
    }


def _json_list(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = json.loads(raw or "[]")
    return list(raw or [])


def clean(
    data: dict[str, str], countries: list[str], chosen: PartnerChoice
) -> tuple[dict[str, Any], dict[str, str]]:
    """Turn the project form into column values, and say what is wrong with them."""
    errors: dict[str, str] = {}
    source = translated_forms.source_language(data, errors)
    content = {field: translated_forms.translated(data, field, source) for field in CONTENT_LIMITS}
    translated_forms.require_source_text(content["name"], "name", errors)
    for field, limit in CONTENT_LIMITS.items():
        translated_forms.check_length(content[field], field, limit, errors)
    slug = data.get("slug", "").strip().lower()
    if not SLUG_PATTERN.match(slug) or len(slug) > 80:
        errors["slug"] = gettext("Use lower-case Latin letters, digits and hyphens.")
    elif slug in RESERVED_SLUGS:
        errors["slug"] = gettext("This short name is reserved; choose another.")
    if data.get("kind") not in {k.value for k in ProjectKind}:
        errors["kind"] = gettext("Choose a kind of project.")
    if data.get("field") not in FIELDS:
        errors["field"] = gettext("Choose a field.")
    if data.get("status") not in {s.value for s in ProjectStatus}:
        errors["status"] = gettext("Choose a status.")
    if data.get("report_frequency") not in {f.value for f in ReportFrequency}:
        errors["report_frequency"] = gettext("Choose how often the team reports.")
    codes = list(dict.fromkeys(code.strip().upper() for code in countries if code.strip()))
    if not codes or any(not re.fullmatch(r"[A-Z]{2}", code) for code in codes):
        errors["countries"] = gettext("Choose at least one country.")
    starts_on = forms.read_date(data, "starts_on", errors, required=True)
    ends_on = forms.read_date(data, "ends_on", errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = gettext("The end cannot be before the start.")
    if set(chosen.china) & set(chosen.partner):
        errors["partners_partner"] = gettext("Choose each organization on one side only.")
    values = {
        "slug": slug,
        **{field: value.dump() for field, value in content.items()},
        "kind": data.get("kind", ""),
        "field": data.get("field", ""),
        "countries": codes,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "status": data.get("status", ""),
        "is_public": data.get("is_public") == "on",
        "report_frequency": data.get("report_frequency", ""),
    }
    return values, errors


async def _partner_ids(chosen: PartnerChoice, errors: dict[str, str]) -> dict[str, list[int]]:
    wanted = set(chosen.china) | set(chosen.partner)
    rows = (
        await Organization.select(Organization.id, Organization.slug).where(
            Organization.slug.is_in(list(wanted))
        )
        if wanted
        else []
    )
    by_slug = {row["slug"]: row["id"] for row in rows}
    for side, slugs in (("china", chosen.china), ("partner", chosen.partner)):
        if any(slug not in by_slug for slug in slugs):
            errors[f"partners_{side}"] = gettext("Choose organizations from the list.")
    return {
        "china": [by_slug[s] for s in chosen.china if s in by_slug],
        "partner": [by_slug[s] for s in chosen.partner if s in by_slug],
    }


def _logo(content: bytes | None, slug: str, errors: dict[str, str]) -> str:
    if not content:
        return ""
    try:
        return store_image(content, LOGO_FOLDER, f"project-{slug or 'logo'}")
    except UploadRefused as refusal:
        errors["logo"] = refusal.message
        return ""


async def _save_partners(project_id: int, ids: dict[str, list[int]]) -> None:
    await ProjectPartner.delete().where(ProjectPartner.project == project_id)
    rows = [
        ProjectPartner(project=project_id, organization=org_id, side=side)
        for side, org_ids in ids.items()
        for org_id in dict.fromkeys(org_ids)
    ]
    if rows:
        await ProjectPartner.insert(*rows)


def _audit_values(values: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in values.items():
        out[key] = value.isoformat() if isinstance(value, date) else value
    return out


async def create(
    actor: Viewer,
    data: dict[str, str],
    *,
    countries: list[str],
    chosen: PartnerChoice,
    logo: bytes | None = None,
    client: str = "",
) -> str:
    """A new project; returns its short name. Refuses with ValidationFailed, saving nothing."""
    require(actor, "project.create")
    values, errors = clean(data, countries, chosen)
    partner_ids = await _partner_ids(chosen, errors)
    if errors:
        raise ValidationFailed(errors)
    values["logo"] = _logo(logo, values["slug"], errors)
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        if await Project.exists().where(Project.slug == values["slug"]):
            raise ValidationFailed({"slug": gettext("This short name is already taken.")})
        project = Project(**values)
        await project.save()
        await _save_partners(project.id, partner_ids)
    await project_search.project_changed(project.id)
    await record(
        actor,
        "project.create",
        "project",
        project.id,
        client=client,
        after={**_audit_values(values), "partners": partner_ids},
    )
    return values["slug"]


async def update(
    actor: Viewer,
    current: ProjectScope,
    data: dict[str, str],
    *,
    countries: list[str],
    chosen: PartnerChoice,
    logo: bytes | None = None,
    client: str = "",
) -> str:
    require(actor, "project.settings", current)
    values, errors = clean(data, countries, chosen)
    partner_ids = await _partner_ids(chosen, errors)
    if errors:
        raise ValidationFailed(errors)
    values["logo"] = _logo(logo, values["slug"], errors) or current.project["logo"]
    if errors:
        raise ValidationFailed(errors)
    before_partners = {
        side: [p["id"] for p in await partners(current.id) if p["side"] == side]
        for side in ("china", "partner")
    }
    async with write_transaction():
        taken = await Project.exists().where(
            (Project.slug == values["slug"]) & (Project.id != current.id)
        )
        if taken:
            raise ValidationFailed({"slug": gettext("This short name is already taken.")})
        await Project.update({**values, "updated_at": forms.now()}).where(Project.id == current.id)
        await _save_partners(current.id, partner_ids)
    await project_search.project_changed(current.id)
    comparable = {
        key: (Translated.load(value).dump() if key in CONTENT_LIMITS else value)
        for key, value in current.project.items()
    }
    comparable["countries"] = _json_list(comparable.get("countries"))
    await record_changes(
        actor,
        "project.update",
        "project",
        current.id,
        client=client,
        before={**_audit_values(comparable), "partners": before_partners},
        after={**_audit_values(values), "partners": partner_ids},
    )
    return values["slug"]


def form_countries(values: dict[str, Any]) -> list[str]:
    """The country checkboxes to offer: partner countries, plus any the project already has."""
    chosen = values.get("countries") or []
    return list(PARTNER_COUNTRIES) + [c for c in chosen if c not in PARTNER_COUNTRIES]


# --- images --------------------------------------------------------------------------------------


async def add_image(
    actor: Viewer,
    current: ProjectScope,
    content: bytes | None,
    data: dict[str, str],
    client: str = "",
) -> None:
    require(actor, "project.settings", current)
    errors: dict[str, str] = {}
    source = translated_forms.source_language(data, errors)
    caption = translated_forms.translated(data, "caption", source)
    translated_forms.check_length(caption, "caption", CAPTION_MAX, errors)
    if not content:
        errors["image"] = gettext("Choose an image to upload.")
    if errors:
        raise ValidationFailed(errors)
    try:
        name = store_image(
            content or b"", IMAGE_FOLDER, f"project-{current.slug}", max_bytes=MAX_IMAGE_BYTES
        )
    except UploadRefused as refusal:
        raise ValidationFailed({"image": refusal.message}) from refusal
    count = await ProjectImage.count().where(ProjectImage.project == current.id)
    image = ProjectImage(project=current.id, file=name, caption=caption.dump(), position=count)
    await image.save()
    await record(
        actor,
        "project.image_add",
        "project",
        current.id,
        client=client,
        after={"image": image.id, "file": name, "caption": caption.dump()},
    )


async def remove_image(
    actor: Viewer, current: ProjectScope, image_id: int, client: str = ""
) -> bool:
    require(actor, "project.settings", current)
    removed = (
        await ProjectImage.delete()
        .where((ProjectImage.id == image_id) & (ProjectImage.project == current.id))
        .returning(ProjectImage.file)
    )
    if not removed:
        return False
    path = stored_path(IMAGE_FOLDER, removed[0]["file"])
    if path is not None:
        path.unlink(missing_ok=True)
    await record(
        actor,
        "project.image_remove",
        "project",
        current.id,
        client=client,
        before={"image": image_id, "file": removed[0]["file"]},
    )
    return True


async def image_for(viewer: Viewer, name: str) -> dict[str, Any] | None:
    """A project image by its stored name, if this viewer may see it: anyone for a public
    project, the team and organizers for an internal one."""
    row = (
        await ProjectImage.select(
            ProjectImage.file,
            ProjectImage.project.id.as_alias("project_id"),
            ProjectImage.project.is_public.as_alias("is_public"),
            ProjectImage.project.slug.as_alias("slug"),
        )
        .where(ProjectImage.file == name)
        .first()
    )
    if row is None:
        return None
    if row["is_public"]:
        return row
    project = await get_by_id(row["project_id"])
    if project and can(
        viewer, "project.view", ProjectScope(project, await role_of(project["id"], viewer.id))
    ):
        return row
    return None


# --- the team ------------------------------------------------------------------------------------


def _team_key(project_id: int, user_id: int) -> str:
    return f"{project_id}:{user_id}"


async def _notify_added(
    actor: Viewer, current: ProjectScope, member_id: int, user: dict[str, Any], role: str
) -> None:
    language = user["language"] if user["language"] in LANGUAGES else "en"
    await outbox.queue_mail(
        key=f"project-team-added:{member_id}",
        recipient=user["email"],
        language=language,
        template="project_team_added",
        context={
            "name": user["name"],
            "inviter": actor.name or actor.email,
            "project": plain_text(current.project["name"], language),
            "role": role,
            "link": f"/{language}/account/projects/{current.slug}/",
        },
    )


async def add_member(
    actor: Viewer,
    current: ProjectScope,
    *,
    email: str,
    role: str,
    name: str = "",
    language: str = "",
    client: str = "",
) -> int:
    """Put someone on the team by e-mail. An existing account is added as it is; otherwise
    an account (platform role `member`) is invited first. Returns the TeamMember id."""
    require(actor, "project.manage_team", current)
    email = accounts.normalize_email(email)
    errors: dict[str, str] = {}
    if problem := accounts.email_problem(email):
        errors["email"] = problem
    if role not in {r.value for r in TeamRole}:
        errors["role"] = gettext("Choose a role in the team.")
    if len(name.strip()) > accounts.NAME_MAX:
        errors["name"] = gettext("Use at most %(num)d characters.", num=accounts.NAME_MAX)
    if errors:
        raise ValidationFailed(errors)
    user = (
        await User.select(User.id, User.email, User.name, User.language, User.is_active)
        .where(User.email == email)
        .first()
    )
    if user is None:
        if language not in LANGUAGES:
            raise ValidationFailed({"language": gettext("Choose a language.")})
        user_id = await accounts.invite(
            actor,
            email=email,
            name=name,
            role=Role.member.value,
            language=language,
            organization_id=None,
            client=client,
        )
        user = {"id": user_id, "email": email, "name": name.strip(), "language": language}
    elif not user["is_active"]:
        raise ValidationFailed({"email": gettext("This account is switched off.")})
    async with write_transaction():
        if await TeamMember.exists().where(
            TeamMember.project_user == _team_key(current.id, user["id"])
        ):
            raise ValidationFailed({"email": gettext("This person is already on the team.")})
        member = TeamMember(
            project=current.id,
            user=user["id"],
            role=role,
            project_user=_team_key(current.id, user["id"]),
        )
        await member.save()
    await _notify_added(actor, current, member.id, user, role)
    await project_search.project_changed(current.id)
    await record(
        actor,
        "project.team_add",
        "project",
        current.id,
        client=client,
        after={"member": member.id, "user": user["id"], "email": email, "role": role},
    )
    return int(member.id)


async def _member(current: ProjectScope, member_id: int) -> dict[str, Any]:
    row = (
        await TeamMember.select()
        .where((TeamMember.id == member_id) & (TeamMember.project == current.id))
        .first()
    )
    if row is None:
        raise ValidationFailed({"": gettext("This person is no longer on the team.")})
    return row


async def _other_leads(project_id: int, member_id: int) -> int:
    return await TeamMember.count().where(
        (TeamMember.project == project_id)
        & (TeamMember.role == TeamRole.lead.value)
        & (TeamMember.id != member_id)
    )


LAST_LEAD = N_("A project needs at least one lead: make someone else a lead first.")


async def remove_member(
    actor: Viewer, current: ProjectScope, member_id: int, client: str = ""
) -> None:
    """Take someone off the team. The last lead stays (the project would have nobody to
    manage its team)."""
    require(actor, "project.manage_team", current)
    async with write_transaction():
        member = await _member(current, member_id)
        if member["role"] == TeamRole.lead.value and not await _other_leads(current.id, member_id):
            raise ValidationFailed({"": gettext(LAST_LEAD)})
        await TeamMember.delete().where(TeamMember.id == member_id)
    await project_search.project_changed(current.id)
    await record(
        actor,
        "project.team_remove",
        "project",
        current.id,
        client=client,
        before={"member": member_id, "user": member["user"], "role": member["role"]},
    )


async def set_role(
    actor: Viewer, current: ProjectScope, member_id: int, role: str, client: str = ""
) -> None:
    require(actor, "project.manage_team", current)
    if role not in {r.value for r in TeamRole}:
        raise ValidationFailed({"role": gettext("Choose a role in the team.")})
    async with write_transaction():
        member = await _member(current, member_id)
        if member["role"] == role:
            return
        if member["role"] == TeamRole.lead.value and not await _other_leads(current.id, member_id):
            raise ValidationFailed({"": gettext(LAST_LEAD)})
        await TeamMember.update({TeamMember.role: role}).where(TeamMember.id == member_id)
    await record(
        actor,
        "project.team_role",
        "project",
        current.id,
        client=client,
        before={"member": member_id, "role": member["role"]},
        after={"member": member_id, "role": role},
    )


async def member(current: ProjectScope, member_id: int) -> dict[str, Any] | None:
    """One team member with their account's name and e-mail (for confirm pages)."""
    return next((m for m in await team(current.id) if m["id"] == member_id), None)
