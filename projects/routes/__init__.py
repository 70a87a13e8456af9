"""Project routes, by area; each module lists its `pages` (under /<lang>/), `api` and `routes`.
Add a module's lists here when it is added."""

from projects.routes import manage, media, milestone_removal, portfolio, public, team

pages = [*portfolio.pages, *manage.pages, *team.pages, *milestone_removal.pages, *public.pages]
api: list = []
routes = [*media.routes]
