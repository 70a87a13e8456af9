"""Core pages: the language redirect, the home page, health and readiness probes."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from core import health
from core.i18n import current_language


@get("/", include_in_schema=False)
async def root() -> Redirect:
    """The language was already picked from cookie, then Accept-Language, then zh."""
    return Redirect(f"/{current_language()}/", status_code=302)


@get("/", include_in_schema=False, name="home")
async def home() -> Template:
    return Template("core/home.html")


@get("/openapi.json", include_in_schema=False)
async def openapi_schema(request: Request) -> dict[str, Any]:
    return request.app.openapi_schema.to_schema()


@get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz", include_in_schema=False)
async def readyz() -> Response[dict[str, object]]:
    checks = await health.check_dependencies()
    ready = all(checks.values())
    return Response(
        {"status": "ready" if ready else "unavailable", "checks": checks},
        status_code=HTTP_200_OK if ready else HTTP_503_SERVICE_UNAVAILABLE,
    )


pages = [home]
api = [openapi_schema]
routes = [root, healthz, readyz]
