"""Expressions of interest: one organization asks to be put in touch about another's demand
or offer. The requester consents to sharing contacts when sending; the poster consents by
accepting. Contact details of either side are shown only when both have consented — on
pages, in exports and in mail alike (`shared_contacts` is the one place that decides).

The bureau sees every request and its outcome; a city's coordinator those about profiles
placed in their city.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from litestar.exceptions import NotFoundException

from cooperation.services import mail
from cooperation.services.profiles import get, now, posting_organizations
from cooperation.services.vocabulary import CITIES, INTEREST_LABELS, KIND_LABELS
from cooperation.tables import InterestRequest, InterestStatus, ProfileStatus
from core.access import Viewer, require
from core.accounts import email_problem
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from core.outbox import queue_mail
from core.paging import Page, paginate
from core.spreadsheets import Download, Sheet, download
from core.tables import Organization, Role

MESSAGE_MAX = 2000
CONTACTS = ("contact_name", "contact_email", "contact_phone")


@dataclass(frozen=True)
class Contacts:
    name: str
    email: str
    phone: str


def shared_contacts(request: dict[str, Any]) -> bool:
    """Both sides consented: the only state in which either side's contacts are shown."""
    return (
        request["status"] == InterestStatus.accepted.value
        and request["requester_consented_at"] is not None
        and request["owner_consented_at"] is not None
    )


def _contacts(row: dict[str, Any]) -> Contacts:
    return Contacts(row["contact_name"], row["contact_email"], row["contact_phone"])


async def city_of_organizations(organization_ids: frozenset[int]) -> set[str]:
    """City keys of a coordinator's organizations (by the city's English name)."""
    if not organization_ids:
        return set()
    rows = await Organization.select(Organization.city).where(
        Organization.id.is_in(list(organization_ids))
    )
    names = {Translated.load(row["city"]).text.get("en", "").strip().lower() for row in rows}
    return {name for name in names if name in CITIES}


# --- sending -------------------------------------------------------------------------------


async def express(
    viewer: Viewer,
    profile_id: int,
    data: dict[str, str],
    *,
    consent: bool,
    client: str = "",
) -> int:
    """Send an expression of interest for one of the viewer's organizations; the poster is
    mailed (without the requester's contacts). Returns the request's id."""
    require(viewer, "cooperation.post")
    profile = await get(profile_id)
    if profile is None or profile["status"] != ProfileStatus.published.value:
        raise NotFoundException()
    errors: dict[str, str] = {}
    choices = await posting_organizations(viewer)
    slug = data.get("organization", "")
    chosen = next((o for o in choices if o["slug"] == slug), None) if slug else None
    if chosen is None and choices and (len(choices) == 1 or not slug):
        chosen = next((o for o in choices if viewer.acts_for(o["id"])), choices[0])
    if chosen is None:
        errors["organization"] = gettext("Choose the organization you post for.")
    elif chosen["id"] == profile["organization"]:
        errors[""] = gettext("This profile is your own organization's.")
    message = data.get("message", "")
    if len(message) > MESSAGE_MAX:
        errors["message"] = gettext("Use at most %(num)d characters.", num=MESSAGE_MAX)
    contacts = {column: data.get(column, "").strip() for column in CONTACTS}
    contacts["contact_email"] = contacts["contact_email"].lower()
    if not contacts["contact_name"]:
        errors["contact_name"] = gettext("Enter the name of the contact person.")
    problem = email_problem(contacts["contact_email"])
    if problem:
        errors["contact_email"] = problem
    if len(contacts["contact_name"]) > 200 or len(contacts["contact_phone"]) > 50:
        errors["contact_phone"] = gettext("Use at most %(num)d characters.", num=50)
    if not consent:
        errors["consent"] = gettext(
            "Agree to share your contact details, or the poster cannot get in touch."
        )
    source = data.get("source_profile", "")
    source_id = int(source) if source.isdigit() else None
    if errors:
        raise ValidationFailed(errors)
    assert chosen is not None
    async with write_transaction():
        key = f"{profile_id}:{chosen['id']}"
        if await InterestRequest.exists().where(InterestRequest.profile_organization == key):
            raise ValidationFailed(
                {"": gettext("Your organization has already expressed interest in this profile.")}
            )
        if source_id is not None:
            own = await get(source_id)
            if own is None or own["organization"] != chosen["id"]:
                source_id = None
        moment = now()
        inserted = await InterestRequest.insert(
            InterestRequest(
                profile=profile_id,
                source_profile=source_id,
                requester=viewer.id,
                organization=chosen["id"],
                message=message,
                language=viewer.language,
                status=InterestStatus.pending.value,
                requester_consented_at=moment,
                created_at=moment,
                profile_organization=key,
                **contacts,
            )
        ).returning(InterestRequest.id)
        request_id = int(inserted[0]["id"])
        email, language, name = await mail.poster(profile)
        await queue_mail(
            key=f"cooperation-interest:{request_id}",
            recipient=email,
            language=language,
            template="cooperation_interest",
            context={
                "name": name,
                "title": mail.title_in(profile, language),
                "kind": profile["kind"],
                "organization": await mail.organization_name(chosen["id"], language),
                "message": message,
                "link": f"/{language}/account/cooperation/requests/{request_id}",
            },
        )
    await record(viewer, "cooperation.interest", "cooperation_interest", request_id, client=client)
    return request_id


# --- answering -----------------------------------------------------------------------------


async def decide(viewer: Viewer, request_id: int, accept: bool, client: str = "") -> None:
    """The poster's organization accepts (and so consents to sharing contacts) or declines.
    Only the poster's side answers: organizers see requests but do not consent for others."""
    found = await view(viewer, request_id)
    if not found.is_owner:
        raise NotFoundException()
    status = InterestStatus.accepted if accept else InterestStatus.declined
    async with write_transaction():
        changes: dict[Any, Any] = {
            InterestRequest.status: status.value,
            InterestRequest.decided_by: viewer.id,
            InterestRequest.decided_at: now(),
        }
        if accept:
            changes[InterestRequest.owner_consented_at] = now()
        moved = (
            await InterestRequest.update(changes)
            .where(
                (InterestRequest.id == request_id)
                & (InterestRequest.status == InterestStatus.pending.value)
            )
            .returning(InterestRequest.id)
        )
        if not moved:
            raise ValidationFailed({"": gettext("This request has already been answered.")})
        # The requester's own address: mailing them is no disclosure to anyone.
        requester = (
            await InterestRequest.select(
                InterestRequest.contact_email, InterestRequest.contact_name
            )
            .where(InterestRequest.id == request_id)
            .first()
        )
        assert requester is not None
        language = found.request["language"]
        await queue_mail(
            key=f"cooperation-answer:{request_id}",
            recipient=requester["contact_email"],
            language=language,
            template="cooperation_answer",
            context={
                "name": requester["contact_name"],
                "title": mail.title_in(found.profile, language),
                "kind": found.profile["kind"],
                "accepted": accept,
                "link": f"/{language}/account/cooperation/requests/{request_id}",
            },
        )
    await record(
        viewer,
        f"cooperation.interest_{status.value}",
        "cooperation_interest",
        request_id,
        client=client,
    )


# --- reading -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RequestView:
    """One request as `viewer` may see it: the contacts of the other side only once both
    consented, and only to the two sides themselves and the bureau."""

    request: dict[str, Any]
    profile: dict[str, Any]
    is_owner: bool
    is_requester: bool
    requester_contacts: Contacts | None
    poster_contacts: Contacts | None


async def _scope(viewer: Viewer) -> tuple[bool, set[str]]:
    """(sees everything, cities seen) for the bureau and coordinators."""
    if viewer.is_admin:
        return True, set()
    if viewer.has_role(Role.coordinator):
        return False, await city_of_organizations(viewer.organization_ids)
    return False, set()


async def view(viewer: Viewer, request_id: int) -> RequestView:
    request = await InterestRequest.select().where(InterestRequest.id == request_id).first()
    profile = await get(request["profile"]) if request else None
    if request is None or profile is None or not viewer.is_authenticated:
        raise NotFoundException()
    is_owner = viewer.acts_for(profile["organization"])
    is_requester = viewer.acts_for(request["organization"])
    everything, cities = await _scope(viewer)
    if not (is_owner or is_requester or everything or profile["city"] in cities):
        raise NotFoundException()
    shared = shared_contacts(request)
    sides = shared and (is_owner or is_requester or everything)
    return RequestView(
        request={k: v for k, v in request.items() if k not in CONTACTS},
        profile={k: v for k, v in profile.items() if k not in CONTACTS},
        is_owner=is_owner,
        is_requester=is_requester,
        requester_contacts=_contacts(request) if sides else None,
        poster_contacts=_contacts(profile) if sides else None,
    )


def _listing_columns() -> list[Any]:
    return [
        InterestRequest.id,
        InterestRequest.profile,
        InterestRequest.organization,
        InterestRequest.status,
        InterestRequest.created_at,
        InterestRequest.decided_at,
        InterestRequest.profile.kind.as_alias("kind"),
        InterestRequest.profile.title.as_alias("title"),
        InterestRequest.profile.city.as_alias("city"),
        InterestRequest.profile.organization.as_alias("poster_organization"),
        InterestRequest.organization.name.as_alias("requester_name"),
    ]


async def of_viewer(viewer: Viewer) -> dict[str, list[dict[str, Any]]]:
    """Requests about the viewer's organizations' profiles, and those they sent."""
    ids = list(viewer.organization_ids)
    if not ids:
        return {"incoming": [], "outgoing": []}
    newest = InterestRequest.created_at
    incoming = (
        await InterestRequest.select(*_listing_columns())
        .where(InterestRequest.profile.organization.is_in(ids))
        .order_by(newest, ascending=False)
    )
    outgoing = (
        await InterestRequest.select(*_listing_columns())
        .where(InterestRequest.organization.is_in(ids))
        .order_by(newest, ascending=False)
    )
    return {"incoming": incoming, "outgoing": outgoing}


async def _where_visible(viewer: Viewer) -> Any:
    everything, cities = await _scope(viewer)
    if everything:
        return None
    clause = InterestRequest.profile.city.is_in(sorted(cities) or ["-"])
    return clause


async def overview(viewer: Viewer, status: str = "", page: int = 1) -> Page:
    """Every request the bureau (or a city's coordinator) follows, newest first."""
    clause = await _where_visible(viewer)
    if status in InterestStatus.__members__:
        chosen = InterestRequest.status == status
        clause = chosen if clause is None else clause & chosen
    query = InterestRequest.select(*_listing_columns()).order_by(
        InterestRequest.created_at, ascending=False
    )
    count = InterestRequest.count()
    if clause is not None:
        query, count = query.where(clause), count.where(clause)
    return await paginate(query, count, page)


def _local(moment: datetime | None, zone: str) -> datetime | None:
    """A moment as the reader's wall-clock time (spreadsheets hold no time zones)."""
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None) if moment else None


async def export(viewer: Viewer, kind: str, lang: str) -> Download:
    """The requests the viewer follows as a spreadsheet; contact columns stay empty until
    both sides consented."""
    clause = await _where_visible(viewer)
    query = InterestRequest.select(
        *_listing_columns(),
        InterestRequest.requester_consented_at,
        InterestRequest.owner_consented_at,
        *[getattr(InterestRequest, column) for column in CONTACTS],
        *[
            getattr(InterestRequest.profile, column).as_alias(f"poster_{column}")
            for column in CONTACTS
        ],
    ).order_by(InterestRequest.created_at)
    if clause is not None:
        query = query.where(clause)
    rows = await query
    sheet = Sheet(
        title=gettext("Expressions of interest"),
        header=[
            gettext("Number"),
            gettext("Kind"),
            gettext("Title"),
            gettext("Organization interested"),
            gettext("Status"),
            gettext("Sent"),
            gettext("Answered"),
            gettext("Contact of the poster"),
            gettext("Contact of the organization interested"),
        ],
    )
    statuses = {key.value: str(label) for key, label in INTEREST_LABELS.items()}
    kinds = {key.value: str(label) for key, label in KIND_LABELS.items()}
    for row in rows:
        shared = shared_contacts(row)
        poster = (
            " · ".join(v for v in (row[f"poster_{c}"] for c in CONTACTS) if v) if shared else ""
        )
        requester = " · ".join(v for v in (row[c] for c in CONTACTS) if v) if shared else ""
        sheet.rows.append(
            [
                row["id"],
                kinds.get(row["kind"], row["kind"]),
                Translated.load(row["title"]).show(lang).text,
                Translated.load(row["requester_name"]).show(lang).text,
                statuses.get(row["status"], row["status"]),
                _local(row["created_at"], viewer.timezone),
                _local(row["decided_at"], viewer.timezone),
                poster,
                requester,
            ]
        )
    return download(kind, "expressions-of-interest", sheet)
