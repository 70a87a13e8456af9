"""Small helpers every page handler uses: who is asking and from where, form fields and
uploads, 404s, files to show or save, and safe redirects."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import CacheControlHeader, Cookie, UploadFile
from litestar.exceptions import (
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
)
from litestar.handlers.base import BaseRouteHandler
from litestar.response import File, Redirect, Template
from litestar.types import Guard

from core import sessions
from core.access import ANONYMOUS, Viewer, require
from core.errors import ValidationFailed
from core.i18n import current_language
from core.sessions import ABSOLUTE_S
from core.settings import get_settings
from core.textclean import without_bidi_controls
from core.uploads import stored_path

if TYPE_CHECKING:
    from core.spreadsheets import Download

Found = TypeVar("Found")
# Stored names end in the extension of their sniffed format (core.uploads.store_image).
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".webp": "image/webp"}
PUBLIC_IMAGE_HEADERS = {
    "Cache-Control": "public, max-age=86400",
    "Content-Security-Policy": "default-src 'none'",
}
# For controllers whose pages show one person's or one organization's data.
NO_STORE = CacheControlHeader(private=True, no_store=True)


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


def allowed(action: str) -> Guard:
    """Guard through the central policy (core.access): sign in first (401), or not for you
    (403). Set it once on a controller; object checks stay in the services."""

    def guard(connection: ASGIConnection, _handler: BaseRouteHandler) -> None:
        user = connection.scope.get("user")
        require(user if isinstance(user, Viewer) else ANONYMOUS, action)

    return guard


def viewer_of(request: Request) -> Viewer:
    user = request.scope.get("user")
    return user if isinstance(user, Viewer) else ANONYMOUS


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def form_data(request: Request) -> dict[str, str]:
    """Single-valued form fields, stripped and without bidi controls (core.textclean);
    multi-valued ones via `form_lists`."""
    form = await request.form()
    return {
        key: without_bidi_controls(value).strip()
        for key, value in form.items()
        if isinstance(value, str)
    }


async def form_lists(request: Request, name: str) -> list[str]:
    form = await request.form()
    return [without_bidi_controls(v) for v in form.getall(name, []) if isinstance(v, str)]


async def uploaded_file(request: Request, name: str) -> bytes | None:
    """The content of the file sent in form field `name`, or None when none was chosen."""
    form = await request.form()
    upload = form.get(name)
    if isinstance(upload, UploadFile) and upload.filename:
        return await upload.read()
    return None


def found_or_404(found: Found | None) -> Found:
    """What a page is about, or a 404 when a lookup found nothing."""
    if found is None:
        raise NotFoundException()
    return found


def stored_image(folder_name: str, name: str, headers: dict[str, str]) -> File:
    """An uploaded image by the name in its address (404 for anything else), shown inline."""
    path = stored_path(folder_name, name)
    if path is None or path.suffix not in IMAGE_TYPES:
        raise NotFoundException()
    return File(
        path,
        media_type=IMAGE_TYPES[path.suffix],
        content_disposition_type="inline",
        headers=headers,
    )


def attachment(download: Download) -> Response[bytes]:
    """A file the browser saves rather than shows; never cached (exports hold personal data)."""
    return _file(download, "attachment")


def shown_inline(download: Download) -> Response[bytes]:
    """A file the browser shows (a PDF) rather than saves; never cached either."""
    return _file(download, "inline")


def _file(download: Download, disposition: str) -> Response[bytes]:
    return Response(
        download.content,
        media_type=download.media_type,
        headers={
            "content-disposition": f'{disposition}; filename="{download.filename}"',
            "cache-control": "no-store",
        },
    )


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
