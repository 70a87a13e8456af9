"""Invitations: organizers invite partner organizations (their coordinators), people with
accounts and listed guests to an event; each recipient gets one e-mail in their own language
with the event's details, its calendar file and personal links to accept or decline; reminders
go to those who have not answered; organizers follow deliveries and answers in a tracking
table. A feature of the event core (it imports the core; the core never imports it).

Rooms: `tables` (InvitationCampaign, Invitation), `services/` — `labels` (the words),
`clock` (now, aware moments), `tokens` (personal links), `recipients` (organizations,
accounts, one per address), `lists` (pasted and uploaded lists, checked row by row), `texts`
(the text in four languages), `drafts` (checking and keeping a draft), `mails` (the mail, its
outbox keys, the preview), `campaigns` (who may invite, sendings and their progress),
`sending` (the background job, retries, resends), `reminders`, `tracking` (the table and its
exports), `answers` (accept, decline, register) —, `dashboard` (a coordinator's invitations
awaiting an answer), `routes/` (`organizer`, `invitee`
controllers) and `jobs` (arq). Accepted invitations make an organization take part in an
event (events.services.participation).
"""

from core.domains import Domain
from events.invitations import dashboard, jobs, routes
from events.invitations.services.answers import accepted_events
from events.services import participation

participation.add_source(accepted_events)

domain = Domain(
    name="events.invitations",
    pages=routes.pages,
    jobs=jobs.jobs,
    cron_jobs=jobs.cron_jobs,
    dashboard_panels=(dashboard.panels,),
)
