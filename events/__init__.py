"""Events: the annual conference, forums, roadshows and matchmaking sessions.

The event core, importing only `core`:
- `tables` — events, quotas, agenda sessions, speakers, questions, registrations, offers
- `services/` — `events` (reading, the event form), `labels`, `lifecycle`, `quotas`,
  `questions`, `agenda`, `seats` (never overbooked), `registrations` (and the waiting list),
  `answers`, `checkin`, `catalog` (public listings), `calendar` (.ics), `exports`
  (the registrations board), `mail_context`, `qrcodes`, `participation` (which events an
  organization takes part in, as features tell it)
- `routes/` — controllers per audience (see its docstring); `schemas` — the API's shapes
- `jobs` — lapsing waiting-list offers; `demo` — the demo events

Features, each a subpackage with the same rooms that imports the event core and never a
sibling, loaded by name from `features` below (the core never imports them):
`invitations` (invite → answer → register), `delegations` (the foreign-affairs office) and
`roadshows` (call for projects, review, pitches, matchmaking, outcomes).
"""

from core.domains import Domain, MenuEntry
from core.i18n import N_
from events import dashboard, demo, home, jobs, routes, search

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
    dashboard_panels=(dashboard.panels,),
    menu=(MenuEntry(label=N_("Events"), path="events/", order=10),),
    features=("events.invitations", "events.delegations", "events.roadshows"),
)
