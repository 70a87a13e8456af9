"""Demo delegations to the annual conference, built through the same services people use:
Almaty's is a draft its coordinator (coordinator@example.org) is still filling in, Tashkent's
is submitted and waits for the foreign-affairs office, and Bishkek's is approved with its
visa letters issued, hotel rooms assigned and its members registered for check-in. Loaded
once; the passport numbers are made up."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core.access import Viewer
from core.content import json_value
from core.demo import demo_viewer
from core.errors import ValidationFailed
from core.tables import Organization
from events.delegations.services import hotels, letters, members, opening, records, workflow
from events.delegations.tables import Delegation
from events.services import registrations
from events.services.registrations import Person
from events.tables import Event, RegistrationQuestion

CONFERENCE = "annual-conference"
AIRPORT = "Urumqi Tianshan International Airport (URC)"
STATION = "Urumqi Railway Station"

# name_native, name_latin, name_zh, gender, born, passport, position, languages, extra
ALMATY = [
    ("Ерлан Қайратұлы Жұмабаев", "ZHUMABAYEV YERLAN", "叶尔兰·朱马巴耶夫", "m", "1974-02-11",
     "N12048811", "Заместитель акима города Алматы", "kk,ru", {"is_head": "yes"}),
    ("Айгүл Серікқызы Қасымова", "KASSYMOVA AIGUL", "艾古丽·卡瑟莫娃", "f", "1985-03-14",
     "N12048812", "Руководитель управления инноваций", "kk,ru,en", {"diet": "halal"}),
    ("Данияр Маратұлы Есенов", "YESSENOV DANIYAR", "", "m", "1990-07-30",
     "", "Главный специалист", "kk,ru", {"arrival_number": ""}),
]  # fmt: skip
TASHKENT = [
    ("Шерзод Тошматов", "TOSHMATOV SHERZOD", "谢尔佐德·托什马托夫", "m", "1971-09-05",
     "FA3307712", "Первый заместитель хокима города Ташкента", "uz,ru", {"is_head": "yes"}),
    ("Нигора Юсупова", "YUSUPOVA NIGORA", "尼戈拉·尤苏波娃", "f", "1983-12-01",
     "FA3307713", "Начальник отдела международного сотрудничества", "uz,ru,en",
     {"diet": "halal", "interpreter_language": ""}),
    ("Бахтиёр Каримов", "KARIMOV BAKHTIYOR", "", "m", "1979-04-22",
     "FA3307714", "Директор технопарка", "uz,ru", {"diet": "halal"}),
    ("Malika Rahimova", "RAKHIMOVA MALIKA", "", "f", "1992-06-18",
     "FA3307715", "Specialist, IT Park Uzbekistan", "uz,en", {"interpreter_language": "en",
     "diet": "vegetarian", "allergies": "орехи"}),
]  # fmt: skip
BISHKEK = [
    ("Азамат Бакиров", "BAKIROV AZAMAT", "阿扎马特·巴基罗夫", "m", "1976-01-19",
     "AC2210456", "Вице-мэр города Бишкек", "ky,ru", {"is_head": "yes"}),
    ("Гүлнара Токтогулова", "TOKTOGULOVA GULNARA", "古丽娜拉·托克托古洛娃", "f", "1987-10-08",
     "AC2210457", "Заведующая отделом науки и образования", "ky,ru",
     {"accessibility": "Нужен номер на нижнем этаже."}),
    ("Нурбек Осмонов", "OSMONOV NURBEK", "", "m", "1995-05-27",
     "AC2210458", "Специалист мэрии", "ky,ru", {"diet": "halal"}),
]  # fmt: skip


def _person(
    event: dict[str, Any],
    row: tuple,
    country: str,
    organization: str,
    arrival: tuple[int, str, str, str, str],
    departure: tuple[int, str, str, str, str],
) -> dict[str, Any]:
    native, latin, zh, gender, born, passport, position, languages, extra = row
    zone = ZoneInfo(event["timezone"])
    start = event["starts_at"].astimezone(zone)
    end = event["ends_at"].astimezone(zone)

    def moment(base: datetime, days: int, clock: str) -> str:
        day = (base + timedelta(days=days)).date()
        return f"{day.isoformat()}T{clock}"

    values = {
        "name_native": native,
        "name_latin": latin,
        "name_zh": zh,
        "gender": gender,
        "date_of_birth": born,
        "nationality": country,
        "passport_number": passport,
        "passport_expires": (end + timedelta(days=4 * 365)).date().isoformat(),
        "job_title": position,
        "organization_name": organization,
        "languages": languages.split(","),
        "interpreter_language": "ru",
        "arrival_at": moment(start, arrival[0], arrival[1]),
        "arrival_transport": arrival[2],
        "arrival_number": arrival[3],
        "arrival_place": arrival[4],
        "departure_at": moment(end, departure[0], departure[1]),
        "departure_transport": departure[2],
        "departure_number": departure[3],
        "departure_place": departure[4],
        "needs_letter": "yes",
    }
    values.update(extra)
    return values


async def _delegation(
    actor: Viewer, event: dict[str, Any], organization_id: int, people: list[dict[str, Any]]
) -> dict[str, Any]:
    delegation_id = await opening.open_delegation(actor, event["slug"], organization_id)
    delegation = await records.get(delegation_id)
    assert delegation is not None
    for person in people:
        await members.save_member(actor, delegation, person)
    found = await records.get(delegation_id)
    assert found is not None
    return found


async def load_demo_delegations() -> None:
    event = await Event.select().where(Event.slug == CONFERENCE).first()
    office = await demo_viewer("fao@example.org")
    coordinator = await demo_viewer("coordinator@example.org")
    if event is None or office is None or await Delegation.exists():
        return
    cities = {
        row["slug"]: row["id"]
        for row in await Organization.select(Organization.id, Organization.slug).where(
            Organization.slug.is_in(["almaty", "tashkent", "bishkek"])
        )
    }
    if len(cities) < 3:
        return

    # Almaty: a draft its coordinator is filling in (one member lacks details).
    flight_in = (-1, "14:35", "flight", "KC853", AIRPORT)
    flight_out = (1, "16:10", "flight", "KC854", AIRPORT)
    almaty_people = [
        _person(event, row, "KZ", "Акимат города Алматы", flight_in, flight_out) for row in ALMATY
    ]
    # The conference reserves seats for Almaty, so its coordinator may open the delegation.
    opener = coordinator if coordinator and coordinator.acts_for(cities["almaty"]) else office
    almaty = await _delegation(opener, event, cities["almaty"], almaty_people)
    await workflow.set_rank(opener, almaty, "deputy_head_of_city")

    # Tashkent: submitted, waiting for the office.
    tashkent_people = [
        _person(
            event,
            row,
            "UZ",
            "Хокимият города Ташкента",
            (-1, "10:20", "flight", "HY755", AIRPORT),
            (1, "11:45", "flight", "HY756", AIRPORT),
        )
        for row in TASHKENT
    ]
    tashkent = await _delegation(office, event, cities["tashkent"], tashkent_people)
    await workflow.set_rank(office, tashkent, "head_of_city")
    await workflow.submit(office, tashkent)

    # Bishkek: approved, letters issued, rooms assigned, registered for check-in.
    bishkek_people = []
    for index, row in enumerate(BISHKEK):
        person = _person(
            event,
            row,
            "KG",
            "Мэрия города Бишкек",
            (-1, "21:50", "train", "K9792", STATION) if index else (-1, "09:05", "flight",
             "QH571", AIRPORT),
            (1, "08:30", "flight", "QH572", AIRPORT),
        )  # fmt: skip
        surname, given = row[1].lower().split()
        person["email"] = f"{given}.{surname}@bishkek.example.kg"
        await _register(event, person["email"], row[0], cities["bishkek"])
        bishkek_people.append(person)
    bishkek = await _delegation(office, event, cities["bishkek"], bishkek_people)
    await workflow.set_rank(office, bishkek, "deputy_head_of_city")
    await workflow.submit(office, bishkek)
    await workflow.approve(office, await _fresh(bishkek))
    await letters.issue_letters(
        office,
        await _fresh(bishkek),
        {"signatory_name": "李娜", "signatory_title": "主任 / Director"},
    )
    await letters.render_letters(bishkek["id"])
    people = await records.members(bishkek["id"])
    await hotels.set_rooms(
        office,
        bishkek,
        {
            row["id"]: ("Hoi Tak Hotel Urumqi", room)
            for row, room in zip(people, ("1208", "1106", "1107"), strict=True)
        },
    )
    print("Demo delegations: Almaty (draft), Tashkent (submitted), Bishkek (letters issued)")
    print("  (office: /en/manage/delegations/, coordinator: /en/account/delegations/).")


async def _fresh(delegation: dict[str, Any]) -> dict[str, Any]:
    found = await records.get(delegation["id"])
    assert found is not None
    return found


async def _answers(event_id: int) -> dict[str, Any]:
    """Plausible answers to the event's registration form: the first option of each choice,
    "yes" to yes-or-no questions, Kyrgyzstan for a country."""
    answers: dict[str, Any] = {}
    for question in await RegistrationQuestion.select().where(
        RegistrationQuestion.event == event_id
    ):
        options = json_value(question["options"]) or []
        first = str(options[0]["value"]) if options else ""
        answers[f"q{question['id']}"] = {
            "multiple": [first] if first else [],
            "single": first,
            "yes_no": "yes",
            "country": "KG",
        }.get(question["kind"], "")
    return answers


async def _register(event: dict[str, Any], email: str, name: str, organization: int) -> None:
    """A registration for the conference (its check-in code goes on the badge); skipped
    quietly when registration is not open."""
    try:
        await registrations.register(
            event["id"],
            [Person(name, email, "ru", await _answers(event["id"]))],
            organization_id=organization,
        )
    except ValidationFailed:  # registration closed, or already registered
        return
