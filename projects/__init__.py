"""Projects: joint-lab projects, their teams, milestones, progress reports and outputs."""

from core.domains import Domain, MenuEntry
from core.i18n import N_
from projects import dashboard, demo, home, jobs, routes, search
from projects.services import public

domain = Domain(
    name="projects",
    pages=routes.pages,
    api=routes.api,
    routes=routes.routes,
    jobs=jobs.jobs,
    cron_jobs=jobs.cron_jobs,
    demo_loader=demo.load_projects_demo,
    search_kinds=search.KINDS,
    search_documents=search.documents,
    dashboard_panels=(dashboard.panels,),
    home_sections=home.SECTIONS,
    menu=(MenuEntry(label=N_("Projects"), path="projects/", order=20),),
    organization_context=public.for_organization,
)
