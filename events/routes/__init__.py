"""Event routes, by area; each module lists its `pages` (under /<lang>/), `api` and `routes`."""

from events.routes import manage, public, registration

pages = [*public.pages, *registration.pages, *manage.pages]
api = [*public.api]
routes = [*public.routes]
