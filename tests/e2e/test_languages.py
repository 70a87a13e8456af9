"""Journeys through the four site languages: first visit, switcher, 404 page, phone layout."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.support.live_server import PageFactory, Shot

SWITCHER_NAMES = {"zh": "中文", "ru": "Русский", "kk": "Қазақша", "en": "English"}


def _h1(page: Page) -> str:
    heading = page.locator("h1")
    expect(heading).to_be_visible()
    return heading.inner_text().strip()


def test_visitor_switches_through_all_four_languages_and_stays_on_the_page(
    live_server: str, new_page: PageFactory, artifacts: Shot
) -> None:
    # Chromium derives Accept-Language from the locale and ignores an extra header for it.
    page = new_page(locale="ru-RU")
    page.goto(f"{live_server}/")
    expect(page).to_have_url(f"{live_server}/ru/")

    headings = {"ru": _h1(page)}
    for lang in ("zh", "kk", "en", "ru"):
        switcher = page.locator("header .lang-switcher")
        switcher.get_by_role("link", name=SWITCHER_NAMES[lang], exact=True).click()
        expect(page).to_have_url(f"{live_server}/{lang}/")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        expect(switcher.locator("[aria-current]")).to_have_text(SWITCHER_NAMES[lang])
        headings[lang] = _h1(page)
        artifacts(page, f"home-{lang}")

    assert len(set(headings.values())) == 4, headings


def test_missing_page_answers_404_in_the_visitors_language(
    live_server: str, page: Page, artifacts: Shot
) -> None:
    headings = {}
    for lang in ("en", "kk"):
        response = page.goto(f"{live_server}/{lang}/no-such-page")
        assert response is not None
        assert response.status == 404
        expect(page.locator("html")).to_have_attribute("lang", lang)
        headings[lang] = _h1(page)
        artifacts(page, f"404-{lang}")

    assert headings["kk"] != headings["en"], headings


def test_home_page_fits_a_phone_screen_without_sideways_scrolling(
    live_server: str, new_page: PageFactory, artifacts: Shot
) -> None:
    page = new_page(viewport={"width": 390, "height": 844})
    for lang in SWITCHER_NAMES:  # Kazakh and Russian have the longest words
        page.goto(f"{live_server}/{lang}/")
        artifacts(page, f"home-{lang}-phone")
        widths = page.evaluate(
            """() => ({
                scroll: document.scrollingElement.scrollWidth,
                inner: window.innerWidth,
                wider: [...document.querySelectorAll("body *")]
                    .filter((el) => el.getBoundingClientRect().right > window.innerWidth)
                    .map((el) => el.tagName.toLowerCase() + "." + el.className)
                    .slice(0, 5),
            })"""
        )
        assert widths["scroll"] <= widths["inner"], (lang, widths)
