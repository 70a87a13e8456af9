"""Demo content: each domain's loader, run once, in domain order."""

from __future__ import annotations

from core.domains import load_domains


async def load_demo() -> None:
    for domain in load_domains():
        if domain.demo_loader is not None:
            await domain.demo_loader()
