"""Cooperation: industry demands, technology offers, cooperation guides, matching, digests.

Rooms: `tables` (profiles — demands and offers —, interest requests, guides and their
versions, subscriptions), `services/` — `vocabulary` (keys and labels), `profiles` (posting
and editing, access rules), `moderation` (the bureau's queue), `matching` and `lexicon`
(cross-language suggestions and their reasons), `interest` (expressions of interest and the
consent rule for contacts), `guides`, `digest`, `public` (what readers see), `feed` (Atom),
`files` (images and PDFs checked by content), `mail` (recipients and contexts) —, `routes/`
(Controllers per audience: `public`, `account`, `manage`, `api`), `schemas` (JSON shapes),
`jobs` (arq), `demo` (demo content).
"""

from cooperation import demo, jobs, routes
from core.domains import Domain, MenuEntry
from core.i18n import N_

domain = Domain(
    name="cooperation",
    pages=routes.pages,
    api=routes.api_handlers,
    routes=routes.routes,
    jobs=jobs.jobs,
    cron_jobs=jobs.cron_jobs,
    demo_loader=demo.load_cooperation_demo,
    menu=(MenuEntry(label=N_("Cooperation"), path="cooperation/", order=30),),
)
