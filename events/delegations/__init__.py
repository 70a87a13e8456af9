"""Delegations: the foreign-affairs office's workflow for partner organizations' delegations to
events — members with sealed passport data, the office's review, visa invitation letters and
badges, arrivals, hotels, interpreters, diets and protocol, and the purge of passport data
after the event. A feature of `events`: it imports the event core (and `core`), and nothing
imports it; events/__init__.py names it among its features.

Rooms:
- `tables` — Delegation, Delegate, VisaLetter (in the Piccolo app `events`).
- `services/` — `vocabulary` (states, choices, field names), `policy` (access rules, who sees
  passports), `records` (reading), `states` (who may edit when; guarded state moves),
  `opening` (which events an organization may open one for), `member_form` (checking a
  member), `members` (showing and saving members), `member_import` (the XLSX template and
  import), `workflow` (submit, return, approve, arrival, departure, rank, freeze), `mail`,
  `letters` (issuing and rendering visa letters), `letter_files` (letter PDFs and archives),
  `documents` (the PDFs: letters and badges), `passports` (sealing and masking),
  `retention` (the purge and its dry-run report), `boards`, `arrivals`, `hotels`, `needs`
  (what the office's boards show) and `sheets` (the boards as spreadsheet tables).
- `routes/` — one controller per audience: `coordinator`, `office`, `boards`, `letters`.
- `jobs` — rendering letters, upkeep, the daily purge. `demo` — demo delegations.
- `dashboard` — the foreign-affairs office's and coordinators' work queue on the desk.
- `fonts/` — the font subsets the PDFs embed.
Templates live in templates/events/delegations/ and templates/mail/delegation_*.html.
"""

from core.domains import Domain
from events.delegations import dashboard, demo, jobs, routes

domain = Domain(
    name="events.delegations",
    pages=routes.pages,
    jobs=jobs.jobs,
    cron_jobs=jobs.cron_jobs,
    demo_loader=demo.load_demo_delegations,
    dashboard_panels=(dashboard.panels,),
)
