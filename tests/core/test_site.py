"""The site over HTTP: language choice, the home page, errors and probes."""

import re

import pytest

LANGS = ("zh", "ru", "kk", "en")


async def test_root_redirects_to_the_language_cookie_first(client) -> None:
    client.cookies.set("hongshan_lang", "kk")
    response = await client.get("/", headers={"accept-language": "ru"}, follow_redirects=False)
    assert response.status_code == 302
    assert response.headers["location"] == "/kk/"


async def test_root_redirects_by_accept_language_then_defaults_to_chinese(client) -> None:
    response = await client.get("/", headers={"accept-language": "ru-RU,ru;q=0.9"})
    assert response.url.path == "/ru/"
    client.cookies.clear()
    response = await client.get("/", headers={"accept-language": "fr"}, follow_redirects=False)
    assert response.headers["location"] == "/zh/"


async def test_visiting_a_language_remembers_it_for_next_time(client) -> None:
    await client.get("/en/")
    response = await client.get("/", follow_redirects=False)
    assert response.headers["location"] == "/en/"


@pytest.mark.parametrize("lang", LANGS)
async def test_home_page_is_in_the_requested_language_and_links_the_others(client, lang) -> None:
    response = await client.get(f"/{lang}/")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    for other in LANGS:
        assert f'hreflang="{other}" href="http://testserver.local/{other}/"' in response.text


async def test_home_page_text_differs_in_each_language(client) -> None:
    headings = set()
    for lang in LANGS:
        response = await client.get(f"/{lang}/")
        headings.add(re.search(r"<h1>(.*?)</h1>", response.text, re.S).group(1))
    assert len(headings) == 4


async def test_language_switcher_keeps_the_page_and_query(client) -> None:
    response = await client.get("/ru/missing-page/?page=2")
    assert 'href="/kk/missing-page/?page=2"' in response.text


async def test_unknown_page_gets_a_localised_404(client) -> None:
    english = await client.get("/en/no-such-page")
    russian = await client.get("/ru/no-such-page")
    assert english.status_code == russian.status_code == 404
    assert "Page not found" in english.text
    assert "Page not found" not in russian.text


async def test_unknown_language_is_not_a_page(client) -> None:
    response = await client.get("/fr/")
    assert response.status_code == 404


async def test_api_errors_are_json(client) -> None:
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.json()["status_code"] == 404


async def test_probes_report_liveness_and_readiness(client) -> None:
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    ready = await client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"] == {"database": True, "redis": True}


async def test_assets_are_served_locally(client) -> None:
    page = (await client.get("/en/")).text
    assert "https://" not in re.sub(r'(hreflang|href="http://testserver)[^>]*', "", page)
    assert (await client.get("/static/site.css")).status_code == 200
