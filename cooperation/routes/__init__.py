"""Cooperation routes, by audience: `public` (everyone), `account` (posters and partners
signed in), `manage` (the bureau and coordinators), `api` (partners' systems, read only)."""

from cooperation.routes import account, api, manage, public

pages = [*public.pages, *account.pages, *manage.pages]
api_handlers = [*api.handlers]
routes = [*public.routes]
