"""Small helpers every page handler uses: who is asking, from where, and safe redirects."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.response import Redirect, Template
from litestar.types import Guard

from core import sessions
from core.access import ANONYMOUS, Viewer
from core.errors import ValidationFailed
from core.i18n import current_language
from core.sessions import ABSOLUTE_S
from core.settings import get_settings


def signed_in(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
    """Guard: anonymous readers are sent to sign in (see core.errors)."""
    user = connection.scope.get("user")
    if not isinstance(user, Viewer) or not user.is_authenticated:
        raise NotAuthorizedException()


def role_required(*roles: str) -> Guard:
    """Guard for a whole area of the back office (admins always pass)."""

    def guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
        signed_in(connection, _handler)
        user = connection.scope["user"]
        if not (user.is_admin or user.has_role(*roles)):
            raise PermissionDeniedException()

    return guard


def viewer_of(request: Request) -> Viewer:
    user = request.scope.get("user")
    return user if isinstance(user, Viewer) else ANONYMOUS


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def form_data(request: Request) -> dict[str, str]:
    """Single-valued form fields, stripped; multi-valued ones via `form_lists`."""
    form = await request.form()
    return {key: str(value).strip() for key, value in form.items() if isinstance(value, str)}


async def form_lists(request: Request, name: str) -> list[str]:
    form = await request.form()
    return [str(value) for value in form.getall(name, []) if isinstance(value, str)]


def local_path(target: str | None, fallback: str) -> str:
    """Only same-site paths are followed after sign-in (no open redirects)."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return fallback


def lang_path(path: str) -> str:
    return f"/{current_language()}/{path.lstrip('/')}"


def form_page(
    template: str,
    *,
    error: ValidationFailed | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    **context: Any,
) -> Template:
    """A form page, re-shown with the reader's input and the errors when a service refused."""
    return Template(
        template,
        context={"errors": error.errors if error else {}, "values": values or {}, **context},
        status_code=400 if error and status_code == 200 else status_code,
        headers=headers,
    )


def session_cookie(token: str) -> Cookie:
    return Cookie(
        key=sessions.cookie_name(),
        value=token,
        path="/",
        max_age=ABSOLUTE_S,
        httponly=True,
        secure=get_settings().is_https,
        samesite="lax",
    )


def signed_in_redirect(target: str, token: str) -> Redirect:
    return Redirect(target, status_code=303, cookies=[session_cookie(token)])


def signed_out_redirect(target: str) -> Redirect:
    expired = Cookie(
        key=sessions.cookie_name(),
        value="",
        path="/",
        max_age=0,
        expires=0,
        httponly=True,
        secure=get_settings().is_https,
        samesite="lax",
    )
    return Redirect(target, status_code=303, cookies=[expired])
