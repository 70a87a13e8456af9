"""Roadshows: a call for projects on a roadshow event, blind review, pitch slots, investor
matchmaking and what came of each pitch. Builds on the event core (`events.tables`) only.

Modules:
- `tables` — the call, submissions, reviews, conflicts, pitches, meetings, outcomes.
- `services/` — the rules: `calls`, `submissions`, `decks`, `review` (assignment and
  scores), `ranking` (weighted means and decisions with their mails), `pitches`,
  `matchmaking` (requests, availability), `scheduler` (meetings into slots × tables),
  `outcomes` (the report and its charts), `access` (who may see what).
- `routes/` — Litestar controllers per audience: organizer, applicant, reviewer,
  investor, public (and the JSON API).
- `jobs.py` — background work; `demo.py` — the demo roadshow's call and everything after it.
"""

from events.roadshows import routes

pages = routes.pages
api = routes.api
