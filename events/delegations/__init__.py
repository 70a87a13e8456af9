"""Delegations: the foreign-affairs office's workflow for partner organizations' delegations."""
