"""One application object for the roadshow tests (the access matrix runs many cases); each
test still runs the app's lifespan and starts from empty tables."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def app(redis_url: str):
    from core.app import create_app

    return create_app(redis_url)
