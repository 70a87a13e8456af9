"""Event routes, by area; each module lists its `pages` (under /<lang>/), `api` and `routes`."""

from events import roadshows
from events.routes import delegations, invitations, manage, operations, public, registration

pages = [
    *public.pages,
    *registration.pages,
    *manage.pages,
    *operations.pages,
    *invitations.pages,
    *delegations.pages,
    *roadshows.pages,
]
api = [*public.api, *operations.api, *roadshows.api]
routes = [*public.routes]
