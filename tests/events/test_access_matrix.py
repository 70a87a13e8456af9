"""Who may open which event page: every role against every guarded route of the event core,
invitations and delegations (found from the app's route table, so moving code between
modules changes nothing here).

Organizers (admins) run events, their agenda, registrations and invitations; the
foreign-affairs office (fao) checks guests in and oversees every delegation; a partner
city's coordinator registers groups and works on their own city's delegations — a
coordinator of another city is told those do not exist (404). Passport numbers are shown in
clear to the office only: admins see them masked, and nobody refused sees anything.
Anonymous readers are sent to sign in. A refused POST changes nothing.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from openpyxl import Workbook

from core import jobqueue
from core.auth import load_viewer
from core.content import Translated
from core.tables import OutboxMessage
from core.uploads import folder
from events.delegations.services import letters as letter_rules
from events.delegations.services import members, opening, records, vocabulary, workflow
from events.delegations.tables import VisaLetter
from events.invitations.tables import Invitation, InvitationCampaign
from events.services.events import MEDIA_FOLDER
from events.tables import Registration, RegistrationQuestion
from tests.events.factories import (
    make_event,
    make_quota,
    make_session,
    make_speaker,
)
from tests.support.access_matrix import Endpoint, Matrix, unlisted
from tests.support.factories import make_organization, make_user

ROLES = ("anonymous", "member", "reviewer", "coordinator_a", "coordinator_b", "fao", "admin")
SIGNED_IN = frozenset(ROLES) - {"anonymous"}
ADMIN = frozenset({"admin"})
STAFF = frozenset({"fao", "admin"})
COORDINATORS = frozenset({"coordinator_a", "coordinator_b", "admin"})
CITY_A = frozenset({"coordinator_a", "admin"})
GROUPS = frozenset({"coordinator_a", "coordinator_b"})  # organizers have no city to register
ELSEWHERE = {"coordinator_b": 404}  # another city's delegation does not exist for them
OFFICE_ONLY = frozenset({"fao"})  # letters carry passport numbers: not even admins

# Fixed moments: nothing here depends on when the suite runs.
START = datetime(2031, 6, 3, 3, 0, tzinfo=UTC)  # 09:00 in Urumqi
PASSPORT = "N7654321"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
CODE = {"code": "{code}"}
SIGNATORY = {"signatory_name": "李娜", "signatory_title": "主任 / Director"}
RECIPIENT = {"name": "Li Na", "email": "li.na@example.cn", "language": "zh", "kind": "list"}
MEMBER_NAME = "KASSYMOVA AIGUL"


def _member_form(**overrides: str) -> dict[str, str]:
    """A complete delegation member, as the member form posts it (times in Urumqi)."""
    form = {
        "name_native": "Айгүл Қасымова",
        "name_latin": MEMBER_NAME,
        "name_zh": "艾古丽",
        "gender": "f",
        "date_of_birth": "1985-03-14",
        "nationality": "KZ",
        "passport_number": PASSPORT,
        "passport_expires": "2035-01-31",
        "job_title": "Заместитель акима",
        "organization_name": "Акимат города Алматы",
        "languages": "ru",
        "interpreter_language": "ru",
        "diet": "halal",
        "arrival_at": "2031-06-02T14:35",
        "arrival_transport": "flight",
        "arrival_number": "KC853",
        "arrival_place": "Urumqi Tianshan International Airport (URC)",
        "departure_at": "2031-06-04T09:10",
        "departure_transport": "flight",
        "departure_number": "KC854",
        "departure_place": "Urumqi Tianshan International Airport (URC)",
        "needs_letter": "yes",
        "is_head": "yes",
    }
    form.update(overrides)
    return form


def _import_file() -> bytes:
    """A filled-in member list: the template's English headings, one member."""
    labels = vocabulary.field_labels()
    member = _member_form(passport_number="N5556667", name_latin="SERIKOVA DANA")
    book = Workbook()
    sheet = book.active
    sheet.append([str(labels[name]) for name in member])
    sheet.append(list(member.values()))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def admin(method: str, path: str, **kw: Any) -> Endpoint:
    return Endpoint(method, "/en/manage/events/" + path, ADMIN, 403, **kw)


def event_admin(method: str, path: str, **kw: Any) -> Endpoint:
    return admin(method, "{e}/" + path, **kw)


def office(method: str, path: str, allowed: frozenset[str] = STAFF, **kw: Any) -> Endpoint:
    return Endpoint(method, "/en/manage/delegations/" + path, allowed, 403, **kw)


def city(method: str, path: str, allowed: frozenset[str] = CITY_A, **kw: Any) -> Endpoint:
    """A page of city A's delegation: other coordinators get 404, everyone else 403."""
    return Endpoint(
        method, "/en/account/delegations/{da}/" + path, allowed, 403, refused=ELSEWHERE, **kw
    )


EVENT_FORM = {
    "kind": "roadshow",
    "slug": "tashkent-roadshow",
    "source_language": "ru",
    "title_ru": "Роуд-шоу технологий в Ташкенте",
    "city_ru": "Ташкент",
    "venue_ru": "Конгресс-холл",
    "timezone": "Asia/Tashkent",
    "starts_at": "2031-09-10T09:00",
    "ends_at": "2031-09-10T18:00",
    "capacity": "120",
    "offer_hours": "48",
}
SESSION_FORM = {
    "kind": "panel",
    "source_language": "en",
    "title_en": "Seed banks of Central Asia",
    "starts_at": "2031-06-03T14:00",
    "ends_at": "2031-06-03T15:00",
    "room": "Hall B",
}
SPEAKER_FORM = {"source_language": "en", "name_en": "Liu Haitao", "position_en": "Professor"}
QUESTION_FORM = {"kind": "yes_no", "source_language": "en", "label_en": "Do you need a visa?"}
INVITATION_TEXTS = {
    "source_language": "en",
    "subject_en": "Invitation to the forum",
    "message_en": "Dear colleagues, you are invited.",
    "subject_zh": "论坛邀请函",
    "message_zh": "诚挚邀请您参加论坛。",
}

ENDPOINTS = [
    # the event core: organizers' pages
    admin("GET", ""),
    admin("GET", "new"),
    admin("POST", "new", form=EVENT_FORM),
    admin("GET", "media/{cover}"),
    event_admin("GET", ""),
    event_admin("GET", "edit"),
    event_admin("POST", "edit", form={**EVENT_FORM, "slug": "{e}", "capacity": "60"}),
    event_admin("POST", "status", form={"to": "registration_closed"}),
    event_admin("GET", "agenda"),
    event_admin("GET", "agenda/sessions/new"),
    event_admin("POST", "agenda/sessions/new", form=SESSION_FORM),
    event_admin("GET", "agenda/sessions/{s}/edit"),
    event_admin("POST", "agenda/sessions/{s}/edit", form=SESSION_FORM),
    event_admin("GET", "agenda/sessions/{s}/delete"),
    event_admin("POST", "agenda/sessions/{s}/delete"),
    event_admin("GET", "agenda/speakers/new"),
    event_admin("POST", "agenda/speakers/new", form=SPEAKER_FORM),
    event_admin("GET", "agenda/speakers/{sp}/edit"),
    event_admin("POST", "agenda/speakers/{sp}/edit", form=SPEAKER_FORM),
    event_admin("GET", "agenda/speakers/{sp}/delete"),
    event_admin("POST", "agenda/speakers/{sp}/delete"),
    event_admin("GET", "quotas"),
    event_admin("POST", "quotas", form={"organization": "beta", "seats": "3"}),
    event_admin("GET", "questions"),
    event_admin("GET", "questions/new"),
    event_admin("POST", "questions/new", form=QUESTION_FORM),
    event_admin("GET", "questions/{q}/edit"),
    event_admin("POST", "questions/{q}/edit", form={**QUESTION_FORM, "required": "on"}),
    event_admin("GET", "questions/{q}/delete"),
    event_admin("POST", "questions/{q}/delete"),
    event_admin("POST", "questions/{q}/move", form={"direction": "down"}),
    # registrations and check-in
    event_admin("GET", "registrations/"),
    event_admin("GET", "registrations.csv"),
    event_admin("GET", "registrations.xlsx"),
    event_admin("GET", "registrations/{pending}"),
    event_admin("POST", "registrations/{pending}/approve"),
    event_admin("GET", "registrations/{pending}/reject"),
    event_admin("POST", "registrations/{pending}/reject", form={"reason": "The hall is full."}),
    event_admin("GET", "registrations/{confirmed}/cancel"),
    event_admin("POST", "registrations/{confirmed}/cancel"),
    event_admin("POST", "registrations/{waiting}/move-to-top"),
    event_admin("POST", "registrations/{waiting}/offer"),
    Endpoint("GET", "/en/manage/events/{e}/checkin", STAFF, 403),
    Endpoint("POST", "/en/manage/events/{e}/checkin", STAFF, 403, form=CODE, done=200),
    Endpoint("POST", "/en/manage/events/{e}/checkin/scan", STAFF, 403, form=CODE, done=200),
    Endpoint("GET", "/api/v1/events/{e}/checkin/stats", STAFF, 403),
    Endpoint("GET", "/en/events/{e}/register/group", GROUPS, 403),
    Endpoint(
        "POST",
        "/en/events/{e}/register/group",
        GROUPS,
        403,
        form={"0.name": "Nurlan Abenov", "0.email": "nurlan@example.kz", "0.language": "ru"},
    ),
    Endpoint("GET", "/en/account/registrations/", SIGNED_IN, 403),
    # invitations
    event_admin("GET", "invitations/"),
    event_admin("GET", "invitations.csv"),
    event_admin("GET", "invitations.xlsx"),
    event_admin("GET", "invitations/new"),
    event_admin(
        "POST",
        "invitations/new",
        form={**INVITATION_TEXTS, "people": "Sara Ali, sara.ali@example.org, en"},
    ),
    event_admin("GET", "invitations/campaigns/{draft}/"),
    event_admin("GET", "invitations/campaigns/{draft}/edit"),
    event_admin(
        "POST",
        "invitations/campaigns/{draft}/edit",
        form={**INVITATION_TEXTS, "people": "Li Na, li.na@example.cn, zh"},
    ),
    event_admin("POST", "invitations/campaigns/{draft}/send"),
    event_admin("GET", "invitations/campaigns/{sent}/progress"),
    event_admin("POST", "invitations/campaigns/{sent}/retry"),
    event_admin("GET", "invitations/campaigns/{draft}/discard"),
    event_admin("POST", "invitations/campaigns/{draft}/discard"),
    event_admin("POST", "invitations/{failed}/retry"),
    event_admin("GET", "invitations/{invited}/resend"),
    event_admin("POST", "invitations/{invited}/resend"),
    # delegations: the partner city's side
    Endpoint("GET", "/en/account/delegations/", COORDINATORS, 403),
    Endpoint(
        "POST",
        "/en/account/delegations/open",
        COORDINATORS,
        403,
        form={"choice": "{own}:{open}"},
    ),
    city("GET", ""),
    city("POST", "rank", form={"protocol_rank": "head_of_city"}),
    city("GET", "members/new"),
    city("POST", "members/new", form=_member_form(passport_number="N1112223")),
    city("GET", "members/{ma}/edit"),
    city("POST", "members/{ma}/edit", form=_member_form(job_title="Аким")),
    city("GET", "members/{ma}/delete"),
    city("POST", "members/{ma}/delete"),
    city("GET", "import"),
    city("POST", "import", upload=("file", "members.xlsx", _import_file())),
    city("GET", "template.xlsx"),
    city("GET", "members.xlsx"),
    city("GET", "submit"),
    city("POST", "submit"),
    # delegations: the foreign-affairs office
    office("GET", ""),
    office("GET", "delegations.xlsx"),
    office("POST", "new", form={"event": "{open}", "organization": "{b_id}"}),
    office("POST", "freeze", form={"event": "{e}", "freeze_at": "2031-05-20T18:00"}),
    office("GET", "{ds}/"),
    office("POST", "{ds}/approve"),
    office("GET", "{ds}/return"),
    office("POST", "{ds}/return", form={"comment": "Укажите номер рейса."}),
    office("POST", "{ds}/rank", form={"protocol_rank": "head_of_city"}),
    office("GET", "{ds}/members/new"),
    office("POST", "{ds}/members/new", form=_member_form(passport_number="N3334445")),
    office("GET", "{ds}/members/{ms}/edit"),
    office("POST", "{ds}/members/{ms}/edit", form=_member_form(job_title="Аким")),
    office("GET", "{ds}/members/{ms}/delete"),
    office("POST", "{ds}/members/{ms}/delete"),
    office("GET", "{ds}/members.xlsx"),
    office("GET", "{dl}/letters"),
    office(
        "POST",
        "{dl}/letters",
        form={"signatory_name": "李娜", "signatory_title": "主任 / Director"},
    ),
    office("POST", "{dl}/letters/retry"),
    office("GET", "{dl}/letters.zip", allowed=OFFICE_ONLY),
    office("GET", "letters/{letter}", allowed=OFFICE_ONLY),
    office("POST", "{dl}/mark", form={"step": "arrived"}),
    office("GET", "{dl}/rooms"),
    office("POST", "{dl}/rooms", form={"hotel_all": "Hoi Tak Hotel", "room-{ml}": "701"}),
    office("GET", "arrivals"),
    office("GET", "rooming"),
    office("GET", "interpreters"),
    office("GET", "dietary"),
    office("GET", "protocol"),
    office("GET", "arrivals.xlsx"),
    office("GET", "rooming.xlsx"),
    office("GET", "interpreters.xlsx"),
    office("GET", "dietary.xlsx"),
    office("GET", "protocol.xlsx"),
    office("GET", "members.xlsx"),
    office("GET", "letters.zip?event=expo", allowed=OFFICE_ONLY),
    office("GET", "badges.pdf?event=expo"),
    office("GET", "retention"),
]


# --- the world every row runs in --------------------------------------------------------------


async def _registration(event: dict[str, Any], status: str, n: int, **fields: Any) -> int:
    registration = Registration(
        event=event["id"],
        status=status,
        name=f"Guest {n}",
        email=f"guest{n}@example.org",
        language="en",
        answers={},
        code=f"GUEST{n:04d}",
        seat="general" if status == "confirmed" else "",
        active_key=f"{event['id']}:guest{n}@example.org",
        **fields,
    )
    await registration.save()
    return int(registration.id)


async def _campaign(event: dict[str, Any], sent: bool) -> int:
    campaign = InvitationCampaign(
        event=event["id"],
        subject=Translated.of("en", en="Invitation").dump(),
        message=Translated.of("en", en="You are invited.").dump(),
        recipients=[]
        if sent
        else [{"name": "Li Na", "email": "li.na@example.cn", "language": "zh", "kind": "list"}],
        planned=0 if sent else 1,
        expires_at=START - timedelta(days=5),
        reminders=[],
        status="sent" if sent else "draft",
        sent_at=START - timedelta(days=40) if sent else None,
    )
    await campaign.save()
    return int(campaign.id)


async def _invitation(event: dict[str, Any], campaign: int, n: int, mail: str) -> int:
    """An invitation whose e-mail was sent, or failed for good (`mail`)."""
    message = OutboxMessage(
        idempotency_key=f"matrix:invitation:{n}",
        recipient=f"invitee{n}@example.org",
        language="en",
        template="invitation",
        context={},
        status=mail,
        attempts=1 if mail == "sent" else 6,
        last_error="" if mail == "sent" else "550 mailbox unavailable",
    )
    await message.save()
    invitation = Invitation(
        event=event["id"],
        campaign=campaign,
        event_email=f"{event['id']}:invitee{n}@example.org",
        kind="list",
        name=f"Invitee {n}",
        email=f"invitee{n}@example.org",
        language="en",
        token_hash=f"{n:064d}",
        token_nonce=f"{n:032d}",
        expires_at=START - timedelta(days=5),
        message=message.id,
    )
    await invitation.save()
    return int(invitation.id)


async def _question(event: dict[str, Any], position: int) -> int:
    question = RegistrationQuestion(
        event=event["id"],
        position=position,
        kind="yes_no",
        label=Translated.of("en", en=f"Question {position}").dump(),
        options=[],
    )
    await question.save()
    return int(question.id)


async def _delegation(event: dict[str, Any], who: Any, organization: int, member: dict) -> dict:
    delegation_id = await opening.open_delegation(who, event["slug"], organization)
    delegation = await records.get(delegation_id)
    assert delegation is not None
    await members.save_member(who, delegation, member)
    await workflow.set_rank(who, delegation, "deputy_head_of_city")
    return await records.get(delegation_id) or {}


async def build_world(redis_url: str) -> tuple[dict[str, Any], dict[str, int]]:
    host = await make_organization("urumqi-fao", country="CN", kind="government")
    alpha = await make_organization(
        "alpha", name=Translated.of("ru", ru="Акимат города Алматы", en="Almaty").dump()
    )
    beta = await make_organization("beta", country="UZ")
    organizations = {"coordinator_a": alpha["id"], "coordinator_b": beta["id"], "fao": host["id"]}
    accounts = {}
    for role in SIGNED_IN:
        user = await make_user(
            role.removesuffix("_a").removesuffix("_b"),
            email=f"{role}@example.org",
            organization_id=organizations.get(role),
        )
        accounts[role] = user["id"]
    coordinator = await load_viewer(accounts["coordinator_a"])
    fao = await load_viewer(accounts["fao"])
    assert coordinator is not None and fao is not None

    events = {}
    for number, slug in enumerate(("forum", "summit", "expo", "roadshow")):
        starts = START + timedelta(days=30 * number)
        events[slug] = await make_event(
            slug=slug, starts_at=starts, ends_at=starts + timedelta(hours=9), capacity=50
        )
        for organization in (alpha, beta):
            await make_quota(events[slug]["id"], organization["id"], 5)
    forum = events["forum"]
    session = await make_session(forum)
    speaker = await make_speaker(forum)
    pending = await _registration(forum, "pending", 1)
    confirmed = await _registration(forum, "confirmed", 2, confirmed_at=START - timedelta(days=9))
    await _registration(forum, "waitlisted", 4, waitlisted_at=START - timedelta(days=9))
    waiting = await _registration(forum, "waitlisted", 3, waitlisted_at=START - timedelta(days=8))
    (folder(MEDIA_FOLDER) / "matrix-cover.png").write_bytes(PNG)
    draft = await _campaign(forum, sent=False)
    sent = await _campaign(forum, sent=True)
    question = await _question(forum, 0)
    await _question(forum, 1)
    failed = await _invitation(forum, sent, 1, "failed")
    invited = await _invitation(forum, sent, 2, "sent")

    # City A's delegations: a draft (the city's pages), a submitted one and one with letters.
    da = await _delegation(forum, coordinator, alpha["id"], _member_form())
    ds = await _delegation(events["summit"], coordinator, alpha["id"], _member_form())
    await workflow.submit(coordinator, ds)
    dl = await _delegation(events["expo"], coordinator, alpha["id"], _member_form())
    await workflow.submit(coordinator, dl)
    await workflow.approve(fao, await records.get(dl["id"]) or {})
    await letter_rules.issue_letters(
        fao,
        await records.get(dl["id"]) or {},
        {"signatory_name": "李娜", "signatory_title": "主任"},
    )
    worker = jobqueue.create_worker(redis_url, burst=True, poll_delay=0)
    try:
        await worker.main()
    finally:
        await worker.close()
    letters = await VisaLetter.select(VisaLetter.id).order_by(VisaLetter.id)
    # A letter that failed to render, for "render the failed ones again".
    first = await VisaLetter.select().where(VisaLetter.id == letters[0]["id"]).first()
    first.pop("id")
    failed_letter = {"sequence": 99, "reference": "FAILED-99", "status": "failed", "content": None}
    await VisaLetter.insert(VisaLetter(**{**first, **failed_letter}))
    [ma] = await records.members(da["id"])
    [ms] = await records.members(ds["id"])
    [ml] = await records.members(dl["id"])
    world = {
        "e": "forum",
        "open": "roadshow",
        "cover": "matrix-cover.png",
        "s": session["id"],
        "sp": speaker["id"],
        "q": question,
        "pending": pending,
        "confirmed": confirmed,
        "waiting": waiting,
        "code": "GUEST0002",
        "draft": draft,
        "sent": sent,
        "failed": failed,
        "invited": invited,
        "da": da["id"],
        "ds": ds["id"],
        "dl": dl["id"],
        "ma": ma["id"],
        "ms": ms["id"],
        "ml": ml["id"],
        "letter": letters[0]["id"],
        "b_id": beta["id"],
        "a_id": alpha["id"],
    }
    return world, accounts


@pytest.fixture(scope="module")
async def matrix(app, database: None, redis_url: str) -> AsyncIterator[Matrix]:
    async with Matrix.running(app, redis_url, lambda: build_world(redis_url)) as running:
        yield running


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """The rows share the module's world (see `matrix`), which puts itself back after each."""


# --- the matrix --------------------------------------------------------------------------------


def _form_for(endpoint: Endpoint, role: str, world: dict[str, Any]) -> dict[str, str]:
    own = world["b_id"] if role == "coordinator_b" else world["a_id"]
    return {
        key.format(**world): value.format(own=own, **world) for key, value in endpoint.form.items()
    }


ROWS = [pytest.param(endpoint, id=endpoint.id) for endpoint in ENDPOINTS]


@pytest.mark.parametrize("endpoint", ROWS)
async def test_access(matrix: Matrix, endpoint: Endpoint) -> None:
    def passports_for_the_office_only(role: str, response: httpx.Response) -> None:
        if role != "fao":
            assert PASSPORT not in response.text, "a passport number shown outside the office"
        if role not in endpoint.allowed:
            assert MEMBER_NAME not in response.text
        if role in STAFF and endpoint.path == "/en/manage/delegations/{ds}/":
            assert (PASSPORT in response.text) == (role == "fao")

    await matrix.check(
        endpoint,
        ROLES,
        form=lambda role: _form_for(endpoint, role, matrix.world),
        inspect=passports_for_the_office_only,
    )


# --- the matrix keeps up with the routes -------------------------------------------------------


def test_every_guarded_event_route_is_in_the_matrix(app) -> None:
    missing = unlisted(((e.method, e.path) for e in ENDPOINTS), app, "events")
    assert not missing, f"add a row to ENDPOINTS for: {missing}"
