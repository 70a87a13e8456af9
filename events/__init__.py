"""Events: the conference, forums and roadshows; registrations, invitations, delegations."""

from core.domains import Domain

domain = Domain(name="events")
