"""Roadshows: a call for projects on a roadshow event, blind review, pitch slots and what
came of each pitch. Builds on the event core (`events.tables`) only.

Modules:
- `tables` — the call, submissions, reviews, conflicts, pitches, outcomes.
- `services/` — the rules: `calls`, `submissions`, `decks`, `review` (assignment, conflicts,
  scores, the blind view), `ranking` (weighted means, decisions and their mails),
  `pitches`, `outcomes` (the report and its charts), `exports`, `access` (who may see
  what), `moments` (form times in the event's zone), `scheduler` (1:1 meetings into
  slots × tables without double booking), `matchmaking` (investors browse accepted pitches,
  mark interest and ask for meetings; teams answer) and `meetings` (the investor flag on a
  registration, running the scheduler over the event's matchmaking sessions, the grid,
  moves, no-shows, each person's schedule and its .ics).
- `demo` — the Almaty roadshow's call, submissions, reviews, meetings and outcomes.
- `routes/` — Litestar controllers per audience: organizer, applicant, reviewer, public
  (with the JSON API), and `meetings` (investors, teams and the organizer's grid).
"""

from core.domains import Domain
from events.roadshows import demo, routes

domain = Domain(
    name="events.roadshows",
    pages=routes.pages,
    api=routes.api,
    demo_loader=demo.load_roadshow_demo,
)
