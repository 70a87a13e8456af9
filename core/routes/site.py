"""Core pages: the language redirect, the home page, health and readiness probes."""

from __future__ import annotations

from html import escape
from typing import Any

from litestar import MediaType, Request, Response, get
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from core import health
from core.home import sections as home_sections
from core.i18n import current_language, gettext
from core.pagecache import PUBLIC_CACHE


@get("/", include_in_schema=False)
async def root() -> Redirect:
    """The language was already picked from cookie, then Accept-Language, then zh."""
    return Redirect(f"/{current_language()}/", status_code=302)


@get("/", include_in_schema=False, name="home", opt=PUBLIC_CACHE)
async def home() -> Template:
    return Template("core/home.html", context={"sections": await home_sections(current_language())})


@get("/openapi.json", include_in_schema=False)
async def openapi_schema(request: Request) -> dict[str, Any]:
    return request.app.openapi_schema.to_schema()


@get("/docs", include_in_schema=False, media_type=MediaType.HTML)
async def api_docs() -> Response[str]:
    """The API documentation: Swagger UI from static/vendor (no CDN) reading /openapi.json."""
    # Swagger UI speaks English; only the no-script note follows the reader's language.
    lang = current_language()
    note = escape(
        gettext(
            "The documentation needs JavaScript. The schema itself is at %(url)s.",
            url="/api/v1/openapi.json",
        )
    )
    page = (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        "<title>Hongshan API</title>\n"
        '<link rel="stylesheet" href="/static/vendor/swagger-ui/swagger-ui.css">\n'
        '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">\n'
        '</head>\n<body>\n<main id="swagger-ui"></main>\n'
        f'<noscript><p lang="{lang}">{note}</p></noscript>\n'
        '<script src="/static/vendor/swagger-ui/swagger-ui-bundle.js"></script>\n'
        '<script src="/static/api-docs.js"></script>\n</body>\n</html>\n'
    )
    # The site-wide CSP (script-src 'self', style-src 'self') suffices: Swagger UI styles
    # elements through the DOM, which that policy allows.
    return Response(page)


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
api = [openapi_schema, api_docs]
routes = [root, healthz, readyz]
