"""The rendered-page cache: anonymous readers of public pages share kept pages, nobody is
ever served another person's page or CSRF token, and a change shows on the next request."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from litestar import Litestar, MediaType, Request, get
from litestar.config.csrf import CSRFConfig
from litestar.utils.scope.state import ScopeState

from core.pagecache import PUBLIC_CACHE, page_cache_middleware
from events.services import events as event_rules
from tests.events.factories import make_event
from tests.support.factories import make_user, post_form, sign_in

LANGUAGES = ("zh", "ru", "kk", "en")


@asynccontextmanager
async def reader(app) -> AsyncIterator[httpx.AsyncClient]:
    """Another browser on the same site: cookies of its own."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver.local"
    ) as other:
        yield other


async def test_anonymous_readers_share_a_kept_page_and_revalidate_with_an_etag(app, client):
    event = await make_event(slug="kept-forum")
    first = await client.get("/en/events/kept-forum/")
    etag = first.headers["etag"]
    await event_rules.Event.update({event_rules.Event.capacity: 7}).where(
        event_rules.Event.id == event["id"]
    )  # a write behind the site's back: the kept page stands until it expires
    async with reader(app) as other:
        again = await other.get("/en/events/kept-forum/")
        unchanged = await other.get("/en/events/kept-forum/", headers={"If-None-Match": etag})
    assert again.text == first.text
    assert unchanged.status_code == 304 and unchanged.content == b""


async def test_a_signed_in_reader_never_gets_a_kept_page_nor_leaves_one(app, client):
    await make_event(slug="named-forum")
    user = await make_user("coordinator", name="Aigerim Seitkali")
    async with reader(app) as anonymous:
        before = await anonymous.get("/en/events/named-forum/")
        await sign_in(client, user)
        mine = await client.get("/en/events/named-forum/")
        after = await anonymous.get("/en/events/named-forum/")
    assert "Aigerim Seitkali" in mine.text
    assert "Aigerim Seitkali" not in before.text and "Aigerim Seitkali" not in after.text


async def test_an_organizers_change_shows_on_the_next_request_in_every_language(app, client):
    admin = await make_user("admin")
    await make_event(slug="renamed-forum")
    async with reader(app) as anonymous:
        for lang in LANGUAGES:
            old = (await anonymous.get(f"/{lang}/events/renamed-forum/")).text
            assert "Forum" in old or "Форум" in old
        await sign_in(client, admin)
        current = await event_rules.get("renamed-forum")
        form = event_rules.form_values(current)
        form.update(
            title_en="Renamed forum",
            title_ru="Переименованный форум",
            title_kk="Жаңа атаулы форум",
            title_zh="新名称论坛",
        )
        saved = await post_form(client, "/en/manage/events/renamed-forum/edit", form)
        assert saved.status_code == 200
        pages = {lang: await anonymous.get(f"/{lang}/events/renamed-forum/") for lang in LANGUAGES}
    assert "Renamed forum" in pages["en"].text
    assert "Переименованный форум" in pages["ru"].text
    assert "Жаңа атаулы форум" in pages["kk"].text
    assert "新名称论坛" in pages["zh"].text


def _small_site(rendered: list[str]) -> Litestar:
    """Two public pages that count their renderings; one carries the reader's CSRF token."""

    @get("/plain", media_type=MediaType.HTML, opt=PUBLIC_CACHE)
    async def plain() -> str:
        rendered.append("plain")
        return "<p>The same for everyone</p>"

    @get("/form", media_type=MediaType.HTML, opt=PUBLIC_CACHE)
    async def form(request: Request) -> str:
        rendered.append("form")
        token = ScopeState.from_scope(request.scope).csrf_token
        return f"<form><input name=_csrf_token value={token}></form>"

    return Litestar(
        [plain, form],
        middleware=[page_cache_middleware],
        csrf_config=CSRFConfig(secret="s" * 32, cookie_name="hongshan_csrf"),
    )


async def test_a_page_carrying_a_readers_csrf_token_is_never_kept(client) -> None:
    rendered: list[str] = []
    site = _small_site(rendered)
    bodies = []
    for _ in range(2):
        async with reader(site) as anonymous:
            await anonymous.get("/plain")
            page = await anonymous.get("/form")
            token = anonymous.cookies.get("hongshan_csrf")
            assert token and token in page.text
            bodies.append(page.text)
    assert rendered.count("plain") == 1  # kept and shared
    assert rendered.count("form") == 2 and bodies[0] != bodies[1]
