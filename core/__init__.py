"""The platform core: settings, database, languages, templates, jobs and the app factory.

Named `core` rather than `platform` because a top-level `platform` package would shadow the
standard-library module of that name and break pytest, uvicorn and redis at import time.
"""

from core import dashboard, demo, home, jobs, routes
from core.domains import Domain, MenuEntry
from core.feeds import jobs as feed_jobs
from core.i18n import N_
from core.search import partners as partner_search

domain = Domain(
    name="core",
    pages=routes.pages,
    api=routes.api,
    routes=routes.routes,
    jobs=[*jobs.jobs, *feed_jobs.jobs],
    cron_jobs=[*jobs.cron_jobs, *feed_jobs.cron_jobs],
    demo_loader=demo.load_core_demo,
    search_kinds=partner_search.KINDS,
    search_documents=partner_search.documents,
    dashboard_panels=(dashboard.core_panels,),
    home_sections=(home.NEWS_SECTION,),
    menu=(
        MenuEntry(label=N_("News"), path="news/", order=30),
        MenuEntry(label=N_("Partners"), path="partners/", order=40),
    ),
)
