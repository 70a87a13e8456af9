"""Cooperation: industry demands, technology offers, cooperation guides, matching, digests."""

from core.domains import Domain

domain = Domain(name="cooperation")
