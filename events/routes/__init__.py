"""Controllers of the event core, by audience. Pages live under /<lang>/, the API under
/api/v1/, media at the root.

- `public` — the public's event list, event pages and calendars; the events API; media
- `registration` — registering oneself, a coordinator's group, one's own registrations
- `registrant` — one registration's pages behind its personal link
- `manage`, `agenda`, `registration_setup` — the organizers' events, agenda, quotas and
  questions (`back_office` holds what they share)
- `operations` — the registrations board, exports and check-in
- `forms` — answers to an event's questions as typed into a form
"""

from events.routes import (
    agenda,
    manage,
    operations,
    public,
    registrant,
    registration,
    registration_setup,
)

pages = [
    public.PublicEventsController,
    registration.SelfRegistrationController,
    registration.GroupRegistrationController,
    registration.MyRegistrationsController,
    registrant.RegistrantController,
    manage.EventsController,
    agenda.AgendaController,
    registration_setup.RegistrationSetupController,
    operations.RegistrationsBoardController,
    operations.CheckInController,
]
api = [public.EventsApiController, operations.CheckInStatsApi]
routes = [public.EventMediaController]
