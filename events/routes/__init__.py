"""Event routes, by area; each module lists its `pages` (under /<lang>/), `api` and `routes`."""

from events.routes import invitations, manage, operations, public, registration

pages = [
    *public.pages,
    *registration.pages,
    *manage.pages,
    *operations.pages,
    *invitations.pages,
]
api = [*public.api, *operations.api]
routes = [*public.routes]
