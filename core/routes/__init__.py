"""Core routes, by area; each module lists its `pages` (under /<lang>/), `api` and `routes`."""

from core.routes import account, feeds, manage, news, oversight, partners, search, site

pages = [
    *site.pages,
    *account.pages,
    *manage.pages,
    *oversight.pages,
    *partners.pages,
    *news.pages,
    *feeds.pages,
    *search.pages,
]
api = [*site.api, *search.api]
routes = [*site.routes, *partners.routes]
