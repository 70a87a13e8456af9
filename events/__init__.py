"""Events: the conference, forums and roadshows; registrations, invitations, delegations."""

from core.domains import Domain, MenuEntry
from core.i18n import N_
from events import (
    dashboard,
    delegations_dashboard,
    demo,
    home,
    invitations_dashboard,
    jobs,
    routes,
    search,
)

domain = Domain(
    name="events",
    pages=routes.pages,
    api=routes.api,
    routes=routes.routes,
    jobs=jobs.jobs,
    cron_jobs=jobs.cron_jobs,
    demo_loader=demo.load_events_demo,
    search_kinds=search.KINDS,
    search_documents=search.documents,
    home_sections=home.SECTIONS,
    dashboard_panels=(
        dashboard.panels,
        invitations_dashboard.panels,
        delegations_dashboard.panels,
    ),
    menu=(MenuEntry(label=N_("Events"), path="events/", order=10),),
)
