"""Projects: joint-lab projects, their teams, milestones, progress reports and outputs."""

from core.domains import Domain
from projects import jobs, routes

domain = Domain(
    name="projects",
    pages=routes.pages,
    api=routes.api,
    routes=routes.routes,
    jobs=jobs.jobs,
    cron_jobs=jobs.cron_jobs,
)
