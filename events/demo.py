"""Demo events: the annual conference in Urumqi with a two-day agenda, a technology-transfer
roadshow in Almaty, a forum in Tashkent that needs approval, and a past forum in Dushanbe,
with registrations in several states. Built through the same services organizers and
registrants use; loaded once (nothing happens when the conference already exists)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from core import jobqueue
from core.access import Viewer
from core.auth import load_viewer
from core.settings import get_settings
from core.tables import Organization, User
from core.translated_forms import row_form_values
from events.roadshows.demo import load_roadshow_demo
from events.services import agenda, delegation_demo, registrations
from events.services import events as event_rules
from events.services.registrations import Person
from events.tables import Event, Registration

CONFERENCE = "annual-conference"
ROADSHOW = "almaty-roadshow"
TASHKENT_FORUM = "tashkent-agritech-forum"
PAST_FORUM = "dushanbe-bioresources-forum"

Texts = tuple[str, str, str, str]  # zh, ru, kk, en
NEW_YEAR = {(12, 31), (1, 1), (1, 2)}


def _fields(name: str, texts: Texts) -> dict[str, str]:
    return dict(zip((f"{name}_{lang}" for lang in ("zh", "ru", "kk", "en")), texts, strict=True))


def _day(zone: str, days_from_today: int) -> date:
    return (datetime.now(ZoneInfo(zone)) + timedelta(days=days_from_today)).date()


def _weekday(zone: str, days_from_today: int, weekday: int) -> date:
    """The first `weekday` (Monday = 0) on or after that day whose two days miss the New
    Year holidays."""
    day = _day(zone, days_from_today)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    while {(d.month, d.day) for d in (day, day + timedelta(days=1))} & NEW_YEAR:
        day += timedelta(days=7)
    return day


def _at(day: date, clock: str) -> str:
    """A wall-clock time on `day`, as a datetime-local form field carries it."""
    return f"{day.isoformat()}T{clock}"


@asynccontextmanager
async def _job_queue() -> AsyncIterator[None]:
    """Registrations queue their e-mails through the job queue. `serve --demo` loads demo
    content before the app opens the queue, and `hongshan demo` runs without any server: open
    it here for the duration — the configured Redis, the embedded server `serve` has already
    started, or else a short-lived embedded one (persistent, so the next start sends the mail).
    """
    try:
        jobqueue.redis()
    except RuntimeError:
        pass
    else:
        yield
        return
    from core.redis_server import EmbeddedRedis

    settings = get_settings()
    server = None
    url = settings.redis_url
    if url is None and settings.redis_socket.exists():
        url = f"unix://{settings.redis_socket}"
    elif url is None:
        server = EmbeddedRedis(settings.redis_socket)
        url = server.start()
    await jobqueue.open_queue(url)
    try:
        yield
    finally:
        await jobqueue.close_queue()
        if server is not None:
            server.stop()


async def _viewer(email: str) -> Viewer | None:
    user = await User.select(User.id).where(User.email == email).first()
    return await load_viewer(user["id"]) if user else None


async def load_events_demo() -> None:
    if await Event.exists().where(Event.slug == CONFERENCE):
        return
    admin = await _viewer("admin@example.org")
    if admin is None:  # the core demo (organizations, accounts) did not run
        return
    organizations = {
        row["slug"]: row
        for row in await Organization.select(Organization.id, Organization.slug, Organization.name)
    }
    async with _job_queue():
        # Each event stands alone, so a start interrupted halfway completes the rest later.
        for slug, load in (
            (PAST_FORUM, _past_forum),
            (TASHKENT_FORUM, _tashkent_forum),
            (ROADSHOW, _roadshow),
            (CONFERENCE, _conference),
        ):
            if not await Event.exists().where(Event.slug == slug):
                await load(admin, organizations)
        await delegation_demo.load_demo_delegations()
        await load_roadshow_demo()
    print("Demo events: the annual conference in Urumqi, a roadshow in Almaty, a forum in")
    print("  Tashkent and a past forum in Dushanbe (back office: /en/manage/events/).")


# --- building blocks ---------------------------------------------------------------------------


async def _event(admin: Viewer, form: dict[str, str]) -> dict[str, Any]:
    slug = await event_rules.create(admin, {"offer_hours": "48", **form})
    event = await event_rules.get(slug)
    assert event is not None
    return event


async def _speaker(
    admin: Viewer,
    event: dict[str, Any],
    organization: dict[str, Any],
    name: Texts,
    position: Texts,
    bio: Texts,
) -> str:
    affiliation = row_form_values(organization, ("name",))
    form = {
        "source_language": "zh",
        **_fields("name", name),
        **_fields("position", position),
        **{
            key.replace("name_", "affiliation_"): value
            for key, value in affiliation.items()
            if key.startswith("name_")
        },
        **_fields("bio", bio),
    }
    return str(await agenda.create_speaker(admin, event, form))


async def _session(
    admin: Viewer,
    event: dict[str, Any],
    kind: str,
    day: date,
    start: str,
    end: str,
    title: Texts,
    description: Texts | None = None,
    room: str = "",
    speakers: list[str] | None = None,
) -> None:
    form = {
        "kind": kind,
        "source_language": "zh",
        "starts_at": _at(day, start),
        "ends_at": _at(day, end),
        "room": room,
        **_fields("title", title),
        **(_fields("description", description) if description else {}),
    }
    await agenda.create_session(admin, event, form, speakers or [])


async def _day_programme(
    admin: Viewer,
    event: dict[str, Any],
    day: date,
    people: dict[str, str],
    rows: tuple[tuple[str, str, str, Texts, str, list[str]], ...],
) -> None:
    """One day's sessions, each (kind, start, end, title, room, speaker keys in `people`)."""
    for kind, start, end, title, room, speakers in rows:
        await _session(
            admin,
            event,
            kind,
            day,
            start,
            end,
            title,
            room=room,
            speakers=[people[key] for key in speakers],
        )


async def _register_each(
    event: dict[str, Any], people: tuple[tuple[str, str, str], ...]
) -> list[int]:
    """Registrations of people on their own, each (name, e-mail, language); their ids."""
    ids = []
    for name, email, language in people:
        ids += await registrations.register(event["id"], [Person(name, email, language)])
    return ids


async def _question(
    admin: Viewer,
    event: dict[str, Any],
    kind: str,
    label: Texts,
    options: list[Texts] | None = None,
    required: bool = True,
) -> str:
    form = {"kind": kind, "source_language": "zh", **_fields("label", label)}
    if required:
        form["required"] = "on"
    for index, option in enumerate(options or []):
        form.update(_fields(f"option_{index}", option))
    return f"q{await event_rules.add_question(admin, event, form)}"


async def _open(admin: Viewer, event: dict[str, Any]) -> None:
    for step in ("published", "registration_open"):
        await event_rules.change_status(admin, event, step)


# --- the annual conference -------------------------------------------------------------------

ORGANIZER_SPEAKERS: dict[str, tuple[str, Texts, Texts, Texts]] = {
    "liu": (
        "urumqi-stb",
        ("刘海涛", "Лю Хайтао", "Лю Хайтао", "Liu Haitao"),
        ("局长", "начальник управления", "басқарма басшысы", "Director"),
        (
            "负责乌鲁木齐市科技创新与国际科技合作工作。",
            "Руководит работой Урумчи в области научно-технических инноваций и "
            "международного научно-технического сотрудничества.",
            "Үрімжідегі ғылыми-техникалық инновациялар мен халықаралық ғылыми-техникалық "
            "ынтымақтастық жұмысын басқарады.",
            "Leads science and technology innovation and international science and "
            "technology cooperation for Urumqi.",
        ),
    ),
    "zhao": (
        "urumqi-fao",
        ("赵敏", "Чжао Минь", "Чжао Минь", "Zhao Min"),
        (
            "副主任",
            "заместитель начальника управления",
            "басқарма басшысының орынбасары",
            "Deputy Director",
        ),
        (
            "负责与中亚合作城市的交流往来。",
            "Отвечает за обмены с городами-партнёрами в Центральной Азии.",
            "Орталық Азиядағы серіктес қалалармен алмасуға жауап береді.",
            "Responsible for exchanges with partner cities in Central Asia.",
        ),
    ),
    "aigerim": (
        "almaty",
        ("艾格丽姆·扎库波娃", "Айгерим Жакупова", "Әйгерім Жақыпова", "Aigerim Zhakupova"),
        (
            "企业发展与投资处处长",
            "руководитель управления предпринимательства и инвестиций",
            "кәсіпкерлік және инвестициялар басқармасының басшысы",
            "Head of Entrepreneurship and Investment",
        ),
        (
            "主管阿拉木图市创新项目与对华合作。",
            "Курирует инновационные проекты Алматы и сотрудничество с Китаем.",
            "Алматының инновациялық жобалары мен Қытаймен ынтымақтастыққа жетекшілік етеді.",
            "Oversees Almaty's innovation projects and its cooperation with China.",
        ),
    ),
    "bakhtiyor": (
        "tashkent",
        ("巴赫季约尔·尤苏波夫", "Бахтиёр Юсупов", "Бахтиёр Юсупов", "Bakhtiyor Yusupov"),
        (
            "主管创新事务的副市长",
            "заместитель хокима по вопросам инноваций",
            "инновациялар жөніндегі хоким орынбасары",
            "Deputy Khokim for Innovation",
        ),
        (
            "负责塔什干市的创新发展与信息技术园区建设。",
            "Отвечает за инновационное развитие Ташкента и его IT-парки.",
            "Ташкенттің инновациялық дамуы мен IT-парктеріне жауапты.",
            "Responsible for Tashkent's innovation development and its IT parks.",
        ),
    ),
    "ma": (
        "xju",
        ("马晓燕", "Ма Сяоянь", "Ма Сяоянь", "Ma Xiaoyan"),
        (
            "计算机科学与技术学院教授",
            "профессор Школы компьютерных наук и технологий",
            "компьютерлік ғылымдар және технологиялар мектебінің профессоры",
            "Professor, School of Computer Science and Technology",
        ),
        (
            "研究方向为跨境数据服务与多语言信息处理。",
            "Занимается трансграничными сервисами данных и многоязычной обработкой информации.",
            "Трансшекаралық деректер қызметтері мен көптілді ақпаратты өңдеумен айналысады.",
            "Works on cross-border data services and multilingual information processing.",
        ),
    ),
    "aygul": (
        "xaas",
        ("阿依古丽·买买提", "Айгуль Мамат", "Айгүл Мамат", "Aygul Mamat"),
        (
            "研究员",
            "ведущий научный сотрудник",
            "жетекші ғылыми қызметкер",
            "Senior Research Fellow",
        ),
        (
            "长期从事细毛羊育种与草原畜牧业技术推广。",
            "Много лет занимается селекцией тонкорунных овец и внедрением технологий "
            "пастбищного животноводства.",
            "Көп жылдан бері биязы жүнді қой селекциясымен және жайылымдық мал шаруашылығы "
            "технологияларын енгізумен айналысады.",
            "Has long worked on fine-wool sheep breeding and on bringing pasture livestock "
            "technology into practice.",
        ),
    ),
    "chen": (
        "cca-ttc",
        ("陈立军", "Чэнь Лицзюнь", "Чэнь Лицзюнь", "Chen Lijun"),
        ("主任", "директор", "директор", "Director"),
        (
            "组织中国与中亚国家之间的技术转移与成果转化对接。",
            "Организует трансфер технологий и внедрение разработок между Китаем и странами "
            "Центральной Азии.",
            "Қытай мен Орталық Азия елдері арасындағы технологиялар трансферін және "
            "әзірлемелерді енгізуді ұйымдастырады.",
            "Organizes technology transfer and the commercialization of research between "
            "China and the Central Asian countries.",
        ),
    ),
    "farhod": (
        "cn-tj-bio-lab",
        ("法尔霍德·拉希莫夫", "Фарход Рахимов", "Фарход Рахимов", "Farhod Rakhimov"),
        (
            "联合实验室塔方主任",
            "содиректор совместной лаборатории с таджикской стороны",
            "бірлескен зертхананың тәжік тарапынан тең директоры",
            "Co-director of the joint laboratory (Tajik side)",
        ),
        (
            "植物学家，研究帕米尔地区的药用植物资源。",
            "Ботаник, изучает ресурсы лекарственных растений Памира.",
            "Ботаник, Памирдің дәрілік өсімдіктер ресурстарын зерттейді.",
            "A botanist who studies the medicinal plant resources of the Pamirs.",
        ),
    ),
    "yerlan": (
        "astana",
        ("叶尔兰·萨帕罗夫", "Ерлан Сапаров", "Ерлан Сапаров", "Yerlan Saparov"),
        (
            "数字化与创新处处长",
            "руководитель управления цифровизации и инноваций",
            "цифрландыру және инновациялар басқармасының басшысы",
            "Head of Digitalization and Innovation",
        ),
        (
            "负责阿斯塔纳的智慧城市项目。",
            "Руководит проектами «умного города» в Астане.",
            "Астанадағы «ақылды қала» жобаларын басқарады.",
            "Leads Astana's smart-city projects.",
        ),
    ),
    "mergen": (
        "ashgabat",
        ("梅尔根·阿塔耶夫", "Мерген Атаев", "Мерген Атаев", "Mergen Atayev"),
        (
            "科技处专家",
            "специалист отдела науки и техники",
            "ғылым және техника бөлімінің маманы",
            "Specialist, Science and Technology Department",
        ),
        (
            "参与阿什哈巴德数字政务服务建设。",
            "Участвует в создании цифровых государственных услуг Ашхабада.",
            "Ашхабадтың цифрлық мемлекеттік қызметтерін құруға қатысады.",
            "Works on Ashgabat's digital public services.",
        ),
    ),
    "azamat": (
        "bishkek",
        ("阿扎马特·托克托古洛夫", "Азамат Токтогулов", "Азамат Тоқтоғұлов", "Azamat Toktogulov"),
        (
            "经济与投资处处长",
            "начальник управления экономики и инвестиций",
            "экономика және инвестициялар басқармасының бастығы",
            "Head of Economy and Investment",
        ),
        (
            "推动比什凯克在农产品加工与冷链物流领域的合作。",
            "Развивает сотрудничество Бишкека в переработке сельхозпродукции и логистике "
            "холодовой цепи.",
            "Бішкектің ауыл шаруашылығы өнімдерін өңдеу және суық тізбек логистикасы "
            "саласындағы ынтымақтастығын дамытады.",
            "Develops Bishkek's cooperation in farm-produce processing and cold-chain logistics.",
        ),
    ),
}


async def _speakers(
    admin: Viewer, event: dict[str, Any], organizations: dict[str, Any], keys: tuple[str, ...]
) -> dict[str, str]:
    ids = {}
    for key in keys:
        slug, name, position, bio = ORGANIZER_SPEAKERS[key]
        ids[key] = await _speaker(admin, event, organizations[slug], name, position, bio)
    return ids


async def _conference(admin: Viewer, organizations: dict[str, Any]) -> None:
    zone = "Asia/Urumqi"
    first = _weekday(zone, 28, 1)  # a Tuesday four to five weeks ahead
    second = first + timedelta(days=1)
    year = first.year
    event = await _event(
        admin,
        {
            "slug": CONFERENCE,
            "kind": "conference",
            "source_language": "zh",
            "host_organization": "urumqi-stb",
            **_fields(
                "title",
                (
                    f"{year}跨区域协同创新年会",
                    f"Ежегодная конференция по межрегиональному инновационному "
                    f"сотрудничеству {year}",
                    f"Өңіраралық инновациялық ынтымақтастық жөніндегі жыл сайынғы "
                    f"конференция {year}",
                    f"Annual Cross-Regional Collaborative Innovation Conference {year}",
                ),
            ),
            **_fields(
                "summary",
                (
                    "乌鲁木齐与中亚五国合作城市共商科技合作：数字经济、农牧业科技、生物资源与技术转移。",
                    "Урумчи и города-партнёры из пяти стран Центральной Азии обсуждают "
                    "научно-техническое сотрудничество: цифровая экономика, аграрные и "
                    "животноводческие технологии, биологические ресурсы, трансфер технологий.",
                    "Үрімжі мен Орталық Азияның бес елінің серіктес қалалары ғылыми-техникалық "
                    "ынтымақтастықты талқылайды: цифрлық экономика, ауыл және мал шаруашылығы "
                    "технологиялары, биологиялық ресурстар, технологиялар трансфері.",
                    "Urumqi and partner cities from the five Central Asian countries meet on "
                    "science and technology cooperation: the digital economy, agricultural and "
                    "animal-husbandry technology, biological resources and technology transfer.",
                ),
            ),
            **_fields(
                "description",
                (
                    "跨区域协同创新年会由乌鲁木齐市科学技术局主办，每年汇聚中国与中亚合作城市的"
                    "政府部门、高校、科研院所和企业。本届年会为期两天，设开幕式暨全体大会、三场"
                    "专题论坛、合作协议签约仪式、技术转移项目路演、联合实验室参观和供需对接洽谈。",
                    "Ежегодную конференцию по межрегиональному инновационному сотрудничеству "
                    "проводит Управление науки и технологий города Урумчи. Она собирает органы "
                    "власти, университеты, научные институты и компании из городов-партнёров "
                    "Китая и Центральной Азии. В программе двух дней — открытие и пленарное "
                    "заседание, три тематические панели, церемония подписания соглашений, "
                    "роуд-шоу проектов трансфера технологий, посещение совместной лаборатории "
                    "и деловые встречи.",
                    "Өңіраралық инновациялық ынтымақтастық жөніндегі жыл сайынғы конференцияны "
                    "Үрімжі қалалық ғылым және технология басқармасы өткізеді. Ол Қытай мен "
                    "Орталық Азиядағы серіктес қалалардың мемлекеттік органдарын, "
                    "университеттерін, ғылыми институттары мен компанияларын жинайды. Екі "
                    "күндік бағдарламада — ашылу және пленарлық отырыс, үш тақырыптық панель, "
                    "келісімдерге қол қою рәсімі, технологиялар трансфері жобаларының "
                    "роуд-шоуы, бірлескен зертханаға бару және іскерлік кездесулер.",
                    "The annual cross-regional collaborative innovation conference is hosted by "
                    "the Urumqi Municipal Science and Technology Bureau and brings together "
                    "government offices, universities, research institutes and companies from "
                    "partner cities in China and Central Asia. Two days of a plenary opening, "
                    "three thematic panels, a signing ceremony, a roadshow of technology-transfer "
                    "projects, a visit to a joint laboratory and matchmaking meetings.",
                ),
            ),
            **_fields(
                "venue",
                (
                    "新疆国际会展中心（乌鲁木齐市水磨沟区红光山路3号）",
                    "Синьцзянский международный конгресс-выставочный центр (Урумчи, район "
                    "Шуймогоу, ул. Хунгуаншань, 3)",
                    "Шыңжаң халықаралық конгресс-көрме орталығы (Үрімжі, Шуймогоу ауданы, "
                    "Хунгуаншань көшесі, 3)",
                    "Xinjiang International Convention and Exhibition Center (3 Hongguangshan "
                    "Road, Shuimogou District, Urumqi)",
                ),
            ),
            **_fields("city", ("乌鲁木齐", "Урумчи", "Үрімжі", "Urumqi")),
            "map_url": "https://www.openstreetmap.org/search?query=Xinjiang%20International"
            "%20Convention%20and%20Exhibition%20Center",
            "timezone": zone,
            "starts_at": _at(first, "09:00"),
            "ends_at": _at(second, "17:00"),
            "capacity": "400",
            "registration_closes_at": _at(first - timedelta(days=5), "18:00"),
            "edits_until": _at(first - timedelta(days=5), "18:00"),
            "self_registration": "on",
        },
    )
    people = await _speakers(
        admin,
        event,
        organizations,
        (
            "liu",
            "zhao",
            "aigerim",
            "bakhtiyor",
            "ma",
            "aygul",
            "chen",
            "farhod",
            "yerlan",
            "mergen",
            "azamat",
        ),
    )
    for kind, day, start, end, title, description, room, speakers in (
        (
            "plenary",
            first,
            "09:00",
            "10:30",
            (
                "开幕式暨全体大会",
                "Открытие и пленарное заседание",
                "Ашылу және пленарлық отырыс",
                "Opening and plenary session",
            ),
            (
                "致辞与主旨演讲：乌鲁木齐与中亚合作城市科技合作的新阶段。",
                "Приветственные слова и основные доклады: новый этап научно-технического "
                "сотрудничества Урумчи и городов-партнёров Центральной Азии.",
                "Құттықтау сөздер мен негізгі баяндамалар: Үрімжі мен Орталық Азиядағы серіктес "
                "қалалардың ғылыми-техникалық ынтымақтастығының жаңа кезеңі.",
                "Welcome addresses and keynotes: a new stage of science and technology "
                "cooperation between Urumqi and its Central Asian partner cities.",
            ),
            "A1",
            ["liu", "aigerim", "bakhtiyor"],
        ),
        (
            "break",
            first,
            "10:30",
            "10:50",
            ("茶歇", "Кофе-брейк", "Кофе-брейк", "Coffee break"),
            None,
            "",
            [],
        ),
        (
            "signing",
            first,
            "10:50",
            "11:40",
            (
                "合作协议签约仪式",
                "Церемония подписания соглашений о сотрудничестве",
                "Ынтымақтастық туралы келісімдерге қол қою рәсімі",
                "Signing ceremony of cooperation agreements",
            ),
            (
                "乌鲁木齐市与合作城市签署科技合作备忘录，联合实验室与合作单位签署项目协议。",
                "Урумчи и города-партнёры подписывают меморандумы о научно-техническом "
                "сотрудничестве, совместные лаборатории и организации-партнёры — соглашения "
                "по проектам.",
                "Үрімжі мен серіктес қалалар ғылыми-техникалық ынтымақтастық туралы "
                "меморандумдарға, ал бірлескен зертханалар мен серіктес ұйымдар жобалар "
                "бойынша келісімдерге қол қояды.",
                "Urumqi and its partner cities sign memoranda on science and technology "
                "cooperation; joint laboratories and partner organizations sign project "
                "agreements.",
            ),
            "A1",
            ["zhao", "liu", "chen"],
        ),
        (
            "panel",
            first,
            "14:00",
            "15:30",
            (
                "专题论坛一：数字经济合作",
                "Панель 1. Сотрудничество в цифровой экономике",
                "1-панель. Цифрлық экономикадағы ынтымақтастық",
                "Panel 1: Cooperation in the digital economy",
            ),
            (
                "跨境电子商务、数据服务与智慧城市：合作城市的实践与机遇。",
                "Трансграничная электронная торговля, сервисы данных и «умный город»: опыт и "
                "возможности городов-партнёров.",
                "Трансшекаралық электрондық сауда, деректер қызметтері және «ақылды қала»: "
                "серіктес қалалардың тәжірибесі мен мүмкіндіктері.",
                "Cross-border e-commerce, data services and smart cities: what partner cities "
                "have done and where they can work together.",
            ),
            "B1",
            ["ma", "yerlan", "mergen"],
        ),
        (
            "panel",
            first,
            "14:00",
            "15:30",
            (
                "专题论坛二：农牧业科技合作",
                "Панель 2. Аграрные и животноводческие технологии",
                "2-панель. Ауыл шаруашылығы және мал шаруашылығы технологиялары",
                "Panel 2: Agricultural and animal husbandry technology",
            ),
            (
                "节水灌溉、良种繁育与草原畜牧业：从实验室到牧场。",
                "Водосберегающее орошение, семеноводство и пастбищное животноводство: от "
                "лаборатории до пастбища.",
                "Суды үнемдейтін суару, тұқым шаруашылығы және жайылымдық мал шаруашылығы: "
                "зертханадан жайылымға дейін.",
                "Water-saving irrigation, seed breeding and pasture livestock: from the "
                "laboratory to the range.",
            ),
            "B2",
            ["aygul", "azamat"],
        ),
        (
            "panel",
            first,
            "16:00",
            "17:30",
            (
                "专题论坛三：生物资源保护与可持续利用",
                "Панель 3. Сохранение и устойчивое использование биологических ресурсов",
                "3-панель. Биологиялық ресурстарды сақтау және тұрақты пайдалану",
                "Panel 3: Conservation and sustainable use of biological resources",
            ),
            (
                "药用植物、种质资源库与联合科考。",
                "Лекарственные растения, банки генетических ресурсов и совместные экспедиции.",
                "Дәрілік өсімдіктер, генетикалық ресурстар банктері және бірлескен экспедициялар.",
                "Medicinal plants, gene banks and joint field expeditions.",
            ),
            "B1",
            ["farhod", "ma"],
        ),
        (
            "roadshow_slot",
            first,
            "16:00",
            "17:30",
            (
                "技术转移项目路演",
                "Роуд-шоу проектов трансфера технологий",
                "Технологиялар трансфері жобаларының роуд-шоуы",
                "Roadshow: technology-transfer projects",
            ),
            (
                "十个项目团队向投资机构和企业路演，每个项目八分钟。",
                "Десять команд представляют проекты инвесторам и компаниям, по восемь минут "
                "на проект.",
                "Он команда жобаларын инвесторлар мен компанияларға таныстырады, әр жобаға "
                "сегіз минут.",
                "Ten project teams pitch to investors and companies, eight minutes each.",
            ),
            "B2",
            ["chen"],
        ),
        (
            "matchmaking",
            second,
            "09:30",
            "12:00",
            (
                "供需对接洽谈会",
                "Деловые встречи (подбор партнёров)",
                "Іскерлік кездесулер",
                "Matchmaking: supply and demand meetings",
            ),
            (
                "按事先登记的技术需求安排一对一洽谈。",
                "Встречи один на один по заранее заявленным технологическим запросам.",
                "Алдын ала тіркелген технологиялық сұраныстар бойынша бетпе-бет кездесулер.",
                "One-to-one meetings arranged around technology needs registered in advance.",
            ),
            "A1",
            ["chen", "aigerim"],
        ),
        (
            "visit",
            second,
            "09:30",
            "12:00",
            (
                "参观联合实验室",
                "Посещение совместной лаборатории",
                "Бірлескен зертханаға бару",
                "Visit to a joint laboratory",
            ),
            (
                "参观中塔生物资源保育与可持续利用“一带一路”联合实验室。9:15在会展中心北门乘车。",
                "Посещение Китайско-таджикской совместной лаборатории «Пояса и пути» по "
                "сохранению и устойчивому использованию биологических ресурсов. Автобус "
                "отходит от северного входа в 9:15.",
                "Биологиялық ресурстарды сақтау және тұрақты пайдалану жөніндегі Қытай–Тәжікстан "
                "«Белдеу және жол» бірлескен зертханасына бару. Автобус солтүстік кіреберістен "
                "9:15-те шығады.",
                "A visit to the China–Tajikistan Belt and Road Joint Laboratory on Biological "
                "Resources Conservation and Sustainable Use. The bus leaves the north entrance "
                "at 9:15.",
            ),
            "",
            ["farhod"],
        ),
        (
            "plenary",
            second,
            "14:00",
            "15:00",
            (
                "闭幕式：成果发布",
                "Закрытие: итоги конференции",
                "Жабылу: конференция қорытындылары",
                "Closing: outcomes of the conference",
            ),
            None,
            "A1",
            ["liu", "zhao"],
        ),
    ):
        await _session(
            admin,
            event,
            kind,
            day,
            start,
            end,
            title,
            description,
            room,
            [people[key] for key in speakers],
        )

    topics = await _question(
        admin,
        event,
        "multiple",
        (
            "您最关注哪些议题？",
            "Какие темы вам интересны?",
            "Сізді қандай тақырыптар қызықтырады?",
            "Which topics interest you?",
        ),
        [
            ("数字经济", "Цифровая экономика", "Цифрлық экономика", "Digital economy"),
            (
                "农牧业科技",
                "Аграрные и животноводческие технологии",
                "Ауыл және мал шаруашылығы технологиялары",
                "Agricultural and animal husbandry technology",
            ),
            ("生物资源", "Биологические ресурсы", "Биологиялық ресурстар", "Biological resources"),
            ("技术转移", "Трансфер технологий", "Технологиялар трансфері", "Technology transfer"),
        ],
    )
    meals = await _question(
        admin,
        event,
        "single",
        ("餐饮要求", "Питание", "Тамақтану", "Meals"),
        [
            ("无特殊要求", "Без ограничений", "Шектеусіз", "No restrictions"),
            ("清真", "Халяль", "Халал", "Halal"),
            ("素食", "Вегетарианское", "Вегетариандық", "Vegetarian"),
        ],
    )
    visa = await _question(
        admin,
        event,
        "yes_no",
        (
            "是否需要签证邀请函？",
            "Нужно ли вам визовое приглашение?",
            "Сізге визалық шақыру хат керек пе?",
            "Do you need a visa invitation letter?",
        ),
    )
    citizenship = await _question(
        admin, event, "country", ("国籍", "Гражданство", "Азаматтығы", "Citizenship")
    )
    await _question(
        admin,
        event,
        "date",
        (
            "抵达乌鲁木齐日期",
            "Дата прибытия в Урумчи",
            "Үрімжіге келу күні",
            "Date of arrival in Urumqi",
        ),
        required=False,
    )
    position = await _question(
        admin, event, "text", ("职务", "Должность", "Лауазымы", "Position"), required=False
    )
    await event_rules.set_quota(admin, event, "almaty", "20")
    await _open(admin, event)

    def answers(chosen: list[str], meal: str, needs_visa: str, country: str, job: str = ""):
        return {topics: chosen, meals: meal, visa: needs_visa, citizenship: country, position: job}

    coordinator = await _viewer("coordinator@example.org")
    await registrations.register(
        event["id"],
        [
            Person(
                "Даурен Касымов",
                "dauren.kassymov@example.org",
                "ru",
                answers(["o1", "o4"], "o2", "yes", "KZ", "Главный специалист"),
            ),
            Person(
                "Асель Нурланова",
                "asel.nurlanova@example.org",
                "kk",
                answers(["o1"], "o2", "yes", "KZ", "Бас маман"),
            ),
            Person(
                "Тимур Бекмухамбетов",
                "timur.bekmukhambetov@example.org",
                "ru",
                answers(["o4"], "o1", "yes", "KZ"),
            ),
        ],
        organization_id=organizations["almaty"]["id"],
        actor=coordinator,
    )
    member = await User.select(User.id).where(User.email == "member@example.org").first()
    for person, user_id in (
        (
            Person(
                "张伟", "member@example.org", "zh", answers(["o3"], "o1", "no", "CN", "副研究员")
            ),
            member["id"] if member else None,
        ),
        (
            Person(
                "Dilnoza Karimova",
                "dilnoza.karimova@example.org",
                "ru",
                answers(["o2", "o3"], "o2", "yes", "UZ"),
            ),
            None,
        ),
        (
            Person(
                "Нурбек Жумабаев",
                "nurbek.zhumabaev@example.org",
                "ru",
                answers(["o2"], "o2", "yes", "KG"),
            ),
            None,
        ),
        (
            Person(
                "Гульнора Сафарова",
                "gulnora.safarova@example.org",
                "ru",
                answers(["o3"], "o2", "yes", "TJ"),
            ),
            None,
        ),
        (
            Person("王磊", "wang.lei@example.org", "zh", answers(["o1", "o4"], "o1", "no", "CN")),
            None,
        ),
    ):
        [registration_id] = await registrations.register(event["id"], [person], user_id=user_id)
    await registrations.cancel(registration_id)  # 王磊 cannot come after all


# --- the roadshow in Almaty ------------------------------------------------------------------

ROADSHOW_GUESTS = (
    ("Ержан Ахметов", "ru", "Венчурный фонд «Тянь-Шань Капитал»"),
    ("Мадина Сейтқазы", "kk", "«Агротех Алматы» ЖШС"),
    ("Ольга Ким", "ru", "Казахский национальный аграрный исследовательский университет"),
    ("Руслан Искаков", "ru", "Парк инновационных технологий «Алатау»"),
    ("Айдана Бекова", "kk", "«Дала Даму» инвестициялық қоры"),
    ("李明", "zh", "新疆科技成果（技术）交易中心"),
    ("Санжар Турсунов", "ru", "ТОО «СмартАгро»"),
    ("Жанар Ермекова", "kk", "Алматы қаласының кәсіпкерлер палатасы"),
    ("Алексей Петров", "ru", "Венчурный фонд «Тянь-Шань Капитал»"),
    ("周婷", "zh", "中国－中亚技术转移中心"),
    ("Бауыржан Омаров", "kk", "«Қазақ тұқым» ЖШС"),
    ("Камила Юсупова", "ru", "ТОО «БиоФарм Алматы»"),
    ("Арман Садықов", "kk", "«Алатау Венчурс» қоры"),
    ("Елена Ли", "ru", "ТОО «ЦифраЛогистик»"),
    ("陈晨", "zh", "新疆大学"),
)


async def _roadshow(admin: Viewer, organizations: dict[str, Any]) -> None:
    zone = "Asia/Almaty"
    day = _weekday(zone, 21, 3)  # a Thursday three to four weeks ahead
    event = await _event(
        admin,
        {
            "slug": ROADSHOW,
            "kind": "roadshow",
            "source_language": "ru",
            "host_organization": "cca-ttc",
            **_fields(
                "title",
                (
                    "技术转移路演·阿拉木图站",
                    "Роуд-шоу трансфера технологий в Алматы",
                    "Алматыдағы технологиялар трансферінің роуд-шоуы",
                    "Technology-Transfer Roadshow in Almaty",
                ),
            ),
            **_fields(
                "summary",
                (
                    "新疆与哈萨克斯坦的项目团队向投资人和企业路演，随后进行一对一洽谈。",
                    "Команды из Синьцзяна и Казахстана представляют проекты инвесторам и "
                    "компаниям, затем — встречи один на один.",
                    "Шыңжаң мен Қазақстан командалары жобаларын инвесторлар мен компанияларға "
                    "таныстырады, содан кейін бетпе-бет кездесулер өтеді.",
                    "Teams from Xinjiang and Kazakhstan pitch to investors and companies, "
                    "followed by one-to-one meetings.",
                ),
            ),
            **_fields(
                "description",
                (
                    "路演厅设十二个投资人与产业合作方席位；每个项目路演后，团队与感兴趣的席位单独洽谈。",
                    "В зале двенадцать мест для инвесторов и отраслевых партнёров; после "
                    "каждого выступления команда встречается с заинтересованными участниками.",
                    "Залда инвесторлар мен салалық серіктестерге арналған он екі орын бар; әр "
                    "таныстырылымнан кейін команда мүдделі қатысушылармен кездеседі.",
                    "The pitching hall seats twelve investors and industry partners; after each "
                    "pitch the team meets those who are interested.",
                ),
            ),
            **_fields(
                "venue",
                (
                    "哈萨克斯坦酒店会议厅（阿拉木图市多斯特克大街52号）",
                    "Конференц-зал гостиницы «Казахстан» (Алматы, пр. Достык, 52)",
                    "«Қазақстан» қонақүйінің конференц-залы (Алматы, Достық даңғылы, 52)",
                    "Conference hall, Hotel Kazakhstan (52 Dostyk Avenue, Almaty)",
                ),
            ),
            **_fields("city", ("阿拉木图", "Алматы", "Алматы", "Almaty")),
            "timezone": zone,
            "starts_at": _at(day, "14:00"),
            "ends_at": _at(day, "18:00"),
            "capacity": "12",
            "registration_closes_at": _at(day - timedelta(days=2), "18:00"),
            "offer_hours": "24",
            "self_registration": "on",
        },
    )
    people = await _speakers(admin, event, organizations, ("chen", "aigerim"))
    for kind, start, end, title, speakers in (
        (
            "plenary",
            "14:00",
            "14:20",
            ("开场致辞", "Вступительное слово", "Кіріспе сөз", "Opening remarks"),
            ["aigerim", "chen"],
        ),
        (
            "roadshow_slot",
            "14:20",
            "16:00",
            (
                "项目路演：数字与农业技术",
                "Презентации проектов: цифровые и аграрные технологии",
                "Жобалар таныстырылымы: цифрлық және аграрлық технологиялар",
                "Pitches: digital and agricultural technologies",
            ),
            ["chen"],
        ),
        ("break", "16:00", "16:15", ("茶歇", "Кофе-брейк", "Кофе-брейк", "Coffee break"), []),
        (
            "matchmaking",
            "16:15",
            "18:00",
            (
                "与投资人一对一洽谈",
                "Встречи один на один с инвесторами",
                "Инвесторлармен бетпе-бет кездесулер",
                "One-to-one meetings with investors",
            ),
            [],
        ),
    ):
        await _session(
            admin,
            event,
            kind,
            day,
            start,
            end,
            title,
            room="Alatau",
            speakers=[people[key] for key in speakers],
        )
    company = await _question(
        admin, event, "text", ("所在单位", "Организация", "Ұйым", "Organization")
    )
    await _open(admin, event)
    ids = []
    for number, (name, language, organization) in enumerate(ROADSHOW_GUESTS, start=1):
        person = Person(
            name, f"roadshow.guest{number:02d}@example.org", language, {company: organization}
        )
        ids += await registrations.register(event["id"], [person])
    # Twelve seats, fifteen people: three wait; one cancellation offers the first a seat.
    await registrations.cancel(ids[1])


# --- the forum in Tashkent -------------------------------------------------------------------


async def _tashkent_forum(admin: Viewer, organizations: dict[str, Any]) -> None:
    zone = "Asia/Tashkent"
    day = _weekday(zone, 38, 2)  # a Wednesday about six weeks ahead
    event = await _event(
        admin,
        {
            "slug": TASHKENT_FORUM,
            "kind": "forum",
            "source_language": "ru",
            "host_organization": "tashkent",
            **_fields(
                "title",
                (
                    "中国（新疆）—乌兹别克斯坦农业科技合作论坛",
                    "Форум Китая (Синьцзяна) и Узбекистана по сотрудничеству в аграрных "
                    "технологиях",
                    "Қытай (Шыңжаң) мен Өзбекстанның аграрлық технологиялар саласындағы "
                    "ынтымақтастық форумы",
                    "China (Xinjiang)–Uzbekistan Forum on Agricultural Technology Cooperation",
                ),
            ),
            **_fields(
                "summary",
                (
                    "节水灌溉、棉花与果蔬良种、温室技术：两地科研机构与企业的合作对接。",
                    "Водосберегающее орошение, семена хлопка, овощей и фруктов, тепличные "
                    "технологии: партнёрство научных центров и компаний.",
                    "Суды үнемдейтін суару, мақта, көкөніс және жеміс тұқымдары, жылыжай "
                    "технологиялары: ғылыми орталықтар мен компаниялардың серіктестігі.",
                    "Water-saving irrigation, cotton, vegetable and fruit seeds, greenhouse "
                    "technology: research centres and companies from both sides team up.",
                ),
            ),
            **_fields(
                "description",
                (
                    "论坛参会需经主办方审核。上午为全体会议和专题讨论，下午参观塔什干州温室集群。",
                    "Участие — после одобрения организаторами. Утром пленарное заседание и "
                    "дискуссия, после обеда — посещение тепличного кластера в Ташкентской "
                    "области.",
                    "Қатысу ұйымдастырушылар мақұлдағаннан кейін. Таңертең пленарлық отырыс пен "
                    "пікірталас, түстен кейін Ташкент облысындағы жылыжай кластеріне бару.",
                    "Places are confirmed by the organizers. A plenary session and a panel in "
                    "the morning; in the afternoon, a visit to a greenhouse cluster in "
                    "Tashkent Region.",
                ),
            ),
            **_fields(
                "venue",
                (
                    "塔什干城国际会议厅",
                    "Конгресс-холл Tashkent City",
                    "Tashkent City конгресс-холы",
                    "Tashkent City Congress Hall",
                ),
            ),
            **_fields("city", ("塔什干", "Ташкент", "Ташкент", "Tashkent")),
            "timezone": zone,
            "starts_at": _at(day, "10:00"),
            "ends_at": _at(day, "17:00"),
            "capacity": "150",
            "registration_closes_at": _at(day - timedelta(days=7), "18:00"),
            "approval_required": "on",
            "self_registration": "on",
        },
    )
    people = await _speakers(admin, event, organizations, ("bakhtiyor", "aygul"))
    programme = (
        (
            "plenary",
            "10:00",
            "11:30",
            ("全体会议", "Пленарное заседание", "Пленарлық отырыс", "Plenary session"),
            "Navruz",
            ["bakhtiyor"],
        ),
        (
            "panel",
            "11:45",
            "13:00",
            (
                "节水灌溉与良种繁育",
                "Водосберегающее орошение и семеноводство",
                "Суды үнемдейтін суару және тұқым шаруашылығы",
                "Water-saving irrigation and seed breeding",
            ),
            "Navruz",
            ["aygul"],
        ),
        (
            "visit",
            "14:30",
            "17:00",
            (
                "参观塔什干州温室集群",
                "Посещение тепличного кластера в Ташкентской области",
                "Ташкент облысындағы жылыжай кластеріне бару",
                "Visit to a greenhouse cluster in Tashkent Region",
            ),
            "",
            ["aygul"],
        ),
    )
    await _day_programme(admin, event, day, people, programme)
    await _open(admin, event)
    guests = (
        ("Шахзод Рахимов", "shakhzod.rakhimov@example.org", "ru"),
        ("Нилуфар Абдуллаева", "nilufar.abdullaeva@example.org", "ru"),
        ("刘洋", "liu.yang@example.org", "zh"),
        ("Jasur Tashkentov", "jasur.t@example.org", "en"),
    )
    ids = await _register_each(event, guests)
    await registrations.approve(ids[0], admin)
    await registrations.reject(
        ids[3],
        admin,
        "Форум рассчитан на научные центры и аграрные компании; пожалуйста, зарегистрируйтесь "
        "на роуд-шоу в Алматы.",
    )


# --- the past forum in Dushanbe --------------------------------------------------------------


async def _past_forum(admin: Viewer, organizations: dict[str, Any]) -> None:
    zone = "Asia/Dushanbe"
    day = _weekday(zone, -49, 3)  # a Thursday six weeks ago
    event = await _event(
        admin,
        {
            "slug": PAST_FORUM,
            "kind": "forum",
            "source_language": "ru",
            "host_organization": "cn-tj-bio-lab",
            **_fields(
                "title",
                (
                    "中塔生物资源保护与可持续利用论坛",
                    "Китайско-таджикский форум по сохранению и устойчивому использованию "
                    "биологических ресурсов",
                    "Биологиялық ресурстарды сақтау және тұрақты пайдалану жөніндегі "
                    "Қытай–Тәжікстан форумы",
                    "China–Tajikistan Forum on the Conservation and Sustainable Use of "
                    "Biological Resources",
                ),
            ),
            **_fields(
                "summary",
                (
                    "联合实验室成果交流：帕米尔药用植物、种质资源保存与联合科考。",
                    "Итоги работы совместной лаборатории: лекарственные растения Памира, "
                    "сохранение генетических ресурсов, совместные экспедиции.",
                    "Бірлескен зертхана жұмысының қорытындылары: Памирдің дәрілік өсімдіктері, "
                    "генетикалық ресурстарды сақтау, бірлескен экспедициялар.",
                    "What the joint laboratory has achieved: medicinal plants of the Pamirs, "
                    "conserving genetic resources, joint expeditions.",
                ),
            ),
            **_fields(
                "venue",
                (
                    "塔吉克斯坦国家科学院（杜尚别市鲁达基大街33号）",
                    "Национальная академия наук Таджикистана (Душанбе, пр. Рудаки, 33)",
                    "Тәжікстан Ұлттық ғылым академиясы (Душанбе, Рудаки даңғылы, 33)",
                    "National Academy of Sciences of Tajikistan (33 Rudaki Avenue, Dushanbe)",
                ),
            ),
            **_fields("city", ("杜尚别", "Душанбе", "Душанбе", "Dushanbe")),
            "timezone": zone,
            "starts_at": _at(day, "09:30"),
            "ends_at": _at(day, "17:00"),
            "capacity": "80",
            "self_registration": "on",
        },
    )
    people = await _speakers(admin, event, organizations, ("farhod", "ma"))
    programme = (
        (
            "plenary",
            "09:30",
            "11:00",
            (
                "全体会议：联合实验室五年",
                "Пленарное заседание: пять лет совместной лаборатории",
                "Пленарлық отырыс: бірлескен зертхананың бес жылы",
                "Plenary: five years of the joint laboratory",
            ),
            "Somon",
            ["farhod"],
        ),
        (
            "panel",
            "11:15",
            "12:45",
            (
                "帕米尔药用植物",
                "Лекарственные растения Памира",
                "Памирдің дәрілік өсімдіктері",
                "Medicinal plants of the Pamirs",
            ),
            "Somon",
            ["farhod", "ma"],
        ),
        (
            "visit",
            "14:30",
            "17:00",
            (
                "参观杜尚别植物园",
                "Посещение Ботанического сада Душанбе",
                "Душанбе ботаникалық бағына бару",
                "Visit to the Dushanbe Botanical Garden",
            ),
            "",
            [],
        ),
    )
    await _day_programme(admin, event, day, people, programme)
    await _open(admin, event)
    guests = (
        ("Манучехр Саидов", "manuchehr.saidov@example.org", "ru"),
        ("Зарина Назарова", "zarina.nazarova@example.org", "ru"),
        ("李静", "li.jing@example.org", "zh"),
        ("Фирдавс Каримов", "firdavs.karimov@example.org", "ru"),
        ("Мадина Шарипова", "madina.sharipova@example.org", "ru"),
        ("王芳", "wang.fang@example.org", "zh"),
    )
    ids = await _register_each(event, guests)
    # Five of the six came; the check-in times are set to the morning of the forum.
    arrived = datetime.combine(day, datetime.min.time(), ZoneInfo(zone)) + timedelta(hours=9)
    for minute, registration_id in enumerate(ids[:5]):
        row = (
            await Registration.select(Registration.code)
            .where(Registration.id == registration_id)
            .first()
        )
        await registrations.check_in(event["id"], row["code"], admin)
        await Registration.update(
            {Registration.checked_in_at: arrived + timedelta(minutes=3 * minute)}
        ).where(Registration.id == registration_id)
    for step in ("registration_closed", "finished"):
        await event_rules.change_status(admin, event, step)
