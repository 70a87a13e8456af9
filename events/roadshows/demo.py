"""Demo roadshow content on the events demo's roadshow in Almaty: a blind call, twelve
submissions from the glossary's kinds of institutions in mixed languages, three reviewers
with their scores, eight accepted projects, investors' meeting requests placed on a grid of
tables × meeting slots, and signed outcomes. Runs after the events demo, once."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from core.access import Viewer
from core.accounts import create_user
from core.auth import load_viewer
from core.content import Translated
from core.demo import DEMO_PASSWORD
from core.tables import Organization, User
from events.roadshows.services import meetings
from events.roadshows.services.submissions import new_code
from events.roadshows.tables import (
    Attendee,
    Meeting,
    Outcome,
    Review,
    RoadshowCall,
    Submission,
)
from events.tables import AgendaSession, Event, Registration, SessionKind

ROADSHOW = "almaty-roadshow"
CRITERIA = [
    ("innovation", ("创新性", "Новизна", "Жаңашылдық", "Innovation"), 30),
    ("market", ("市场前景", "Рынок", "Нарық", "Market"), 30),
    ("team", ("团队", "Команда", "Команда", "Team"), 20),
    (
        "fit",
        (
            "契合乌鲁木齐重点产业",
            "Соответствие приоритетам Урумчи",
            "Үрімжі басымдықтарына сәйкестігі",
            "Fit with Urumqi's priority industries",
        ),
        20,
    ),
]
# slug, kind, names (zh, ru, kk, en) — organizations the core demo does not have
INSTITUTIONS = [
    (
        "xjmu",
        "university",
        (
            "新疆医科大学",
            "Синьцзянский медицинский университет",
            "Шыңжаң медицина университеті",
            "Xinjiang Medical University",
        ),
    ),
    (
        "xjau",
        "university",
        (
            "新疆农业大学",
            "Синьцзянский аграрный университет",
            "Шыңжаң аграрлық университеті",
            "Xinjiang Agricultural University",
        ),
    ),
    (
        "xtipc-cas",
        "institute",
        (
            "中国科学院新疆理化技术研究所",
            "Синьцзянский институт физики и химии АН Китая",
            "ҚҒА Шыңжаң физика және химия институты",
            "Xinjiang Technical Institute of Physics and Chemistry, CAS",
        ),
    ),
    (
        "xjtc",
        "company",
        (
            "新疆科技成果（技术）交易中心",
            "Синьцзянский центр торговли технологиями",
            "Шыңжаң технологиялар саудасы орталығы",
            "Xinjiang Technology Trading Center",
        ),
    ),
]
# organization, language, title, field, trl, sought, amount, currency, decision, scores
PROJECTS = [
    (
        "xju",
        "zh",
        "盐碱地改良微生物菌剂",
        "agriculture",
        6,
        ["investment", "pilot"],
        8000000,
        "CNY",
        "accepted",
        (9, 8, 8, 9),
    ),
    (
        "xjmu",
        "zh",
        "维吾尔药材质量快速检测试剂盒",
        "medicine",
        5,
        ["licence"],
        None,
        "CNY",
        "accepted",
        (8, 8, 7, 8),
    ),
    (
        "xjau",
        "ru",
        "Засухоустойчивые сорта хлопчатника",
        "agriculture",
        7,
        ["partner", "pilot"],
        None,
        "CNY",
        "accepted",
        (8, 9, 7, 9),
    ),
    (
        "xaas",
        "kk",
        "Қой жүнін өңдеудің жаңа технологиясы",
        "agriculture",
        6,
        ["investment"],
        150000000,
        "KZT",
        "accepted",
        (7, 8, 8, 8),
    ),
    (
        "xtipc-cas",
        "en",
        "Perovskite solar modules for desert conditions",
        "energy",
        5,
        ["investment"],
        2000000,
        "USD",
        "accepted",
        (9, 7, 8, 8),
    ),
    (
        "cn-tj-bio-lab",
        "ru",
        "Банк семян редких растений Памира",
        "agriculture",
        4,
        ["partner"],
        None,
        "CNY",
        "accepted",
        (7, 7, 8, 7),
    ),
    (
        "cca-ttc",
        "zh",
        "中亚跨境技术交易撮合平台",
        "energy",
        8,
        ["partner", "licence"],
        None,
        "CNY",
        "accepted",
        (7, 8, 7, 7),
    ),
    (
        "xjtc",
        "en",
        "Low-cost water sensors for drip irrigation",
        "agriculture",
        6,
        ["investment"],
        3000000,
        "CNY",
        "accepted",
        (8, 7, 6, 7),
    ),
    (
        "xjmu",
        "ru",
        "Телемедицина для горных районов",
        "medicine",
        4,
        ["pilot"],
        None,
        "CNY",
        "waitlisted",
        (6, 7, 6, 6),
    ),
    (
        "xju",
        "kk",
        "Жел турбиналарына арналған жинақтағыш",
        "energy",
        3,
        ["investment"],
        50000000,
        "KZT",
        "waitlisted",
        (6, 6, 5, 6),
    ),
    (
        "xjau",
        "zh",
        "骆驼奶粉深加工工艺",
        "agriculture",
        5,
        ["investment"],
        5000000,
        "CNY",
        "rejected",
        (5, 5, 6, 4),
    ),
    (
        "xaas",
        "en",
        "Vaccine cold chain tracker",
        "medicine",
        3,
        ["partner"],
        None,
        "CNY",
        "rejected",
        (4, 5, 5, 4),
    ),
]
REVIEWERS = [
    ("reviewer@example.org", "Nurlan Abenov", "en"),
    ("reviewer2@example.org", "刘芳", "zh"),
    ("reviewer3@example.org", "Дилноза Каримова", "ru"),
]
INVESTORS = [
    ("investor@example.org", "Асель Жумабаева", "kk"),
    ("investor2@example.org", "陈志强", "zh"),
    ("investor3@example.org", "Timur Rakhimov", "ru"),
]
# investor index, project index, status
REQUESTS = [
    (0, 0, "accepted"),
    (0, 3, "accepted"),
    (0, 4, "accepted"),
    (1, 0, "accepted"),
    (1, 2, "accepted"),
    (1, 7, "declined"),
    (2, 4, "accepted"),
    (2, 5, "requested"),
]
# project index, kind, counterparty, country, amount, currency
OUTCOMES = [
    (0, "contract", "Kazakh Agrotechnical University", "KZ", 3000000, "CNY"),
    (2, "mou", "Uzbek cotton cluster Sirdaryo", "UZ", None, "CNY"),
    (3, "investment", "Astana Hub Ventures", "KZ", 120000000, "KZT"),
    (4, "letter_of_intent", "Tajik Aluminium Company", "TJ", None, "USD"),
]


def _text(language: str, text: str) -> Any:
    return Translated.of(language, **{language: text}).dump()


def _four(names: tuple[str, str, str, str]) -> Any:
    zh, ru, kk, en = names
    return Translated.of("zh", zh=zh, ru=ru, kk=kk, en=en).dump()


async def _user(email: str, name: str, language: str, role: str) -> int:
    found = await User.select(User.id).where(User.email == email).first()
    if found:
        return int(found["id"])
    return await create_user(email, role=role, name=name, language=language, password=DEMO_PASSWORD)


async def _organizations() -> dict[str, int]:
    for slug, kind, names in INSTITUTIONS:
        if not await Organization.exists().where(Organization.slug == slug):
            await Organization(
                slug=slug,
                kind=kind,
                country="CN",
                timezone="Asia/Urumqi",
                name=_four(names),
                city=_four(("乌鲁木齐", "Урумчи", "Үрімжі", "Urumqi")),
            ).save()
    return {row["slug"]: row["id"] for row in await Organization.select()}


async def _meeting_slots(event: dict[str, Any]) -> None:
    """Four 25-minute meeting slots in the afternoon's matchmaking time."""
    first = (
        await AgendaSession.select()
        .where(
            (AgendaSession.event == event["id"])
            & (AgendaSession.kind == SessionKind.matchmaking.value)
        )
        .first()
    )
    if first is None:
        return
    start = first["starts_at"]
    await AgendaSession.update({AgendaSession.ends_at: start + timedelta(minutes=25)}).where(
        AgendaSession.id == first["id"]
    )
    for n in (1, 2, 3):
        await AgendaSession(
            event=event["id"],
            kind=SessionKind.matchmaking.value,
            title=first["title"],
            description=first["description"],
            starts_at=start + timedelta(minutes=25 * n),
            ends_at=start + timedelta(minutes=25 * n + 25),
            room=first["room"],
        ).save()


async def load_roadshow_demo() -> None:
    event = await Event.select().where(Event.slug == ROADSHOW).first()
    admin_row = await User.select(User.id).where(User.email == "admin@example.org").first()
    if event is None or admin_row is None:
        return
    if await RoadshowCall.exists().where(RoadshowCall.event == event["id"]):
        return
    admin: Viewer = await load_viewer(admin_row["id"])  # type: ignore[assignment]
    organizations = await _organizations()
    call = RoadshowCall(
        event=event["id"],
        text=Translated.of(
            "zh",
            zh="面向高校、科研院所和企业的科技成果转化项目征集。",
            ru="Приём проектов трансфера технологий от университетов, институтов и компаний.",
            kk="Университеттер, институттар мен компаниялардың технологиялар трансфері жобаларын қабылдау.",  # noqa: E501
            en="A call for technology-transfer projects from universities, institutes and companies.",  # noqa: E501
        ).dump(),
        opens_at=event["starts_at"] - timedelta(days=40),
        closes_at=event["starts_at"] - timedelta(days=2),
        fields=["agriculture", "medicine", "energy"],
        criteria=[
            {"key": key, "label": _four(label), "weight": weight} for key, label, weight in CRITERIA
        ],
        reviews_per_submission=3,
        blind=True,
        pitch_slots=8,
        rates={"KZT": 0.014, "USD": 7.2, "UZS": 0.00057},
        meeting_tables=3,
    )
    await call.save()
    reviewers = [await _user(*person, role="reviewer") for person in REVIEWERS]
    submitted_at = event["starts_at"] - timedelta(days=20)
    ids = []
    for org, language, title, field, trl, sought, amount, currency, decision, scores in PROJECTS:
        row = Submission(
            call=call.id,
            event=event["id"],
            organization=organizations[org],
            language=language,
            code=new_code(),
            status="submitted",
            decision=decision,
            title=_text(language, title),
            summary=_text(language, title),
            field=field,
            trl=trl,
            sought=sought,
            amount=Decimal(amount) if amount else None,
            currency=currency,
            team=[{"name": "Project lead", "role": "lead"}],
            submitted_at=submitted_at,
            decided_at=submitted_at + timedelta(days=10),
        )
        await row.save()
        ids.append(row.id)
        for shift, reviewer in enumerate(reviewers):
            given = dict(
                zip([c[0] for c in CRITERIA], [min(10, s + shift % 2) for s in scores], strict=True)
            )
            await Review(
                submission=row.id,
                reviewer=reviewer,
                pair=f"{row.id}:{reviewer}",
                scores=given,
                comment="",
                done=True,
                assigned_by=admin.id,
            ).save()
    investors = []
    for number, (email, name, language) in enumerate(INVESTORS, start=1):
        user_id = await _user(email, name, language, role="member")
        registration = Registration(
            event=event["id"],
            code=f"RS-INV-{number}",
            status="confirmed",
            user=user_id,
            name=name,
            email=email,
            language=language,
            answers={},
            active_key=f"{event['id']}:{email}",
        )
        await registration.save()
        await Attendee(event=event["id"], registration=registration.id, investor=True).save()
        investors.append(user_id)
    for investor, project, status in REQUESTS:
        await Meeting(
            event=event["id"],
            submission=ids[project],
            requester=investors[investor],
            key=f"{ids[project]}:{investors[investor]}",
            status=status,
            message="Let us discuss a pilot in Kazakhstan.",
        ).save()
    await _meeting_slots(event)
    await meetings.run_scheduler(
        admin,
        event,
        {**(await RoadshowCall.select().where(RoadshowCall.id == call.id).first() or {})},
        3,
    )
    signed = date.fromordinal(event["starts_at"].date().toordinal())
    for project, kind, counterparty, country, amount, currency in OUTCOMES:
        await Outcome(
            event=event["id"],
            submission=ids[project],
            kind=kind,
            counterparty=counterparty,
            country=country,
            signed_on=signed,
            amount=Decimal(amount) if amount else None,
            currency=currency,
            recorded_by=admin.id,
        ).save()
    print("Demo roadshow: a blind call with 12 submissions, 8 accepted, meetings and outcomes")
    print(f"  (back office: /en/manage/events/{ROADSHOW}/roadshow/).")
