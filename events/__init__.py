"""Events: the conference, forums and roadshows; registrations, invitations, delegations."""

from core.domains import Domain, MenuEntry
from core.i18n import N_
from events import jobs, routes

domain = Domain(
    name="events",
    pages=routes.pages,
    api=routes.api,
    routes=routes.routes,
    jobs=jobs.jobs,
    cron_jobs=jobs.cron_jobs,
    menu=(MenuEntry(label=N_("Events"), path="events/", order=10),),
)
