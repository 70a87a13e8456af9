"""The platform core: settings, database, languages, templates, jobs and the app factory.

Named `core` rather than `platform` because a top-level `platform` package would shadow the
standard-library module of that name and break pytest, uvicorn and redis at import time.
"""

from core import routes
from core.domains import Domain

domain = Domain(name="core", pages=routes.pages, routes=routes.routes)
