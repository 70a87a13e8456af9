"""Demo content: each domain's loader, run once, in domain order; and the core's own part."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from core import jobqueue
from core.access import Viewer
from core.accounts import create_user
from core.auth import load_viewer
from core.content import Translated
from core.domains import load_domains
from core.feeds.demo import load_feeds_demo
from core.search.index import reindex_all
from core.settings import get_settings
from core.tables import Organization, User

DEMO_PASSWORD = "hongshan-demo"  # noqa: S105 - published in README for the demo accounts


async def load_demo() -> None:
    async with _job_queue():
        for domain in load_domains():
            if domain.demo_loader is not None:
                await domain.demo_loader()
    await reindex_all()  # demo content is written in bulk, past the services' own reindexing


@asynccontextmanager
async def _job_queue() -> AsyncIterator[None]:
    """Demo content is built through the same services people use, and they queue e-mails
    through the job queue. `serve --demo` loads demo content before the app opens the queue,
    and `hongshan demo` runs without any server: open it here for the duration — the
    configured Redis, the embedded server `serve` has already started, or else a short-lived
    embedded one (persistent, so the next start sends the mail)."""
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


async def demo_viewer(email: str) -> Viewer | None:
    """A demo account as the services see it, or None when the core demo did not run."""
    user = await User.select(User.id).where(User.email == email).first()
    return await load_viewer(user["id"]) if user else None


# slug, kind, country, timezone, website, names (zh, ru, kk, en), cities (zh, ru, kk, en)
ORGANIZATIONS = [
    (
        "urumqi-stb",
        "government",
        "CN",
        "Asia/Urumqi",
        "",
        (
            "乌鲁木齐市科学技术局",
            "Управление науки и технологий города Урумчи",
            "Үрімжі қалалық ғылым және технология басқармасы",
            "Urumqi Municipal Science and Technology Bureau",
        ),
        ("乌鲁木齐", "Урумчи", "Үрімжі", "Urumqi"),
    ),
    (
        "urumqi-fao",
        "government",
        "CN",
        "Asia/Urumqi",
        "",
        (
            "乌鲁木齐市人民政府外事办公室",
            "Управление внешних связей города Урумчи",
            "Үрімжі қаласының сыртқы байланыстар басқармасы",
            "Urumqi Foreign Affairs Office",
        ),
        ("乌鲁木齐", "Урумчи", "Үрімжі", "Urumqi"),
    ),
    (
        "almaty",
        "partner_city",
        "KZ",
        "Asia/Almaty",
        "",
        ("阿拉木图市政府", "Акимат города Алматы", "Алматы қаласының әкімдігі", "Akimat of Almaty"),
        ("阿拉木图", "Алматы", "Алматы", "Almaty"),
    ),
    (
        "astana",
        "partner_city",
        "KZ",
        "Asia/Almaty",
        "",
        ("阿斯塔纳市政府", "Акимат города Астаны", "Астана қаласының әкімдігі", "Akimat of Astana"),
        ("阿斯塔纳", "Астана", "Астана", "Astana"),
    ),
    (
        "tashkent",
        "partner_city",
        "UZ",
        "Asia/Tashkent",
        "",
        (
            "塔什干市政府",
            "Хокимият города Ташкента",
            "Ташкент қаласының хокимияты",
            "Tashkent City Khokimiyat",
        ),
        ("塔什干", "Ташкент", "Ташкент", "Tashkent"),
    ),
    (
        "bishkek",
        "partner_city",
        "KG",
        "Asia/Bishkek",
        "",
        ("比什凯克市政府", "Мэрия города Бишкек", "Бішкек қаласының мэриясы", "Bishkek City Hall"),
        ("比什凯克", "Бишкек", "Бішкек", "Bishkek"),
    ),
    (
        "dushanbe",
        "partner_city",
        "TJ",
        "Asia/Dushanbe",
        "",
        (
            "杜尚别市政府",
            "Администрация города Душанбе",
            "Душанбе қаласының әкімшілігі",
            "Dushanbe City Administration",
        ),
        ("杜尚别", "Душанбе", "Душанбе", "Dushanbe"),
    ),
    (
        "ashgabat",
        "partner_city",
        "TM",
        "Asia/Ashgabat",
        "",
        (
            "阿什哈巴德市政府",
            "Хякимлик города Ашхабада",
            "Ашхабад қаласының хәкімдігі",
            "Ashgabat City Administration",
        ),
        ("阿什哈巴德", "Ашхабад", "Ашхабад", "Ashgabat"),
    ),
    (
        "xju",
        "university",
        "CN",
        "Asia/Urumqi",
        "https://www.xju.edu.cn",
        ("新疆大学", "Синьцзянский университет", "Шыңжаң университеті", "Xinjiang University"),
        ("乌鲁木齐", "Урумчи", "Үрімжі", "Urumqi"),
    ),
    (
        "xaas",
        "institute",
        "CN",
        "Asia/Urumqi",
        "",
        (
            "新疆畜牧科学院",
            "Синьцзянская академия животноводческих наук",
            "Шыңжаң мал шаруашылығы ғылымдары академиясы",
            "Xinjiang Academy of Animal Science",
        ),
        ("乌鲁木齐", "Урумчи", "Үрімжі", "Urumqi"),
    ),
    (
        "cca-ttc",
        "institute",
        "CN",
        "Asia/Urumqi",
        "",
        (
            "中国－中亚技术转移中心",
            "Центр трансфера технологий «Китай — Центральная Азия»",
            "«Қытай — Орталық Азия» технологиялар трансфері орталығы",
            "China–Central Asia Technology Transfer Center",
        ),
        ("乌鲁木齐", "Урумчи", "Үрімжі", "Urumqi"),
    ),
    (
        "cn-tj-bio-lab",
        "laboratory",
        "TJ",
        "Asia/Dushanbe",
        "",
        (
            "中塔生物资源保育与可持续利用“一带一路”联合实验室",
            "Китайско-таджикская совместная лаборатория «Пояса и пути» по сохранению и устойчивому "
            "использованию биологических ресурсов",
            "Биологиялық ресурстарды сақтау және тұрақты пайдалану жөніндегі Қытай–Тәжікстан "
            "«Белдеу және жол» бірлескен зертханасы",
            "China–Tajikistan Belt and Road Joint Laboratory on Biological Resources "
            "Conservation and Sustainable Use",
        ),
        ("杜尚别", "Душанбе", "Душанбе", "Dushanbe"),
    ),
]

# email, role, organization slug, name, language
USERS = [
    ("admin@example.org", "admin", "urumqi-stb", "王建华", "zh"),
    ("fao@example.org", "fao", "urumqi-fao", "李娜", "zh"),
    ("coordinator@example.org", "coordinator", "almaty", "Айгуль Сериккызы", "ru"),
    ("lead@example.org", "member", "cn-tj-bio-lab", "Фарход Рахимов", "ru"),
    ("member@example.org", "member", "cn-tj-bio-lab", "张伟", "zh"),
    ("reviewer@example.org", "reviewer", "cca-ttc", "Nurlan Abenov", "en"),
]


def _translated(values: tuple[str, str, str, str]) -> dict:
    zh, ru, kk, en = values
    return Translated.of("zh", zh=zh, ru=ru, kk=kk, en=en).dump()


async def load_core_demo() -> None:
    """Partner organizations and one account per role; nothing happens the second time."""
    if await User.exists().where(User.email == "admin@example.org"):
        return
    ids: dict[str, int] = {}
    for slug, kind, country, zone, website, names, cities in ORGANIZATIONS:
        organization = Organization(
            slug=slug,
            kind=kind,
            country=country,
            timezone=zone,
            website=website,
            name=_translated(names),
            city=_translated(cities),
        )
        await organization.save()
        ids[slug] = organization.id
    await load_feeds_demo(ids)
    for email, role, slug, name, language in USERS:
        await create_user(
            email,
            role=role,
            name=name,
            language=language,
            password=DEMO_PASSWORD,
            organization_id=ids[slug],
        )
    print(f"Demo accounts (password for all: {DEMO_PASSWORD}):")
    for email, role, slug, _name, _language in USERS:
        print(f"  {email:<26} {role:<12} {slug}")
