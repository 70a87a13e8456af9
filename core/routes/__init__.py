"""Core routes, by area; each module lists its `pages` (under /<lang>/), `api` and `routes`."""

from core.routes import account, manage, oversight, partners, site

pages = [*site.pages, *account.pages, *manage.pages, *oversight.pages, *partners.pages]
api = [*site.api]
routes = [*site.routes, *partners.routes]
