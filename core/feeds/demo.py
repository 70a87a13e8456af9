"""Demo partner feeds: news and events as a sync would have left them, in the partners' own
languages, so the news wall, partner pages and the home page have something to show on the
first start. The sources are switched off: the demo never reaches the network."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from html import escape

from core.tables import FeedItem, FeedSource

# organization slug, language, feed address, feed title
SOURCES = (
    (
        "almaty",
        "kk",
        "https://almaty.example.kz/kk/news/rss",
        "Алматы қаласының әкімдігі — жаңалықтар",
    ),
    ("astana", "ru", "https://astana.example.kz/ru/press/rss", "Акимат Астаны — пресс-центр"),
    ("tashkent", "ru", "https://tashkent.example.uz/ru/feed", "Хокимият Ташкента — новости"),
    ("bishkek", "ru", "https://bishkek.example.kg/ru/news.atom", "Мэрия Бишкека — новости"),
    ("xju", "zh", "https://news.xju.example.cn/rss.xml", "新疆大学新闻网"),
    (
        "cca-ttc",
        "en",
        "https://cca-ttc.example.cn/en/feed.json",
        "China–Central Asia Technology Transfer Center",
    ),
    ("dushanbe", "ru", "https://dushanbe.example.tj/ru/calendar.ics", "Мэрия Душанбе — календарь"),
)

# organization slug, days ago, title, excerpt
NEWS = (
    (
        "almaty",
        1,
        "Алматыда Қытаймен бірлескен су ресурстары зертханасы ашылды",
        "Жаңа зертхана тау мұздықтары мен өзен ағынын бақылайтын ғалымдарды біріктіреді.",
    ),
    (
        "almaty",
        6,
        "Алматы жас инженерлерге арналған стартап-мектеп жариялады",
        "Іріктеуден өткен командалар Үрімжідегі технологиялық роуд-шоуға қатысады.",
    ),
    (
        "astana",
        2,
        "Астана и Урумчи договорились о совместном центре цифровых технологий",
        "Центр займётся умными сетями, открытыми данными и подготовкой специалистов.",
    ),
    (
        "tashkent",
        3,
        "В Ташкенте прошла неделя инноваций с участием партнёров из Синьцзяна",
        "Более сорока компаний представили разработки в области сельского хозяйства и энергетики.",
    ),
    (
        "tashkent",
        9,
        "Ташкентский технопарк принимает заявки на программу акселерации",
        "Приоритет — проекты по водосбережению и переработке хлопка.",
    ),
    (
        "bishkek",
        4,
        "Бишкек и Урумчи обсудили обмен студентами инженерных специальностей",
        "Стороны наметили летнюю школу и совместные практики на предприятиях.",
    ),
    (
        "xju",
        2,
        "新疆大学与中亚五国高校签署科研合作备忘录",
        "合作将围绕干旱区生态、智慧农业和新能源开展联合研究与人才培养。",
    ),
    (
        "xju",
        8,
        "新疆大学中亚研究院发布区域科技合作年度报告",
        "报告梳理了过去一年联合实验室、技术转移和人员交流的主要进展。",
    ),
    (
        "cca-ttc",
        5,
        "Technology transfer center matches 30 Central Asian firms with Chinese partners",
        "Matchmaking sessions covered irrigation, solar power and veterinary vaccines.",
    ),
)

# organization slug, days ahead, hours long, title, location, zone
EVENTS = (
    (
        "dushanbe",
        12,
        6,
        "Форум молодых учёных Душанбе — Урумчи",
        "Душанбе, Академия наук",
        "Asia/Dushanbe",
    ),
    (
        "dushanbe",
        26,
        8,
        "Выставка технологий водного хозяйства",
        "Душанбе, выставочный центр",
        "Asia/Dushanbe",
    ),
    (
        "astana",
        18,
        4,
        "День открытых дверей Международного технопарка IT-стартапов",
        "Астана",
        "Asia/Almaty",
    ),
)


def _key(source_id: int, title: str) -> str:
    return f"{source_id}:{hashlib.sha256(title.encode()).hexdigest()[:32]}"


def _slug(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:10]


async def load_feeds_demo(organizations: dict[str, int], now: datetime | None = None) -> None:
    """Switched-off sources with the items a sync would have stored."""
    now = now or datetime.now(UTC)
    sources: dict[str, tuple[int, str, str]] = {}
    for slug, lang, url, title in SOURCES:
        source = FeedSource(
            organization=organizations[slug],
            url=url,
            language=lang,
            kind="ical" if url.endswith(".ics") else "rss",
            title=title,
            enabled=False,
            last_success_at=now,
            last_status=200,
        )
        await source.save()
        sources[slug] = (int(source.id), lang, url.rsplit("/", 2)[0])
    rows = []
    for slug, days_ago, title, excerpt in NEWS:
        source_id, lang, site = sources[slug]
        published = now - timedelta(days=days_ago, hours=3)
        rows.append(
            FeedItem(
                source=source_id,
                organization=organizations[slug],
                key=_key(source_id, title),
                kind="news",
                guid=f"{site}/news/{_slug(title)}",
                link=f"{site}/news/{_slug(title)}",
                title=title,
                summary=f"<p>{escape(excerpt)}</p>",
                excerpt=excerpt,
                language=lang,
                published_at=published,
                sort_at=published,
                first_seen_at=published,
                changed_at=published,
            )
        )
    for slug, days_ahead, hours, title, location, zone in EVENTS:
        source_id, lang, site = sources[slug]
        starts = (now + timedelta(days=days_ahead)).replace(
            hour=4, minute=0, second=0, microsecond=0
        )
        rows.append(
            FeedItem(
                source=source_id,
                organization=organizations[slug],
                key=_key(source_id, title),
                kind="event",
                guid=f"{_slug(title)}@{site.split('//')[-1]}",
                link=f"{site}/events/{_slug(title)}",
                title=title,
                excerpt=location,
                location=location,
                language=lang,
                sort_at=starts,
                starts_at=starts,
                ends_at=starts + timedelta(hours=hours),
                timezone=zone,
                first_seen_at=now,
                changed_at=now,
            )
        )
    await FeedItem.insert(*rows)
