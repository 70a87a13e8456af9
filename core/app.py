"""The application factory: every domain's pages, API and routes assembled in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar, Router
from litestar.config.allowed_hosts import AllowedHostsConfig
from litestar.config.compression import CompressionConfig
from litestar.config.csrf import CSRFConfig
from litestar.connection import ASGIConnection
from litestar.exceptions import NotFoundException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from core import db, jobqueue
from core.auth import SessionAuthMiddleware
from core.domains import load_domains
from core.errors import exception_handlers
from core.i18n import LANGUAGES, ROOT
from core.middleware import bounded_ids_middleware, language_middleware, security_headers_hook
from core.pagecache import page_cache_middleware
from core.proxies import trusted_proxies_middleware
from core.settings import get_settings
from core.templating import create_environment
from core.uploads import MAX_FORM_BYTES

STATIC_DIR = ROOT / "static"


def known_language(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Pages live under /<lang>/; any other first segment is simply not a page."""
    if connection.path_params.get("lang") not in LANGUAGES:
        raise NotFoundException()


def _routers() -> list[Router]:
    domains = load_domains()
    pages = Router(
        "/{lang:str}",
        route_handlers=[h for d in domains for h in d.pages],
        guards=[known_language],
        include_in_schema=False,
    )
    api = Router("/api/v1", route_handlers=[h for d in domains for h in d.api], tags=["api"])
    root = Router("/", route_handlers=[h for d in domains for h in d.routes])
    static = create_static_files_router(path="/static", directories=[STATIC_DIR])
    return [pages, api, root, static]


def create_app(redis_url: str | None = None) -> Litestar:
    """Build the site. `redis_url` overrides settings (the embedded server's socket)."""
    settings = get_settings()
    queue_url = redis_url or settings.redis_url
    if queue_url is None:
        raise RuntimeError("No Redis URL: set HONGSHAN_REDIS_URL or start the embedded server")

    @asynccontextmanager
    async def lifespan(_app: Litestar) -> AsyncIterator[None]:
        pool_started = await db.start_pool()
        queue_opened = await jobqueue.open_queue(queue_url)
        try:
            yield
        finally:
            if queue_opened:
                await jobqueue.close_queue()
            if pool_started:
                await db.close_pool()

    return Litestar(
        route_handlers=_routers(),
        lifespan=[lifespan],
        middleware=[
            trusted_proxies_middleware(settings.trusted_proxies),
            language_middleware,
            bounded_ids_middleware(db.largest_integer(settings.database_url)),
            page_cache_middleware,
            DefineMiddleware(SessionAuthMiddleware, exclude=["^/static/", "^/healthz", "^/readyz"]),
        ],
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="__Host-hongshan_csrf" if settings.is_https else "hongshan_csrf",
            cookie_secure=settings.is_https,
            cookie_samesite="lax",
            header_name="x-csrftoken",
        ),
        before_send=[security_headers_hook()],
        exception_handlers=exception_handlers,  # type: ignore[arg-type]
        template_config=TemplateConfig(
            engine=JinjaTemplateEngine.from_environment(create_environment())
        ),
        allowed_hosts=AllowedHostsConfig(allowed_hosts=list(settings.allowed_hosts)),
        # The schema's own route is core.routes.openapi_schema (/api/v1/openapi.json) and the
        # docs page is core.routes.api_docs (/api/v1/docs): a schema router mounted at /api/v1
        # would answer unknown API paths with an HTML page, so Litestar's own sits aside.
        openapi_config=OpenAPIConfig(
            title="Hongshan API",
            version="1",
            path="/api/v1/schema",
            render_plugins=[JsonRenderPlugin()],
        ),
        logging_config=None,
        request_max_body_size=MAX_FORM_BYTES,
    )
