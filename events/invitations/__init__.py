"""Invitations to an event."""
