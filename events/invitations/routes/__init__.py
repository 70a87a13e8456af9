"""Invitation pages, one controller per audience: the organizer's (`organizer`) and the
invitee's personal pages behind the e-mail's links (`invitee`)."""

from events.invitations.routes.invitee import InviteeInvitations
from events.invitations.routes.organizer import OrganizerInvitations

pages = [OrganizerInvitations, InviteeInvitations]
