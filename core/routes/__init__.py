"""Core routes, by area; each module lists its `pages` (under /<lang>/), `api` and `routes`."""

from core.routes import account, site

pages = [*site.pages, *account.pages]
api = [*site.api]
routes = [*site.routes]
