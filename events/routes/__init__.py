"""Event routes, by area; each module lists its `pages` (under /<lang>/), `api` and `routes`."""

from events.routes import delegations, manage, operations, public, registration

pages = [
    *public.pages,
    *registration.pages,
    *manage.pages,
    *operations.pages,
    *delegations.pages,
]
api = [*public.api, *operations.api]
routes = [*public.routes]
