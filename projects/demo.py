"""Demo projects: the China–Tajikistan joint laboratory on biological resources (quarterly
reports; lead@ and member@ on its team) and the China–Kazakhstan animal husbandry base
(annual reports), each with partners on both sides, a picture, milestones (some late) and
two reporting periods whose reports the bureau accepted, one of them after asking for changes.

Built through the same services the bureau and the teams use, so the rules hold (versions,
audit log, mails to the team). Dates are set relative to today. Loaded once: a project that
already exists is left alone, so a second start adds nothing.
"""

from __future__ import annotations

import math
import struct
import zlib
from datetime import date, timedelta

from core import organizations
from core.access import Viewer
from core.demo import demo_viewer
from core.tables import Organization
from projects.services import indicators, milestones, reports
from projects.services import projects as project_rules
from projects.services.projects import PartnerChoice, ProjectScope
from projects.tables import Indicator, Milestone, Project

BIO_LAB = "cn-tj-bio-lab"
LIVESTOCK_BASE = "cn-kz-livestock-base"
LANGS = ("zh", "ru", "kk", "en")
Texts = tuple[str, str, str, str]  # zh, ru, kk, en; "" where a text is not (yet) translated


def _fields(name: str, texts: Texts) -> dict[str, str]:
    return {f"{name}_{lang}": text for lang, text in zip(LANGS, texts, strict=True) if text}


def _quarter_start(today: date, quarters_back: int) -> date:
    index = today.year * 4 + (today.month - 1) // 3 - quarters_back
    return date(index // 4, index % 4 * 3 + 1, 1)


# --- a picture for each project, drawn here (no files to ship) -----------------------------------


def _png(width: int, height: int, rows: list[bytes]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + row for row in rows)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def landscape(
    seed: float,
    sky: tuple[int, int, int],
    far: tuple[int, int, int],
    near: tuple[int, int, int],
    ground: tuple[int, int, int],
    width: int = 640,
    height: int = 360,
) -> bytes:
    """A quiet landscape: sky, two mountain ridges, a meadow (a PNG, about 10 KB)."""

    def ridge(x: int, base: float, scale: float, phase: float) -> float:
        t = x / width * math.tau
        wave = (
            math.sin(t * 1.3 + phase)
            + 0.5 * math.sin(t * 3.7 + phase * 2)
            + 0.25 * math.sin(t * 9.1 + phase * 3)
        )
        return base - scale * wave

    far_line = [ridge(x, height * 0.42, height * 0.12, seed) for x in range(width)]
    near_line = [ridge(x, height * 0.62, height * 0.08, seed + 1.7) for x in range(width)]
    meadow = height * 0.8
    rows = []
    for y in range(height):
        shade = y / height
        sky_row = bytes(int(c + (255 - c) * shade * 0.8) for c in sky)
        row = bytearray()
        for x in range(width):
            if y >= meadow:
                row += bytes(ground)
            elif y >= near_line[x]:
                row += bytes(near)
            elif y >= far_line[x]:
                row += bytes(far)
            else:
                row += sky_row
        rows.append(bytes(row))
    return _png(width, height, rows)


# --- partner organizations the projects need ----------------------------------------------------

NEW_ORGANIZATIONS = [
    {
        "slug": "xieg-cas",
        "kind": "institute",
        "country": "CN",
        "timezone": "Asia/Urumqi",
        "name": (
            "中国科学院新疆生态与地理研究所",
            "Синьцзянский институт экологии и географии Китайской академии наук",
            "Қытай ғылым академиясының Шыңжаң экология және география институты",
            "Xinjiang Institute of Ecology and Geography, CAS",
        ),
        "city": ("乌鲁木齐", "Урумчи", "Үрімжі", "Urumqi"),
    },
    {
        "slug": "tj-botany",
        "kind": "institute",
        "country": "TJ",
        "timezone": "Asia/Dushanbe",
        "name": (
            "塔吉克斯坦国家科学院植物学、植物生理学与遗传学研究所",
            "Институт ботаники, физиологии и генетики растений Национальной академии наук "
            "Таджикистана",
            "Тәжікстан Ұлттық ғылым академиясының Ботаника, өсімдіктер физиологиясы және "
            "генетикасы институты",
            "Institute of Botany, Plant Physiology and Genetics, National Academy of Sciences "
            "of Tajikistan",
        ),
        "city": ("杜尚别", "Душанбе", "Душанбе", "Dushanbe"),
    },
]


async def _organizations(admin: Viewer) -> None:
    for spec in NEW_ORGANIZATIONS:
        if await Organization.exists().where(Organization.slug == spec["slug"]):
            continue
        await organizations.create(
            admin,
            {
                "slug": spec["slug"],
                "kind": spec["kind"],
                "country": spec["country"],
                "timezone": spec["timezone"],
                "source_language": "zh",
                "is_public": "on",
                **_fields("name", spec["name"]),
                **_fields("city", spec["city"]),
            },
        )


async def _forage_indicator(admin: Viewer) -> None:
    """An indicator the bureau added for the livestock base: forage crops sown."""
    if await Indicator.exists().where(Indicator.key == "forage_hectares"):
        return
    await indicators.create(
        admin,
        {
            "key": "forage_hectares",
            "source_language": "zh",
            "active": "on",
            "position": "0",
            **_fields(
                "label",
                (
                    "饲草种植面积",
                    "Посевы кормовых культур",
                    "Мал азықтық дақылдар егісі",
                    "Forage crops sown",
                ),
            ),
            **_fields("unit", ("公顷", "га", "га", "hectares")),
        },
    )


# --- building blocks ----------------------------------------------------------------------------


async def _project(
    admin: Viewer,
    *,
    slug: str,
    texts: dict[str, Texts],
    kind: str,
    field: str,
    countries: list[str],
    starts_on: date,
    ends_on: date,
    frequency: str,
    china: tuple[str, ...],
    partner: tuple[str, ...],
) -> ProjectScope:
    await project_rules.create(
        admin,
        {
            "slug": slug,
            "source_language": "zh",
            "kind": kind,
            "field": field,
            "status": "active",
            "report_frequency": frequency,
            "is_public": "on",
            "starts_on": starts_on.isoformat(),
            "ends_on": ends_on.isoformat(),
            **{k: v for name, t in texts.items() for k, v in _fields(name, t).items()},
        },
        countries=countries,
        chosen=PartnerChoice(china=china, partner=partner),
    )
    found = await project_rules.scope(admin, slug)
    assert found is not None
    return found


async def _milestone(
    actor: Viewer,
    current: ProjectScope,
    title: Texts,
    due_on: date,
    status: str,
    percent: int,
    completed_on: date | None = None,
    links: str = "",
) -> None:
    written = dict(zip(LANGS, title, strict=True))
    source = actor.language if written.get(actor.language) else "zh"
    milestone_id = await milestones.create(
        actor,
        current,
        {
            "source_language": source,
            **_fields("title", title),
            "due_on": due_on.isoformat(),
            "status": status,
            "percent": str(percent),
            "evidence_links": links,
        },
    )
    if completed_on is not None:
        # The service stamps today's date on a milestone marked done; the demo's history
        # needs the day it really happened.
        await Milestone.update({Milestone.completed_on: completed_on}).where(
            Milestone.id == milestone_id
        )


async def _report(
    author: Viewer,
    team_scope: ProjectScope,
    admin: Viewer,
    admin_scope: ProjectScope,
    period: str,
    drafts: list[dict[str, str]],
    requests: tuple[str, ...] = (),
) -> None:
    """Write, submit and have the bureau review a report: each draft but the last is sent
    back with the matching request; the last is accepted."""
    for number, draft in enumerate(drafts, start=1):
        report = await reports.get(team_scope, period)
        assert report is not None
        await reports.save(author, team_scope, report, {"version": str(number - 1), **draft})
        report = await reports.get(team_scope, period)
        assert report is not None
        await reports.submit(author, team_scope, report, number)
        report = await reports.get(admin_scope, period)
        assert report is not None
        last = number == len(drafts)
        await reports.review(
            admin,
            admin_scope,
            report,
            action="accept" if last else "request_changes",
            body="" if last else requests[number - 1],
            expected_version=number,
        )


def _indicators(**values: float) -> dict[str, str]:
    return {f"ind_{key}": str(value) for key, value in values.items()}


# --- the China–Tajikistan joint laboratory ------------------------------------------------------

BIO_TEXTS: dict[str, Texts] = {
    "name": (
        "中塔生物资源保育与可持续利用“一带一路”联合实验室",
        "Китайско-таджикская совместная лаборатория «Пояса и пути» по сохранению и устойчивому "
        "использованию биологических ресурсов",
        "Биологиялық ресурстарды сақтау және тұрақты пайдалану жөніндегі Қытай–Тәжікстан "
        "«Белдеу және жол» бірлескен зертханасы",
        "China–Tajikistan Belt and Road Joint Laboratory on Biological Resources Conservation "
        "and Sustainable Use",
    ),
    "summary": (
        "联合开展帕米尔高原及周边地区植物、动物和微生物资源的调查、收集与保存，共建种质资源库，"
        "培养两国青年科研人员。",
        "Совместные экспедиции по Памиру и соседним районам: изучаем, собираем и сохраняем "
        "растения, животных и микроорганизмы, создаём общий генобанк и готовим молодых учёных "
        "обеих стран.",
        "Памир мен көршілес аудандардың өсімдіктерін, жануарлары мен микроорганизмдерін бірлесіп "
        "зерттеу, жинау және сақтау, ортақ гендік банк құру, екі елдің жас ғалымдарын даярлау.",
        "Joint surveys of plants, animals and microorganisms in the Pamirs and neighbouring "
        "regions, a shared seed and germplasm bank, and training for young researchers from "
        "both countries.",
    ),
    "description": (
        "实验室由中国科学院新疆生态与地理研究所与塔吉克斯坦国家科学院植物学、植物生理学与遗传学"
        "研究所共同建设，在杜尚别设有野外工作站。\n"
        "重点方向包括：珍稀濒危及特有植物的就地与迁地保护、野生果树种质资源评价、荒漠与高山生态系统"
        "监测，以及生物资源可持续利用示范。",
        "Лабораторию создали Синьцзянский институт экологии и географии Китайской академии наук и "
        "Институт ботаники, физиологии и генетики растений Национальной академии наук "
        "Таджикистана; полевая станция работает в Душанбе.\n"
        "Основные направления — сохранение редких и эндемичных растений в природе и в "
        "коллекциях, оценка генетических ресурсов дикорастущих плодовых, мониторинг пустынных и "
        "высокогорных экосистем и показательные проекты устойчивого использования биоресурсов.",
        "Зертхананы Қытай ғылым академиясының Шыңжаң экология және география институты мен "
        "Тәжікстан Ұлттық ғылым академиясының Ботаника, өсімдіктер физиологиясы және генетикасы "
        "институты бірлесіп құрды; далалық станциясы Душанбеде орналасқан.\n"
        "Негізгі бағыттары — сирек және эндемик өсімдіктерді табиғи ортада және коллекцияларда "
        "сақтау, жабайы жеміс ағаштарының генетикалық ресурстарын бағалау, шөлді және биік таулы "
        "экожүйелерді бақылау, биоресурстарды тұрақты пайдаланудың үлгі жобалары.",
        "The laboratory is run by the Xinjiang Institute of Ecology and Geography of the Chinese "
        "Academy of Sciences and the Institute of Botany, Plant Physiology and Genetics of the "
        "National Academy of Sciences of Tajikistan, with a field station in Dushanbe.\n"
        "Its work covers the conservation of rare and endemic plants in the wild and in "
        "collections, the evaluation of wild fruit-tree germplasm, the monitoring of desert and "
        "alpine ecosystems, and demonstration projects for the sustainable use of biological "
        "resources.",
    ),
}


async def _bio_lab(admin: Viewer) -> None:
    today = project_rules.today()
    starts = _quarter_start(today, 2)
    admin_scope = await _project(
        admin,
        slug=BIO_LAB,
        texts=BIO_TEXTS,
        kind="joint_laboratory",
        field="biological_resources",
        countries=["CN", "TJ"],
        starts_on=starts,
        ends_on=date(starts.year + 5, starts.month, 1) - timedelta(days=1),
        frequency="quarterly",
        china=("xieg-cas",),
        partner=("tj-botany", "cn-tj-bio-lab"),
    )
    await project_rules.add_image(
        admin,
        admin_scope,
        landscape(0.4, (120, 170, 220), (96, 110, 140), (70, 96, 80), (132, 150, 90)),
        {
            "source_language": "zh",
            **_fields(
                "caption",
                (
                    "帕米尔高原的考察样地",
                    "Пробные площади экспедиции на Памире",
                    "Памирдегі экспедицияның сынақ алаңдары",
                    "Survey plots in the Pamirs",
                ),
            ),
        },
    )
    lead = await demo_viewer("lead@example.org")
    member = await demo_viewer("member@example.org")
    if lead is None or member is None:
        return
    await project_rules.add_member(admin, admin_scope, email=lead.email, role="lead")
    await project_rules.add_member(admin, admin_scope, email=member.email, role="member")
    team_scope = await project_rules.scope(lead, BIO_LAB)
    assert team_scope is not None
    for title, due, status, percent, done_on, links in (
        (
            (
                "帕米尔春季考察：采集60种野生植物种子",
                "Весенняя экспедиция на Памир: семена 60 дикорастущих видов",
                "Памирге көктемгі экспедиция: 60 жабайы түрдің тұқымы",
                "Spring expedition to the Pamirs: seeds of 60 wild species",
            ),
            starts + timedelta(days=75),
            "done",
            100,
            starts + timedelta(days=68),
            "",
        ),
        (
            (
                "共享种质资源数据库上线（首批500份资源）",
                "Запуск общей базы данных генетических ресурсов (первые 500 образцов)",
                "",  # not yet in Kazakh: the public page marks the fallback
                "Shared germplasm database online (first 500 accessions)",
            ),
            starts + timedelta(days=150),
            "done",
            100,
            starts + timedelta(days=163),
            "https://example.org/germplasm-db",
        ),
        (
            (
                "在乌鲁木齐为20名塔方技术人员举办种质库技术培训",
                "Обучение 20 таджикских специалистов работе с генобанком в Урумчи",
                "Үрімжіде 20 тәжік маманын гендік банкпен жұмысқа оқыту",
                "Seed-bank training in Urumqi for 20 Tajik technicians",
            ),
            today - timedelta(days=20),
            "in_progress",
            70,
            None,
            "",
        ),
        (
            (
                "西帕米尔植物区系联合论文投稿",
                "Совместная статья о флоре Западного Памира подана в журнал",
                "Батыс Памир флорасы туралы бірлескен мақала журналға жіберілді",
                "Joint paper on the flora of the Western Pamirs submitted",
            ),
            today - timedelta(days=5),
            "in_progress",
            80,
            None,
            "",
        ),
        (
            (
                "罗米特保护区样地秋季监测",
                "Осенний мониторинг пробных площадей в заповеднике Ромит",
                "Ромит қорығындағы сынақ алаңдарын күзгі бақылау",
                "Autumn monitoring of the Romit reserve plots",
            ),
            today + timedelta(days=25),
            "in_progress",
            40,
            None,
            "",
        ),
        (
            (
                "杜尚别年度学术研讨会",
                "Ежегодный научный симпозиум в Душанбе",
                "Душанбедегі жыл сайынғы ғылыми симпозиум",
                "Annual symposium in Dushanbe",
            ),
            today + timedelta(days=70),
            "planned",
            0,
            None,
            "",
        ),
    ):
        await _milestone(lead, team_scope, title, due, status, percent, done_on, links)
    await reports.ensure_reports(team_scope.project)
    first = reports.period_of(starts, "quarterly")
    second = reports.period_of(first.ends_on + timedelta(days=1), "quarterly")
    await _report(
        lead,
        team_scope,
        admin,
        admin_scope,
        first.key,
        [
            {
                "source_language": "ru",
                **_fields(
                    "narrative",
                    (
                        "春季考察队在西帕米尔和罗米特保护区工作了三周，记录了62种野生植物的种群状况。",
                        "Весенняя экспедиция три недели работала на Западном Памире и в "
                        "заповеднике Ромит. Описаны популяции 62 дикорастущих видов, собраны "
                        "семена и гербарий.\nОбразцы переданы в общий генобанк в Урумчи и "
                        "дублированы в Душанбе.",
                        "",
                        "",
                    ),
                ),
                **_fields(
                    "highlight",
                    (
                        "春季考察在帕米尔高原采集了62种野生植物的种子，其中6种为珍稀濒危物种；"
                        "86份样品已入藏共享种质库。",
                        "Весенняя экспедиция собрала на Памире семена 62 дикорастущих видов, "
                        "из них шести краснокнижных; 86 образцов переданы в общий генобанк.",
                        "Көктемгі экспедиция Памирде 62 жабайы түрдің, оның ішінде Қызыл кітапқа "
                        "енген алты түрдің тұқымын жинады; 86 үлгі ортақ гендік банкке тапсырылды.",
                        "The spring expedition collected seeds of 62 wild species in the Pamirs, "
                        "six of them red-listed; 86 samples went into the shared seed bank.",
                    ),
                ),
                **_indicators(
                    papers=1,
                    patents_filed=0,
                    samples_exchanged=86,
                    people_trained=12,
                    joint_events=1,
                    funding_received=450,
                ),
            }
        ],
    )
    member_scope = await project_rules.scope(member, BIO_LAB)
    assert member_scope is not None
    second_narrative = (
        "共享种质资源数据库正式上线，收录512份资源。双方就野生核桃快繁技术联合申请发明专利。",
        "",
        "",
        "",
    )
    await _report(
        member,
        member_scope,
        admin,
        admin_scope,
        second.key,
        [
            {
                "source_language": "zh",
                **_fields("narrative", second_narrative),
                **_fields(
                    "highlight",
                    (
                        "共享种质资源数据库正式上线，首批收录512份资源。",
                        "",
                        "",
                        "",
                    ),
                ),
                **_indicators(papers=2, patents_filed=1, people_trained=8, joint_events=2),
            },
            {
                "source_language": "zh",
                **_fields(
                    "narrative",
                    (
                        second_narrative[0] + "\n本季度向塔方交换种质样品140份（清单见附件目录）。",
                        "Заработала общая база данных генетических ресурсов (512 образцов). "
                        "Таджикской стороне передано 140 образцов семян; подана совместная "
                        "заявка на патент.",
                        "",
                        "",
                    ),
                ),
                **_fields(
                    "highlight",
                    (
                        "共享种质资源数据库正式上线，首批收录512份资源；两国专家就野生核桃快繁技术"
                        "联合申请了一项发明专利。",
                        "Заработала общая база данных генетических ресурсов — в ней уже 512 "
                        "образцов; учёные двух стран подали совместную заявку на патент на метод "
                        "ускоренного размножения дикого грецкого ореха.",
                        "Ортақ гермоплазма дерекқоры іске қосылды — онда 512 үлгі бар; екі елдің "
                        "ғалымдары жабайы грек жаңғағын жедел көбейту әдісіне бірлескен патенттік "
                        "өтінім берді.",
                        "The shared germplasm database went live with 512 accessions, and "
                        "researchers from both countries filed a joint patent application for "
                        "rapid propagation of wild walnut.",
                    ),
                ),
                **_indicators(
                    papers=2,
                    patents_filed=1,
                    samples_exchanged=140,
                    people_trained=8,
                    joint_events=2,
                    funding_received=620,
                ),
            },
        ],
        requests=(
            "请补充本季度种质样品交换的数量，并提供重点成果的俄文、哈萨克文和英文表述，"
            "以便在公开页面发布。",
        ),
    )


# --- the China–Kazakhstan animal husbandry base -------------------------------------------------

LIVESTOCK_TEXTS: dict[str, Texts] = {
    "name": (
        "中哈牧业技术交流合作基地",
        "Китайско-казахстанская база обмена и сотрудничества в области технологий животноводства",
        "Мал шаруашылығы технологиялары бойынша Қытай–Қазақстан алмасу және ынтымақтастық базасы",
        "China–Kazakhstan Animal Husbandry Technology Exchange and Cooperation Base",
    ),
    "summary": (
        "围绕良种繁育、饲草料生产和疫病防控，开展中哈牧业技术交流、示范推广和人才培训。",
        "Обмен технологиями животноводства между Китаем и Казахстаном: племенное разведение, "
        "кормопроизводство, профилактика болезней животных, показательные хозяйства и обучение "
        "специалистов.",
        "Қытай мен Қазақстан арасында мал шаруашылығы технологияларын алмасу: асыл тұқымды мал "
        "өсіру, жем-шөп өндірісі, мал ауруларының алдын алу, үлгілі шаруашылықтар және мамандар "
        "даярлау.",
        "Livestock technology exchange between China and Kazakhstan: breeding, forage "
        "production and animal disease prevention, with demonstration farms and training for "
        "specialists.",
    ),
    "description": (
        "基地由新疆畜牧科学院牵头，与阿拉木图和阿斯塔纳的合作伙伴共同建设。\n"
        "双方在哈萨克斯坦建立了细毛羊和肉牛良种繁育示范点，推广苜蓿高产栽培和全混合日粮技术，"
        "并联合开展布鲁氏菌病等疫病的监测与防控。",
        "Базу создаёт Синьцзянская академия животноводческих наук вместе с партнёрами в Алматы "
        "и Астане.\n"
        "В Казахстане работают показательные хозяйства по разведению тонкорунных овец и мясного "
        "скота; стороны внедряют высокоурожайное возделывание люцерны и кормление "
        "полнорационными кормосмесями, совместно ведут мониторинг и профилактику бруцеллёза и "
        "других болезней.",
        "Базаны Шыңжаң мал шаруашылығы ғылымдары академиясы Алматы мен Астанадағы серіктестерімен "
        "бірге құруда.\n"
        "Қазақстанда биязы жүнді қой мен етті ірі қара өсіретін үлгілі шаруашылықтар жұмыс "
        "істейді; тараптар жоңышқаны жоғары өнімді өсіруді және толық рационды жем қоспаларын "
        "енгізіп, бруцеллез бен басқа аурулардың мониторингі мен алдын алуын бірлесіп жүргізеді.",
        "The base is led by the Xinjiang Academy of Animal Science with partners in Almaty and "
        "Astana.\n"
        "Demonstration farms in Kazakhstan breed fine-wool sheep and beef cattle; the partners "
        "introduce high-yield lucerne growing and total mixed rations, and jointly monitor and "
        "prevent brucellosis and other diseases.",
    ),
}


async def _livestock_base(admin: Viewer) -> None:
    today = project_rules.today()
    starts = date(today.year - 1, 1, 1)
    admin_scope = await _project(
        admin,
        slug=LIVESTOCK_BASE,
        texts=LIVESTOCK_TEXTS,
        kind="research_base",
        field="animal_husbandry",
        countries=["CN", "KZ"],
        starts_on=starts,
        ends_on=date(starts.year + 4, 12, 31),
        frequency="annual",
        china=("xaas",),
        partner=("almaty", "astana"),
    )
    await project_rules.add_image(
        admin,
        admin_scope,
        landscape(2.1, (140, 185, 225), (150, 160, 175), (96, 120, 72), (168, 176, 96)),
        {
            "source_language": "ru",
            **_fields(
                "caption",
                ("阿拉木图附近的牧场", "Пастбища под Алматы", "Алматы маңындағы жайылымдар", ""),
            ),
        },
    )
    await project_rules.add_member(
        admin,
        admin_scope,
        email="ma.jianguo@example.org",
        role="lead",
        name="马建国",
        language="zh",
    )
    await project_rules.add_member(
        admin,
        admin_scope,
        email="aizhan.nurlankyzy@example.org",
        role="member",
        name="Айжан Нұрланқызы",
        language="kk",
    )
    lead = await demo_viewer("ma.jianguo@example.org")
    assert lead is not None
    team_scope = await project_rules.scope(lead, LIVESTOCK_BASE)
    assert team_scope is not None
    for title, due, status, percent, done_on in (
        (
            (
                "阿拉木图细毛羊示范场建成",
                "Открыто показательное хозяйство тонкорунных овец под Алматы",
                "Алматы маңында биязы жүнді қойдың үлгілі шаруашылығы ашылды",
                "Fine-wool sheep demonstration farm opened near Almaty",
            ),
            starts + timedelta(days=120),
            "done",
            100,
            starts + timedelta(days=112),
        ),
        (
            (
                "播种高产苜蓿200公顷",
                "Посеяно 200 гектаров высокоурожайной люцерны",
                "200 гектар жоғары өнімді жоңышқа егілді",
                "200 hectares of high-yield lucerne sown",
            ),
            starts + timedelta(days=200),
            "done",
            100,
            starts + timedelta(days=231),
        ),
        (
            (
                "在三个区建立布鲁氏菌病监测网络",
                "Сеть мониторинга бруцеллёза в трёх районах",
                "Үш аудандағы бруцеллез мониторингі желісі",
                "Brucellosis monitoring network in three districts",
            ),
            today - timedelta(days=40),
            "in_progress",
            60,
            None,
        ),
        (
            (
                "在阿斯塔纳为50名兽医举办培训班",
                "Курс повышения квалификации для 50 ветеринаров в Астане",
                "Астанада 50 ветеринар дәрігерге арналған біліктілікті арттыру курсы",
                "Training course for 50 veterinarians in Astana",
            ),
            today + timedelta(days=45),
            "planned",
            0,
            None,
        ),
    ):
        await _milestone(lead, team_scope, title, due, status, percent, done_on)
    await reports.ensure_reports(team_scope.project)
    await _report(
        lead,
        team_scope,
        admin,
        admin_scope,
        str(starts.year),
        [
            {
                "source_language": "zh",
                **_fields(
                    "narrative",
                    (
                        "全年引进细毛羊种羊320只，建成阿拉木图示范场；在阿斯塔纳周边播种高产苜蓿200公顷。\n"
                        "双方联合培训兽医和技术员46人，举办现场观摩会3次。",
                        "",
                        "",
                        "",
                    ),
                ),
                **_fields(
                    "highlight",
                    (
                        "阿拉木图示范场引进细毛羊种羊320只，合作牧户的羊毛产量提高了18%；"
                        "两国联合培训兽医和技术员46人。",
                        "В показательное хозяйство под Алматы завезено 320 племенных "
                        "тонкорунных овец, у фермеров-партнёров настриг шерсти вырос на 18 %. "
                        "Совместно обучены 46 ветеринаров и зоотехников.",
                        "Алматы маңындағы үлгілі шаруашылыққа 320 асыл тұқымды биязы жүнді қой "
                        "әкелінді, серіктес фермерлерде жүн қырқымы 18 %-ға өсті. 46 ветеринар мен "
                        "зоотехник бірлесіп оқытылды.",
                        "The demonstration farm near Almaty received 320 fine-wool breeding "
                        "sheep, and partner farmers' wool clip rose by 18%. Together the "
                        "partners trained 46 veterinarians and livestock technicians.",
                    ),
                ),
                **_indicators(
                    papers=3,
                    patents_filed=1,
                    patents_granted=1,
                    samples_exchanged=40,
                    people_trained=46,
                    joint_events=3,
                    funding_received=1800,
                    forage_hectares=200,
                ),
            }
        ],
    )


async def load_projects_demo() -> None:
    """The two demo projects; each one that already exists is skipped."""
    admin = await demo_viewer("admin@example.org")
    if admin is None:  # the core demo (organizations, accounts) did not run
        return
    pending = [
        (slug, load)
        for slug, load in ((BIO_LAB, _bio_lab), (LIVESTOCK_BASE, _livestock_base))
        if not await Project.exists().where(Project.slug == slug)
    ]
    if not pending:
        return
    await _organizations(admin)
    await _forage_indicator(admin)
    for _slug, load in pending:
        await load(admin)
    print("Demo projects: the China–Tajikistan joint laboratory and the China–Kazakhstan")
    print("  livestock base (portfolio: /en/manage/projects/, public: /en/projects/).")
